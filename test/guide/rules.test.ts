// Each rule at its threshold's edge: the threshold set to the measured value (fires, or not for the
// strict comparisons) and nudged past it, with the `because` naming the measured value and threshold.
import { describe, expect, it } from 'vitest';
import { pct } from '../../src/guide/format.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { guide, rule, SHORT_UNIFORM, threeNodes } from './helpers.js';

const EPS = 1e-9;

function base(workloads: ScenarioInput['traffic']['workloads'], extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return { cluster: threeNodes(), ...extra, traffic: { workloads } };
}

describe('G1: short, uniform requests ⇒ rr', () => {
  // 500 req/s of uniform(2, 8 ms): every connection is short; CV = (6/√12)/5.
  const s = base([SHORT_UNIFORM]);
  const cv = 6 / Math.sqrt(12) / 5;

  it('fires at the share threshold and names the share and the service-time CV', () => {
    const g = guide(s, { thresholds: { shortConnectionShare: 1 } });
    const r = rule(g, 'G1');
    expect(r.fired).toBe(true);
    expect(r.recommends).toEqual({ scheduler: 'rr' });
    expect(r.because).toBe(
      `G1 fired: 100 % of connections carry ≤ 10 requests and close within 1 s (threshold ≥ 100 %), and the service-time CV is 0.35 (threshold ≤ 1)`,
    );
    expect(r.measured.serviceTimeCV).toBeCloseTo(cv, 12);
  });

  it('does not fire when the service-time CV is just above its threshold', () => {
    const measured = guide(s).profile.serviceTimeCV;
    expect(measured).toBeCloseTo(cv, 12);
    const at = rule(guide(s, { thresholds: { serviceTimeCV: measured } }), 'G1');
    expect(at.fired).toBe(true);
    const below = rule(guide(s, { thresholds: { serviceTimeCV: measured - EPS } }), 'G1');
    expect(below.fired).toBe(false);
    expect(below.because).toMatch(
      /^G1 did not fire: the service-time CV is 0\.35 \(threshold ≤ 0\.35\): requests are not uniform/,
    );
  });

  it('does not fire when too few connections are short', () => {
    // Half the connections carry 20 requests: 50 % short.
    const g = guide(base([SHORT_UNIFORM, { ...SHORT_UNIFORM, rate: 10_000, requestsPerConnection: 20 }]));
    const r = rule(g, 'G1');
    expect(g.profile.shortConnectionShare).toBeCloseTo(0.5, 12);
    expect(r.fired).toBe(false);
    expect(r.because).toContain('only 50 % of connections carry ≤ 10 requests and close within 1 s (threshold ≥ 80 %)');
  });
});

describe('G2: connection lengths vary widely ⇒ lc (wlc with weights)', () => {
  const ws = {
    class: 'websocket',
    rate: 1,
    duration: { dist: 'exponential', mean: '20s' },
    serviceTime: '1ms',
  } as const;
  // Exponential sessions of mean 20 s: E[D 1{D>30}] / E[D] = (1 + 30/20) e^(−1.5).
  const longShare = 2.5 * Math.exp(-1.5);

  it('fires at the connection-seconds threshold, quoting the share', () => {
    const measured = guide(base([ws])).profile.longConnectionSecondsShare;
    expect(measured).toBeCloseTo(longShare, 12);
    const r = rule(guide(base([ws]), { thresholds: { longConnectionSecondsShare: measured } }), 'G2');
    expect(r.fired).toBe(true);
    expect(r.recommends).toEqual({ mode: 'ipvs', scheduler: 'lc' });
    expect(r.because).toContain(
      `G2 fired: ${pct(longShare)} of connection-seconds are in connections living longer than 30 s (threshold ${pct(longShare)})`,
    );
    const above = rule(guide(base([ws]), { thresholds: { longConnectionSecondsShare: measured + EPS } }), 'G2');
    expect(above.fired).toBe(false);
    expect(above.because).toContain(`G2 did not fire: only ${pct(longShare)} of connection-seconds`);
  });

  it('fires only above the connection-duration CV threshold (strict), quoting the CV', () => {
    // Exponential durations: CV exactly 1.
    const at = rule(
      guide(base([ws]), { thresholds: { longConnectionSecondsShare: 1, connectionDurationCV: 1 } }),
      'G2',
    );
    expect(at.fired).toBe(false);
    expect(at.because).toContain('the connection-duration CV is 1 (threshold > 1)');
    const below = rule(
      guide(base([ws]), { thresholds: { longConnectionSecondsShare: 1, connectionDurationCV: 1 - EPS } }),
      'G2',
    );
    expect(below.fired).toBe(true);
    expect(below.because).toMatch(/^G2 fired: the connection-duration CV is 1 \(threshold > 1\)/);
  });

  it('asks for wlc when backends.overrides give the endpoints different weights', () => {
    const r = rule(guide(base([ws], { backends: { overrides: [{ endpoint: 'web-a', weight: 3 }] } })), 'G2');
    expect(r.fired).toBe(true);
    expect(r.recommends).toEqual({ mode: 'ipvs', scheduler: 'wlc' });
    expect(r.because).toContain('endpoint weights differ (backends.overrides), so wlc');
  });
});

