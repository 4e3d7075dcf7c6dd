import { describe, expect, it } from 'vitest';
import { named, picks } from './helpers.js';

const ABC = [
  ['A', 1],
  ['B', 1],
  ['C', 1],
] as const;

describe('lc (ip_vs_lc.c)', () => {
  it('breaks ties for the first in list order, i.e. the most recently added real server', () => {
    // Strict `doh < loh`: list C, B, A. Every new connection is INACTIVE (overhead 1) until established.
    expect(picks(named({ scheduler: 'lc' }, ABC), 6)).toEqual(['C', 'B', 'A', 'C', 'B', 'A']);
  });

  it('weighs an active connection as 256 inactive ones (ip_vs_dest_conn_overhead: active << 8 + inactive)', () => {
    const n = named({ scheduler: 'lc' }, ABC);
    n.load('C', { active: 1 });
    n.load('B', { inactive: 255 });
    n.load('A', { inactive: 300 });
    expect(n.pick()).toBe('B'); // B 255 < C 256 < A 300
    // Now B = 256 = C: the tie goes to C, earlier in the list.
    expect(n.pick()).toBe('C');
    // C = 257 (a new connection is inactive), B = 256.
    expect(n.pick()).toBe('B');
  });

  it('ignores weight magnitudes but skips weight 0', () => {
    const n = named({ scheduler: 'lc' }, [
      ['A', 100],
      ['B', 1],
      ['C', 0],
    ]);
    // list C(0), B(1), A(100): C is skipped, B and A alternate as if the weights were equal.
    expect(picks(n, 4)).toEqual(['B', 'A', 'B', 'A']);
  });

  it('keeps counting a closed connection (inactive) until its 120 s timeout, then forgets it', () => {
    const n = named({ scheduler: 'lc' }, [
      ['A', 1],
      ['B', 1],
    ]);
    const b = n.svc.schedule(0, 1, 40000, 0);
    expect(n.name(b)).toBe('B');
    n.svc.established(b);
    n.svc.closed(10, b, 1); // FIN at t = 10: active → inactive, unbound at t = 130
    expect(n.pick(129.9)).toBe('A'); // B 1 vs A 0
    // A now has 1 inactive (its connection was never established), B still 1: tie → B (first in list).
    expect(n.pick(129.9)).toBe('B');
    // At t = 130 B's closed connection is gone: B 1, A 1 → B again.
    expect(n.svc.inactConns[b]).toBe(2);
    expect(n.pick(130)).toBe('B');
    expect(n.svc.inactConns[b]).toBe(2);
  });
});
