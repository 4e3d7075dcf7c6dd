import { describe, expect, it } from 'vitest';
import { named } from './helpers.js';

describe('nq (ip_vs_nq.c)', () => {
  it('returns the first idle (activeconns == 0) real server, whatever the weights', () => {
    // list B(1), A(3), both idle: nq returns B at once, where sed would compute the ratios and pick A.
    const n = named({ scheduler: 'nq' }, [
      ['A', 3],
      ['B', 1],
    ]);
    expect(n.pick()).toBe('B');
    n.load('B', { active: 1 });
    expect(n.pick()).toBe('A');
  });

  it('counts only active connections as "busy": inactive ones (closing, SYN_RECV) leave a server idle', () => {
    const n = named({ scheduler: 'nq' }, [
      ['A', 1],
      ['B', 1],
    ]);
    n.load('B', { inactive: 40 });
    expect(n.pick()).toBe('B');
  });

  it('falls back to the sed rule when every usable server is busy, and skips weight 0', () => {
    const n = named({ scheduler: 'nq' }, [
      ['A', 2],
      ['B', 1],
      ['C', 0],
    ]);
    n.load('A', { active: 2 });
    n.load('B', { active: 1 });
    // list C(0) skipped though idle; B: 2/1 vs A: 3/2 → A.
    expect(n.pick()).toBe('A');
    n.load('A', { active: 1 });
    // B 2/1 vs A 4/2 → tie → B (first).
    expect(n.pick()).toBe('B');
  });
});
