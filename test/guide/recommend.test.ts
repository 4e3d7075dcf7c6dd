// The recommendation: the guide and the simulation side by side, agreement, the final choice and the
// explanation with rule IDs and measured numbers.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RankedCandidate, Recommendation, recommendation, type SimulationInput } from '../../src/guide/index.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import type { SimResult } from '../../src/sim/result.js';
import { fakeResult, guide, SHORT_UNIFORM, threeNodes } from './helpers.js';

/** Long-lived traffic on three client nodes: the guide says IPVS lc (G2). */
const LONG: ScenarioInput = {
  cluster: threeNodes(),
  traffic: {
    workloads: [
      { ...SHORT_UNIFORM, rate: 100 },
      {
        class: 'websocket',
        rate: 1,
        duration: { dist: 'exponential', mean: '2m' },
        messageRate: 1,
        serviceTime: '1ms',
      },
    ],
  },
};

function row(result: SimResult, value: number, tiedWithBest: boolean, halfWidth = 1): RankedCandidate {
  const c = result.config;
  return {
    label: c.mode === 'ipvs' ? `ipvs/${c.scheduler}` : c.mode,
    config: c,
    value,
    low: value - halfWidth,
    high: value + halfWidth,
    tiedWithBest,
  };
}

function simulation(entries: [SimResult, number, boolean][]): SimulationInput {
  return { objective: 'p99', ranking: entries.map(([r, v, t]) => row(r, v, t)), results: entries.map(([r]) => r) };
}

