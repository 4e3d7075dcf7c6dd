import { describe, expect, it } from 'vitest';
import {
  cascadeShares,
  cascadeThresholds,
  formatGoFixed,
  IptablesServiceChain,
  probabilityString,
  statisticProbabilities,
  statisticThreshold,
} from '../../src/dataplane/iptables.js';
import type { RandomU32 } from '../../src/dataplane/random.js';
import { Rng } from '../../src/engine/rng.js';
import { CHI2_P001, chiSquareUniform } from './fixtures.js';

/** Replays a fixed sequence of u32 draws and counts them. */
class Scripted implements RandomU32 {
  draws = 0;
  constructor(private readonly values: number[]) {}
  nextU32(): number {
    const v = this.values[this.draws++];
    if (v === undefined) throw new Error('script exhausted');
    return v;
  }
}

describe('probability strings (fmt.Sprintf("%0.10f", 1.0/float64(n-i)))', () => {
  it('match kube-proxy for n = 2, 3, 4', () => {
    expect(statisticProbabilities(2)).toEqual(['0.5000000000']);
    expect(statisticProbabilities(3)).toEqual(['0.3333333333', '0.5000000000']);
    expect(statisticProbabilities(4)).toEqual(['0.2500000000', '0.3333333333', '0.5000000000']);
  });

  it('round the exact binary value to 10 decimals (n = 7, 9, 1000)', () => {
    expect(statisticProbabilities(7)).toEqual([
      '0.1428571429',
      '0.1666666667',
      '0.2000000000',
      '0.2500000000',
      '0.3333333333',
      '0.5000000000',
    ]);
    expect(statisticProbabilities(9)[0]).toBe('0.1111111111');
    const p1000 = statisticProbabilities(1000);
    expect(p1000).toHaveLength(999);
    expect(p1000.slice(0, 3)).toEqual(['0.0010000000', '0.0010010010', '0.0010020040']);
    expect(p1000.at(-1)).toBe('0.5000000000');
  });

  it('breaks exact ties to even like Go, where JavaScript toFixed rounds up (1/2048 = 0.00048828125)', () => {
    expect(probabilityString(2048)).toBe('0.0004882812');
    expect((1 / 2048).toFixed(10)).toBe('0.0004882813');
    expect(probabilityString(1024)).toBe('0.0009765625');
    expect(probabilityString(4096)).toBe('0.0002441406');
    expect(formatGoFixed(2.5, 0)).toBe('2');
    expect(formatGoFixed(3.5, 0)).toBe('4');
    expect(formatGoFixed(0.125, 2)).toBe('0.12');
    expect(formatGoFixed(0.375, 2)).toBe('0.38');
    expect(formatGoFixed(-1.5, 0)).toBe('-2');
    expect(formatGoFixed(1e21, 1)).toBe('1000000000000000000000.0');
    expect(formatGoFixed(0.1, 20)).toBe('0.10000000000000000555');
  });
});

describe('kernel thresholds (lround(p × 2^31), compared with get_random_u32() & 0x7FFFFFFF)', () => {
  it('parse the printed probabilities', () => {
    expect(statisticThreshold('0.5000000000')).toBe(1073741824);
    expect(statisticThreshold('0.3333333333')).toBe(715827883);
    expect(statisticThreshold('0.1428571429')).toBe(306783378);
    expect(statisticThreshold('0.0004882812')).toBe(1048576);
    expect([...cascadeThresholds(4)]).toEqual([536870912, 715827883, 1073741824]);
  });

  it('give shares within n × 3e-10 (relative) of 1/n: each rule is off by ≤ 5e-11 (10 decimals) + 2^-32 (lround)', () => {
    for (const n of [2, 3, 7, 10, 100, 1000, 5000]) {
      for (const share of cascadeShares(n)) expect(Math.abs(share * n - 1)).toBeLessThan(n * 3e-10);
    }
  });

  it('evaluate rules one by one with one draw each, the high bit masked, the last rule unconditional', () => {
    const chain = new IptablesServiceChain([10, 11, 12]);
    // 0x7fffffff fails "< 715827883"; 0x80000005 & 0x7fffffff = 5 passes the second rule.
    const a = new Scripted([0x7fffffff, 0x80000005]);
    expect(chain.pick(1, 0, a)).toBe(11);
    expect(a.draws).toBe(2);
    expect(chain.lastRulesEvaluated).toBe(2);
    const b = new Scripted([715827883, 1073741824]);
    expect(chain.pick(1, 0, b)).toBe(12);
    expect(b.draws).toBe(2);
    expect(chain.lastRulesEvaluated).toBe(3);
    const single = new IptablesServiceChain([5]);
    const none = new Scripted([]);
    expect(single.pick(1, 0, none)).toBe(5);
    expect(none.draws).toBe(0);
  });
});

describe('statistic cascade shares', () => {
  // 100 000 picks per n; χ² against uniform with n−1 degrees of freedom must stay below the 0.1 % point.
  for (let n = 2; n <= 10; n++) {
    it(`is uniform over ${n} endpoints (χ², p = 0.001)`, () => {
      const chain = new IptablesServiceChain(Array.from({ length: n }, (_, i) => i));
      const rng = new Rng(20240 + n, 'iptables-cascade');
      const counts = new Float64Array(n);
      let rules = 0;
      const picks = 100_000;
      for (let k = 0; k < picks; k++) {
        counts[chain.pick(0, 0, rng)]!++;
        rules += chain.lastRulesEvaluated;
      }
      expect(chiSquareUniform(counts)).toBeLessThan(CHI2_P001[n - 1]!);
      // Mean rules evaluated = (n+1)/2; its sd is < n/2, so 5 sd/√picks bounds the error.
      expect(Math.abs(rules / picks - (n + 1) / 2)).toBeLessThan((5 * n) / 2 / Math.sqrt(picks));
    });
  }
});
