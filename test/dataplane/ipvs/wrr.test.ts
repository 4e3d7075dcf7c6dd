import { describe, expect, it } from 'vitest';
import { named, picks } from './helpers.js';

describe('wrr (ip_vs_wrr.c)', () => {
  it('after kube-proxy\'s "-A, then -a A:4, B:3, C:2" history runs one cw = 1 pass first, then 4:3:2 cycles', () => {
    // The empty service has mw = cw = 0; the first add_dest (dest_changed) sets cw = mw = 1 and later adds with
    // di = 1 keep it. List is C, B, A. cw = 1: C, B, A; then cw wraps to mw = 4: A | cw 3: B, A | cw 2: C, B, A |
    // cw 1: C, B, A | cw 4: A …
    const n = named({ scheduler: 'wrr' }, [
      ['A', 4],
      ['B', 3],
      ['C', 2],
    ]);
    expect(picks(n, 3)).toEqual(['C', 'B', 'A']);
    const cycle = ['A', 'B', 'A', 'C', 'B', 'A', 'C', 'B', 'A'];
    expect(picks(n, 18)).toEqual([...cycle, ...cycle]);
    const counts = { A: 0, B: 0, C: 0 };
    for (const p of cycle) counts[p as 'A' | 'B' | 'C']++;
    expect(counts).toEqual({ A: 4, B: 3, C: 2 });
  });

  it('with kube-proxy weights (all 1) is round robin in list order', () => {
    const n = named({ scheduler: 'wrr' }, [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    expect(picks(n, 6)).toEqual(['C', 'B', 'A', 'C', 'B', 'A']);
  });

  it('steps cw by the gcd of the weights: A:4, B:2 → B, A, then A, B, A repeating', () => {
    // First add: di = 4, mw = 1, cw = 1. Second: di = 2, mw = 4 - 1 = 3, cw = (1 / 2) * 2 + 1 = 1.
    // cw = 1: B, A; cw → -1 → mw = 3: A; cw = 1: B, A; cw = 3: A …
    const n = named({ scheduler: 'wrr' }, [
      ['A', 4],
      ['B', 2],
    ]);
    expect(picks(n, 2)).toEqual(['B', 'A']);
    expect(picks(n, 6)).toEqual(['A', 'B', 'A', 'A', 'B', 'A']);
  });

  it('never picks weight 0, and finds nothing when every weight is 0', () => {
    // weight >= cw with cw >= 1 fails for weight 0; mw == 0 → "no destination available".
    const n = named({ scheduler: 'wrr' }, [
      ['A', 2],
      ['B', 0],
    ]);
    expect(picks(n, 4)).toEqual(['A', 'A', 'A', 'A']);
    n.svc.editWeight(n.slot('A'), 0);
    expect(n.pick()).toBeNull();
  });

  it('a weight edit restarts the walk from the list head but keeps cw', () => {
    // upd_dest → dest_changed: cl = head; cw = 1 stays (cw <= mw, di = 1).
    const n = named({ scheduler: 'wrr' }, [
      ['A', 4],
      ['B', 3],
      ['C', 2],
    ]);
    expect(picks(n, 2)).toEqual(['C', 'B']);
    n.svc.editWeight(n.slot('C'), 4);
    // cw = 1 from the head: C, B, A; cw 4: C, A | cw 3: C, B, A | cw 2: C, B, A | cw 1: C, B, A | cw 4: C, A
    expect(picks(n, 16)).toEqual(['C', 'B', 'A', 'C', 'A', 'C', 'B', 'A', 'C', 'B', 'A', 'C', 'B', 'A', 'C', 'A']);
  });
});