describe('without a simulation', () => {
  it('is the guide’s choice, with the rules it applied and a schema-valid body', () => {
    const g = guide(LONG);
    const rec = recommendation(g);
    expect(Recommendation.parse(rec)).toEqual(rec);
    expect(rec.basis).toBe('guide');
    expect(rec.agreement).toBeNull();
    expect(rec.simulation).toBeNull();
    expect(rec.choice).toEqual(g.choice);
    expect(rec.guide.rules.map((r) => r.id)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7']);
    expect(rec.explanation).toMatch(/^The guide \(G1, G2 and G4\) recommends ipvs mode with the lc scheduler\./);
    expect(rec.explanation).toContain('G2 fired: ');
    expect(rec.explanation).toContain('No simulation ran: the answer is the guide’s choice.');
    // The current iptables mode with long connections: C4 is a warning about what runs now.
    expect(rec.warnings.map((w) => w.id)).toContain('C4');
    expect(rec.warnings.map((w) => w.id)).toContain('ipvs-deprecated');
  });
});

describe('with a simulation', () => {
  const lc = fakeResult({ mode: 'ipvs', scheduler: 'lc' }, { p99: 31, maxOverMeanConnectionSeconds: 1.1 });
  const rr = fakeResult({ mode: 'ipvs', scheduler: 'rr' }, { p99: 58, maxOverMeanConnectionSeconds: 2.2 });
  const wlc = fakeResult({ mode: 'ipvs', scheduler: 'wlc' }, { p99: 30.5 });
  const nft = fakeResult({ mode: 'nftables' }, { p99: 57 });

  it('agrees when the guide’s choice ranks first; the margin is the runner-up', () => {
    const rec = recommendation(
      guide(LONG),
      simulation([
        [lc, 31, true],
        [rr, 58, false],
      ]),
    );
    expect(Recommendation.parse(rec)).toEqual(rec);
    expect(rec.agreement).toBe(true);
    expect(rec.basis).toBe('guide');
    expect(rec.simulation?.margin).toBe('ipvs/lc p99 31 ms vs ipvs/rr 58 ms');
    expect(rec.explanation).toContain('The simulation ranks ipvs/lc first on p99 (p99 31 ms, 95 % interval 30–32 ms).');
    expect(rec.explanation).toContain('That is the guide’s choice: guide and simulation agree');
  });

  it('treats wlc as lc when every weight is 1', () => {
    const rec = recommendation(
      guide(LONG),
      simulation([
        [wlc, 30.5, true],
        [rr, 58, false],
      ]),
    );
    expect(rec.agreement).toBe(true);
    expect(rec.simulation?.guideCandidate?.label).toBe('ipvs/wlc');
    expect(rec.explanation).toContain('That is the guide’s choice (wlc ≡ lc: every real server has weight 1)');
    expect(rec.choice.scheduler).toBe('lc');
  });

  it('but reports the guide’s own scheduler when both ran', () => {
    const rec = recommendation(
      guide(LONG),
      simulation([
        [wlc, 30.5, true],
        [lc, 31, true],
        [rr, 58, false],
      ]),
    );
    expect(rec.agreement).toBe(true);
    expect(rec.simulation?.guideCandidate?.label).toBe('ipvs/lc');
    expect(rec.explanation).toContain('statistically tied with it');
  });

  it('keeps the guide’s choice when it is statistically tied with the best', () => {
    const rec = recommendation(
      guide(LONG),
      simulation([
        [rr, 30, true],
        [lc, 31, true],
      ]),
    );
    expect(rec.agreement).toBe(true);
    expect(rec.choice).toMatchObject({ mode: 'ipvs', scheduler: 'lc' });
    expect(rec.simulation?.margin).toBe('ipvs/rr p99 30 ms vs ipvs/lc 31 ms');
    expect(rec.explanation).toContain(
      'The guide’s choice, ipvs/lc (p99 31 ms, 95 % interval 30–32 ms), is statistically tied with it (the paired 95 % interval of the difference contains 0), so the answer keeps the guide’s choice.',
    );
  });

  it('disagrees with numbers and reasons, and takes the simulation’s best', () => {
    const rrBest = fakeResult({ mode: 'ipvs', scheduler: 'rr' }, { p99: 30, maxOverMeanConnectionSeconds: 1.2 });
    const lcWorse = fakeResult({ mode: 'ipvs', scheduler: 'lc' }, { p99: 45, maxOverMeanConnectionSeconds: 1.3 });
    const rec = recommendation(
      guide(LONG),
      simulation([
        [rrBest, 30, true],
        [lcWorse, 45, false],
      ]),
    );
    expect(Recommendation.parse(rec)).toEqual(rec);
    expect(rec.agreement).toBe(false);
    expect(rec.basis).toBe('simulation');
    expect(rec.choice).toMatchObject({ mode: 'ipvs', scheduler: 'rr' });
    expect(rec.guide.choice).toMatchObject({ mode: 'ipvs', scheduler: 'lc' });
    expect(rec.explanation).toContain('The simulation disagrees with the guide: ipvs/rr p99 30 ms vs ipvs/lc 45 ms');
    // 100 client pods spread 34/33/33 over three nodes: lc's per-node state.
    expect(rec.explanation).toContain('each of the 3 deciding nodes keeps its own lc connection counts');
    expect(rec.explanation).toContain(
      'the busiest endpoint held 1.3× the mean connection-seconds under ipvs/lc and 1.2× under ipvs/rr',
    );
    expect(rec.explanation).toContain('The answer recommends the simulation’s best, ipvs mode with the rr scheduler.');
    // The notes follow the final choice: rr's weight note, no lc per-node note.
    const ids = [...rec.warnings, ...rec.notes].map((m) => m.id);
    expect(ids).not.toContain('per-node-state');
    expect(rec.notes.find((n) => n.id === 'ipvs-weights')?.message).toContain('rr behaves exactly as wrr');
    // The checks follow it too: rr leaves the long connections unbalanced, as the current iptables does.
    expect(rec.warnings.find((w) => w.id === 'C4')?.message).toContain(
      '(under the recommended configuration as under the current iptables mode)',
    );
  });

  it('keeps a requirement the winning candidate lacks (G6’s externalTrafficPolicy: Local)', () => {
    const s: ScenarioInput = {
      cluster: threeNodes({ type: 'NodePort' }),
      requirements: { preserveSourceIP: true },
      traffic: {
        clients: [{ name: 'internet', kind: 'external', via: 'nodePort', nodes: ['node-a', 'node-b'] }],
        workloads: [SHORT_UNIFORM],
      },
    };
    const local = fakeResult({ mode: 'iptables', externalTrafficPolicy: 'Local' }, { p99: 9 });
    const cluster = fakeResult({ mode: 'nftables' }, { p99: 5 });
    const rec = recommendation(
      guide(s),
      simulation([
        [cluster, 5, true],
        [local, 9, false],
      ]),
    );
    expect(rec.agreement).toBe(false);
    expect(rec.choice).toMatchObject({ mode: 'nftables', externalTrafficPolicy: 'Local' });
    expect(rec.explanation).toContain('keeping externalTrafficPolicy: Local (G6, the source-IP requirement)');
  });

  it('says so when the guide’s choice was not simulated (agreement null)', () => {
    const rec = recommendation(
      guide(LONG),
      simulation([
        [nft, 57, true],
        [fakeResult({ mode: 'iptables' }, { p99: 60 }), 60, false],
      ]),
    );
    expect(rec.agreement).toBeNull();
    expect(rec.basis).toBe('simulation');
    expect(rec.choice.mode).toBe('nftables');
    expect(rec.explanation).toContain(
      'The guide’s choice (ipvs mode with the lc scheduler) was not among the simulated candidates',
    );
  });

  it('re-evaluates the checks on the simulation’s measurements', () => {
    const rrCurrent = fakeResult({ mode: 'iptables' }, { p99: 40, maxOverMeanConnectionSeconds: 2.5 });
    const rec = recommendation(
      guide(LONG),
      simulation([
        [lc, 31, true],
        [rrCurrent, 40, false],
      ]),
    );
    const c4 = rec.guide.checks.find((c) => c.id === 'C4');
    expect(c4?.because).toContain('the simulation’s busiest endpoint held 2.5× the mean connection-seconds');
    expect(c4?.because).toContain('(ipvs/lc: 1.1×, p99 31 ms vs 40 ms)');
  });
});

describe('the Recommendation schema', () => {
  it('gives the OpenAPI document a description for every field, in input and output form', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const props = n.properties as Record<string, { description?: string }> | undefined;
      for (const [key, value] of Object.entries(props ?? {})) {
        if (value.description === undefined) missing.push(`${path}.${key}`);
        walk(value, `${path}.${key}`);
      }
      for (const key of ['items', 'anyOf', 'additionalProperties']) {
        const child = n[key];
        if (Array.isArray(child)) for (const [i, c] of child.entries()) walk(c, `${path}.${key}[${i}]`);
        else walk(child, `${path}.${key}`);
      }
    };
    walk(z.toJSONSchema(Recommendation, { io: 'output' }), '');
    expect(missing).toEqual([]);
    expect(() => z.toJSONSchema(Recommendation, { io: 'input' })).not.toThrow();
  });
});
