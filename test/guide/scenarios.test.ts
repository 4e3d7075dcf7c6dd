// Scenarios that read like the document's advice (sections 5 and 12), end to end from a plain scenario
// object: the schema, the compact snapshot, the traffic profile, the rules and the combined choice.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOOKUP_NS,
  DEFAULT_NS_PER_RULE,
  expectedCascadeRules,
  IptablesRuleLayout,
  iptablesExpectedFirstPacketRules,
  summarizeServicePorts,
} from '../../src/dataplane/cost.js';
import { Rng } from '../../src/engine/rng.js';
import { dur } from '../../src/guide/format.js';
import { evaluateGuide } from '../../src/guide/index.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { check, guide, prepare, rule, SHORT_UNIFORM, threeNodes } from './helpers.js';

describe('“short, uniform requests ⇒ RR”', () => {
  it('short uniform traffic: G1 fires and asks for rr; a small cluster stays on iptables (G4)', () => {
    const g = guide({ cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } });
    expect(rule(g, 'G1').fired).toBe(true);
    expect(rule(g, 'G1').recommends).toEqual({ scheduler: 'rr' });
    expect(rule(g, 'G2').fired).toBe(false);
    expect(rule(g, 'G7').fired).toBe(false);
    expect(g.choice).toEqual({
      mode: 'iptables',
      scheduler: null,
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      trafficDistribution: null,
    });
    expect(g.rationale).toContain('Mode: iptables from G4.');
  });

  it('the same traffic on a cluster past G5’s threshold: IPVS with rr', () => {
    const g = guide(
      { cluster: threeNodes(), traffic: { workloads: [SHORT_UNIFORM] } },
      { thresholds: { servicePorts: 1 } },
    );
    expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'rr' });
    expect(g.rationale).toContain('Scheduler: rr from G1.');
  });
});

describe('“connection lengths vary widely, WebSocket and HTTP/2 mixed in ⇒ LC (or wlc)”', () => {
  const mix: ScenarioInput = {
    cluster: threeNodes(),
    traffic: {
      workloads: [
        { ...SHORT_UNIFORM, rate: 400 },
        {
          class: 'http2',
          connections: 16,
          streamRate: 300,
          serviceTime: { dist: 'lognormal', median: '5ms', p99: '50ms' },
        },
        {
          class: 'websocket',
          rate: 2,
          duration: { dist: 'pareto', alpha: 1.3, mean: '5m' },
          messageRate: 0.1,
          serviceTime: '2ms',
        },
      ],
    },
  };

  it('heavy-tailed WebSocket sessions and HTTP/2: G2 and G7 fire, IPVS lc', () => {
    const g = guide(mix);
    expect(rule(g, 'G2').fired).toBe(true);
    // Connection-seconds per second: WebSocket 2 × 300 s (all sessions outlive xm = 69 s), HTTP/2 16
    // (the 60 s run), short 400 × (5 ms + a 0.2 ms round trip).
    const share = (600 + 16) / (600 + 16 + 400 * 0.0052);
    expect(g.profile.longConnectionSecondsShare).toBeCloseTo(share, 9);
    expect(rule(g, 'G2').because).toMatch(
      /^G2 fired: 99\.7 % of connection-seconds are in connections living longer than 30 s/,
    );
    // Requests per second: 400 short, 300 HTTP/2 streams, 2 × 300 × 0.1 WebSocket messages.
    expect(rule(g, 'G7').fired).toBe(true);
    expect(rule(g, 'G7').because).toBe('G7 fired: HTTP/2 streams are 39.5 % of requests (threshold ≥ 30 %)');
    expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'lc' });
    expect(g.rationale[0]).toBe(
      'Mode: ipvs, because lc (G2 and G7) exists only in IPVS mode; G4’s “iptables is enough” yields to it.',
    );
  });

  it('with endpoint weights from backends.overrides: wlc', () => {
    const g = guide({ ...mix, backends: { overrides: [{ endpoint: '10.244.2.10', weight: 2 }] } });
    expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'wlc' });
  });
});

describe('“sticky sessions per client IP ⇒ sh or sessionAffinity: ClientIP”', () => {
  const sticky = {
    cluster: threeNodes(),
    requirements: { stickySessions: true },
    traffic: { workloads: [SHORT_UNIFORM] },
  };

  it('outside IPVS mode: sessionAffinity: ClientIP', () => {
    const g = guide(sticky);
    expect(rule(g, 'G3').fired).toBe(true);
    expect(g.choice).toMatchObject({ mode: 'iptables', scheduler: null, sessionAffinity: 'ClientIP' });
  });

  it('in IPVS mode (G5): sh, ahead of G2’s lc', () => {
    const g = guide(
      {
        ...sticky,
        traffic: {
          workloads: [
            { class: 'websocket', rate: 1, duration: { dist: 'exponential', mean: '2m' }, serviceTime: '1ms' },
          ],
        },
      },
      { thresholds: { servicePorts: 1 } },
    );
    expect(rule(g, 'G2').fired).toBe(true);
    expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'sh', sessionAffinity: 'None' });
    expect(g.rationale).toContain(
      'Scheduler: sh from G3 (stickiness by client IP); G2 yields to it (precedence G3 > G2/G7 > G1).',
    );
  });
});

