import { describe, expect, it } from 'vitest';
import { NftablesServiceChain, reciprocalScale } from '../../src/dataplane/nftables.js';
import { Rng } from '../../src/engine/rng.js';
import { CHI2_P001, chiSquareUniform } from './fixtures.js';

describe('numgen random mod n (reciprocal_scale)', () => {
  it('maps the 2^32 draws onto n slots by the high bits of u32 × n', () => {
    expect(reciprocalScale(0, 7)).toBe(0);
    expect(reciprocalScale(0xffffffff, 7)).toBe(6);
    expect(reciprocalScale(0x80000000, 2)).toBe(1);
    expect(reciprocalScale(0x7fffffff, 2)).toBe(0);
    // Slot boundaries of n = 3: ceil(k · 2^32 / 3).
    expect(reciprocalScale(1431655765, 3)).toBe(0);
    expect(reciprocalScale(1431655766, 3)).toBe(1);
    expect(reciprocalScale(2863311530, 3)).toBe(1);
    expect(reciprocalScale(2863311531, 3)).toBe(2);
    expect(reciprocalScale(0xffffffff, 2 ** 21)).toBe(2 ** 21 - 1);
  });

  for (let n = 2; n <= 10; n++) {
    it(`is uniform over ${n} endpoints (χ² over 100 000 draws, p = 0.001)`, () => {
      const chain = new NftablesServiceChain(Array.from({ length: n }, (_, i) => i));
      const rng = new Rng(777 + n, 'nftables-numgen');
      const counts = new Float64Array(n);
      for (let k = 0; k < 100_000; k++) counts[chain.pick(0, 0, rng)]!++;
      expect(chiSquareUniform(counts)).toBeLessThan(CHI2_P001[n - 1]!);
      expect(chain.lastRulesEvaluated).toBe(1);
    });
  }

  it('draws once per pick even with one endpoint ("numgen random mod 1")', () => {
    let draws = 0;
    const rng = {
      nextU32: () => {
        draws++;
        return 123;
      },
    };
    const chain = new NftablesServiceChain([42]);
    expect(chain.pick(0, 0, rng)).toBe(42);
    expect(draws).toBe(1);
  });
});
