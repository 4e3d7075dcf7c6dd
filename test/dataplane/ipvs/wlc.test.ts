import { describe, expect, it } from 'vitest';
import { productGreater } from '../../../src/dataplane/ipvs/compare.js';
import { named, picks } from './helpers.js';

describe('wlc (ip_vs_wlc.c)', () => {
  it('divides the overhead by the weight: A:3, B:1 settle at 3 connections for A per 1 for B', () => {
    // list B, A. Seed = first usable (B); switch when loh * w(d) > doh * w(least).
    // (B, A) overheads: (0,0) → B | (1,0): 1*3 > 0 → A | (1,1): 3 > 1 → A | (1,2): 3 > 2 → A |
    // (1,3): 3 > 3 is false → B | (2,3): 6 > 3 → A …
    const n = named({ scheduler: 'wlc' }, [
      ['A', 3],
      ['B', 1],
    ]);
    expect(picks(n, 9)).toEqual(['B', 'A', 'A', 'A', 'B', 'A', 'A', 'A', 'B']);
  });

  it('keeps the earlier real server on an equal ratio and never lets a weight-0 one win', () => {
    const n = named({ scheduler: 'wlc' }, [
      ['A', 2],
      ['B', 1],
      ['C', 0],
    ]);
    n.load('A', { inactive: 2 });
    n.load('B', { inactive: 1 });
    // list C(0), B, A: C cannot seed (weight 0), B seeds with 1/1, A has 2/2: tie → B.
    expect(n.pick()).toBe('B');
    // C is idle but weight 0: `loh * 0 > doh * w` is never true.
    expect(n.svc.inactConns[n.slot('C')]).toBe(0);
    expect(picks(n, 6)).not.toContain('C');
  });

  it('counts active connections 256 times: one active on B outweighs 255 inactive on A (equal weights)', () => {
    const n = named({ scheduler: 'wlc' }, [
      ['A', 1],
      ['B', 1],
    ]);
    n.load('B', { active: 1 });
    n.load('A', { inactive: 255 });
    expect(n.pick()).toBe('A'); // 255 < 256
    expect(n.pick()).toBe('B'); // 256 = 256 → B (first)
  });

  it('an idle seed cannot be beaten: the first usable real server with no connections wins', () => {
    const n = named({ scheduler: 'wlc' }, [
      ['A', 1000],
      ['B', 1],
    ]);
    expect(n.pick()).toBe('B');
  });

  it('compares the cross products exactly, as the kernel does in s64', () => {
    // (2^31-1)^2 = 2^62 - 2^32 + 1 and (2^31-2) * 2^31 = 2^62 - 2^32 round to the same double.
    const m = 2 ** 31 - 1;
    expect(m * m > (m - 1) * 2 ** 31).toBe(false);
    expect(productGreater(m, m, m - 1, 2 ** 31)).toBe(true);
    expect(productGreater(m - 1, 2 ** 31, m, m)).toBe(false);
    expect(productGreater(3, 4, 2, 6)).toBe(false);
    expect(productGreater(3, 5, 2, 6)).toBe(true);
  });
});