describe('“hundreds to thousands of Services ⇒ IPVS” (and nftables)', () => {
  it('12 000 Service ports: G5 picks IPVS, nftables is named, with the first-packet costs', () => {
    const n = 12_000;
    const services = Array.from({ length: n }, (_, i) => ({
      name: `svc-${i}`,
      clusterIP: `10.96.${i >> 8}.${i & 255}`,
      ports: [{ port: 80 }],
    }));
    const endpointSlices = Array.from({ length: n }, (_, i) => ({
      service: `svc-${i}`,
      endpoints: [{ address: `10.244.${i >> 8}.${i & 255}`, node: i % 2 === 0 ? 'node-a' : 'node-b' }],
    }));
    const p = prepare({
      cluster: {
        nodes: [
          { name: 'node-a', kubeletVersion: 'v1.34.2' },
          { name: 'node-b', kubeletVersion: 'v1.34.2' },
        ],
        services,
        endpointSlices,
      },
      target: { service: 'svc-0' },
      traffic: { workloads: [{ ...SHORT_UNIFORM, rate: 1000 }] },
    });
    const g = evaluateGuide(p);
    expect(rule(g, 'G5').fired).toBe(true);
    expect(rule(g, 'G4').fired).toBe(false);
    expect(g.choice).toMatchObject({ mode: 'ipvs', scheduler: 'rr' });

    // The data-plane cost model for a pod on node-a reaching the ClusterIP of a one-endpoint Service:
    // half of the other 11 999 KUBE-SERVICES rules on average, then the rest of the path.
    const summaries = summarizeServicePorts(p.cluster, 'IPv4');
    const layout = new IptablesRuleLayout(summaries, 0, 'node-a', new Rng(1));
    const rules = iptablesExpectedFirstPacketRules(
      layout,
      {
        entry: 'clusterIP',
        client: 'pod',
        chain: 'cluster',
        localDetector: false,
        masqueradeAll: false,
        affinity: false,
      },
      expectedCascadeRules([1]),
      {
        snat: false,
        internalMasquerade: false,
        externalMasquerade: false,
        hairpin: false,
        sourceIPPreserved: true,
        crossNode: false,
        crossZone: false,
      },
    );
    expect(rules).toBeGreaterThan(6000);
    const iptablesSeconds = (rules * DEFAULT_NS_PER_RULE) / 1e9;
    const lookupSeconds = DEFAULT_LOOKUP_NS / 1e9;
    expect(g.rules.find((r) => r.id === 'G5')?.measured.iptablesRulesPerConnection).toBeCloseTo(rules, 9);

    const nft = g.notes.find((x) => x.id === 'nftables-alternative');
    expect(nft?.message).toContain('nftables mode is GA in the cluster’s v1.34.2');
    expect(nft?.message).toContain('matches Services in O(1) as well');
    expect(nft?.message).toContain(`First packet: iptables about ${dur(iptablesSeconds)}`);
    expect(nft?.message).toContain(`nftables and IPVS about ${dur(lookupSeconds)}`);
    expect(rule(g, 'G5').because).toContain(`${dur(iptablesSeconds)} at 20 ns per rule`);
    // IPVS is recommended, so the answer says it is deprecated and what this cluster's version means.
    const dep = g.notes.find((x) => x.id === 'ipvs-deprecated');
    expect(dep?.severity).toBe('warning');
    expect(dep?.message).toContain('This answer recommends IPVS mode (G5).');
    expect(dep?.message).toContain('The cluster runs v1.34.2: IPVS mode is still fully supported there.');
    // The cluster runs iptables today: C3 reports the cost for the current configuration.
    expect(check(g, 'C3').appliesTo).toEqual(['current']);
  });
});

describe('“the source IP is a must ⇒ externalTrafficPolicy: Local + local backends”', () => {
  it('G6 fires and C1 names the node without an endpoint that the load balancer sends to', () => {
    const g = guide({
      cluster: threeNodes({ type: 'LoadBalancer', loadBalancerIPs: ['203.0.113.10'] }),
      requirements: { preserveSourceIP: true },
      traffic: {
        clients: [
          {
            name: 'internet',
            kind: 'external',
            via: 'loadBalancer',
            nodes: ['node-a', 'node-b', 'node-c'],
            weights: [2, 2, 1],
          },
        ],
        workloads: [SHORT_UNIFORM],
      },
    });
    expect(rule(g, 'G6').fired).toBe(true);
    expect(g.choice.externalTrafficPolicy).toBe('Local');
    const c1 = check(g, 'C1');
    expect(c1.fired).toBe(true);
    expect(c1.appliesTo).toEqual(['choice']);
    expect(c1.because).toContain(
      'C1 fired: under the guide’s choice (iptables mode with externalTrafficPolicy: Local): node-c (20 % of external connections) receives external traffic but has no local endpoint of default/web',
    );
    expect(c1.because).toContain('healthCheckNodePort');
  });
});