describe('G3: stickiness ⇒ sh or sessionAffinity: ClientIP', () => {
  it('fires on the requirement', () => {
    const r = rule(guide(base([SHORT_UNIFORM], { requirements: { stickySessions: true } })), 'G3');
    expect(r.fired).toBe(true);
    expect(r.because).toBe('G3 fired: requirements.stickySessions is true');
  });

  it('fires when the Service already has ClientIP affinity, naming its timeout', () => {
    const r = rule(
      guide({ cluster: threeNodes({ sessionAffinity: 'ClientIP' }), traffic: { workloads: [SHORT_UNIFORM] } }),
      'G3',
    );
    expect(r.fired).toBe(true);
    expect(r.because).toBe('G3 fired: default/web already has sessionAffinity: ClientIP (timeout 10800 s)');
  });

  it('does not fire otherwise', () => {
    const r = rule(guide(base([SHORT_UNIFORM])), 'G3');
    expect(r.fired).toBe(false);
    expect(r.because).toBe(
      'G3 did not fire: requirements.stickySessions is false and default/web has sessionAffinity: None',
    );
  });
});

describe('G4 / G5: the snapshot’s size', () => {
  // threeNodes: 1 Service port, 2 endpoints.
  it('G4 fires below both thresholds, G5 at either', () => {
    const small = guide(base([SHORT_UNIFORM]), { thresholds: { servicePorts: 2, endpoints: 3 } });
    expect(rule(small, 'G4').fired).toBe(true);
    expect(rule(small, 'G4').because).toBe(
      'G4 fired: the snapshot has 1 Service port (threshold < 2) and 2 endpoints (threshold < 3)',
    );
    expect(rule(small, 'G5').fired).toBe(false);

    const ports = guide(base([SHORT_UNIFORM]), { thresholds: { servicePorts: 1, endpoints: 3 } });
    expect(rule(ports, 'G4').fired).toBe(false);
    expect(rule(ports, 'G5').fired).toBe(true);
    expect(rule(ports, 'G5').recommends).toEqual({ mode: 'ipvs' });
    expect(rule(ports, 'G5').because).toMatch(
      /^G5 fired: the snapshot has 1 Service port \(threshold ≥ 1\) and 2 endpoints \(threshold ≥ 3\): iptables tests about \d+ rules per new connection/,
    );

    const endpoints = guide(base([SHORT_UNIFORM]), { thresholds: { servicePorts: 2, endpoints: 2 } });
    expect(rule(endpoints, 'G4').fired).toBe(false);
    expect(rule(endpoints, 'G5').fired).toBe(true);
  });
});

describe('G6: keep the source IP ⇒ externalTrafficPolicy: Local', () => {
  it('fires on the requirement and says how much traffic is external', () => {
    const g = guide({
      cluster: threeNodes({ type: 'NodePort' }),
      requirements: { preserveSourceIP: true },
      traffic: {
        clients: [
          { name: 'web', kind: 'pod' },
          { name: 'internet', kind: 'external', via: 'nodePort' },
        ],
        workloads: [
          { ...SHORT_UNIFORM, client: 'web', rate: 750 },
          { ...SHORT_UNIFORM, client: 'internet', rate: 250 },
        ],
      },
    });
    const r = rule(g, 'G6');
    expect(r.fired).toBe(true);
    expect(r.recommends).toEqual({ externalTrafficPolicy: 'Local' });
    expect(r.because).toBe(
      'G6 fired: requirements.preserveSourceIP is true and external clients open 25 % of the connections',
    );
  });

  it('does not fire without the requirement', () => {
    expect(rule(guide(base([SHORT_UNIFORM])), 'G6').because).toBe(
      'G6 did not fire: requirements.preserveSourceIP is false',
    );
  });
});

describe('G7: many HTTP/2 streams ⇒ lc / wlc', () => {
  // 700 short requests/s and 300 HTTP/2 streams/s: share exactly 0.3.
  const s = base([
    { ...SHORT_UNIFORM, rate: 700 },
    { class: 'http2', connections: 8, streamRate: 300, serviceTime: '5ms' },
  ]);

  it('fires at the threshold and not just above it', () => {
    const at = rule(guide(s), 'G7');
    expect(at.fired).toBe(true);
    expect(at.recommends).toEqual({ mode: 'ipvs', scheduler: 'lc' });
    expect(at.because).toBe('G7 fired: HTTP/2 streams are 30 % of requests (threshold ≥ 30 %)');
    const above = rule(guide(s, { thresholds: { http2RequestShare: 0.3 + EPS } }), 'G7');
    expect(above.fired).toBe(false);
    expect(above.because).toBe('G7 did not fire: HTTP/2 streams are 30 % of requests (threshold ≥ 30 %)');
  });
});

describe('every answer', () => {
  it('lists G1–G7 in ID order with the document’s words in Korean and English', () => {
    const g = guide(base([SHORT_UNIFORM]));
    expect(g.rules.map((r) => r.id)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7']);
    expect(g.checks.map((c) => c.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']);
    for (const r of [...g.rules, ...g.checks]) {
      expect(r.source.length).toBeGreaterThan(0);
      for (const s of r.source) {
        expect(s.section).toMatch(/^§\d+/);
        expect(s.ko).toMatch(/[\uac00-\ud7a3]|conntrack/);
        expect(s.en.length).toBeGreaterThan(10);
      }
    }
    expect(g.thresholds).toMatchObject({ shortConnectionShare: 0.8, longConnectionSeconds: 30, servicePorts: 1000 });
  });
});
