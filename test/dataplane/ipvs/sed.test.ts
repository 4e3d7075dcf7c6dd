import { describe, expect, it } from 'vitest';
import { named, picks } from './helpers.js';

describe('sed (ip_vs_sed.c)', () => {
  it('ignores inactive connections: overhead is activeconns + 1', () => {
    const n = named({ scheduler: 'sed' }, [
      ['A', 1],
      ['B', 1],
    ]);
    n.load('B', { inactive: 50 });
    // list B, A: (0+1)/1 each → tie → B despite its 50 inactive connections (lc would pick A).
    expect(picks(n, 3)).toEqual(['B', 'B', 'B']);
    n.load('B', { active: 1 });
    expect(n.pick()).toBe('A');
  });

  it('sends the first connection to the heavier real server even when both are idle', () => {
    // list B(1), A(3): seed B with loh = 1; A: 1 * 3 > 1 * 1 → A.
    const n = named({ scheduler: 'sed' }, [
      ['A', 3],
      ['B', 1],
    ]);
    expect(n.pick()).toBe('A');
  });

  it('follows (active + 1) / weight with the earlier real server winning ties', () => {
    const n = named({ scheduler: 'sed' }, [
      ['A', 2],
      ['B', 1],
    ]);
    n.load('A', { active: 1 });
    // B: 1/1, A: 2/2 → tie → B (first in list).
    expect(n.pick()).toBe('B');
    n.load('A', { active: 1 });
    // A: 3/2 > 1 → B.
    expect(n.pick()).toBe('B');
    n.load('B', { active: 2 });
    // B: 3/1, A: 3/2 → A.
    expect(n.pick()).toBe('A');
  });
});
