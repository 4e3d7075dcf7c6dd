import { describe, expect, it } from 'vitest';
import { named, picks } from './helpers.js';

const ABC = [
  ['A', 1],
  ['B', 1],
  ['C', 1],
] as const;

describe('rr (ip_vs_rr.c)', () => {
  it('starts at the most recently added real server: added A, B, C → list C, B, A → C, B, A, C, …', () => {
    // __ip_vs_update_dest: list_add_rcu inserts at the head; ip_vs_rr_init_svc leaves the cursor on the head.
    expect(picks(named({ scheduler: 'rr' }, ABC), 7)).toEqual(['C', 'B', 'A', 'C', 'B', 'A', 'C']);
  });

  it('skips weight-0 real servers and keeps picking a single usable one', () => {
    // ip_vs_rr_schedule: HIT needs weight > 0; the cursor's own dest is examined last.
    const n = named({ scheduler: 'rr' }, [
      ['A', 1],
      ['B', 0],
      ['C', 1],
    ]);
    expect(picks(n, 4)).toEqual(['C', 'A', 'C', 'A']);
    n.svc.editWeight(n.slot('C'), 0);
    expect(picks(n, 3)).toEqual(['A', 'A', 'A']);
    n.svc.editWeight(n.slot('A'), 0);
    expect(n.pick()).toBeNull();
  });

  it('does not move the cursor when a real server is added: the new one is reached after the wrap', () => {
    // rr has no add_dest hook; the new dest sits at the head, before the cursor.
    const n = named({ scheduler: 'rr' }, ABC);
    expect(picks(n, 2)).toEqual(['C', 'B']);
    // list is C, B, A with the cursor on B
    const d = n.add('D', 1);
    expect(n.svc.destAt(0)).toBe(d);
    expect(picks(n, 5)).toEqual(['A', 'D', 'C', 'B', 'A']);
  });

  it('moves the cursor to the predecessor of a deleted real server, so its successor comes next', () => {
    // ip_vs_rr_del_dest: sched_data = p->next->prev.
    const n = named({ scheduler: 'rr' }, ABC);
    expect(picks(n, 2)).toEqual(['C', 'B']);
    n.svc.delDest(n.slot('B'));
    expect(picks(n, 3)).toEqual(['A', 'C', 'A']);

    const m = named({ scheduler: 'rr' }, ABC);
    expect(m.pick()).toBe('C');
    m.svc.delDest(m.slot('C')); // the cursor was on the first entry: back to the head
    expect(picks(m, 3)).toEqual(['B', 'A', 'B']);
  });

  it('returns no real server on an empty service', () => {
    expect(named({ scheduler: 'rr' }, []).pick()).toBeNull();
  });
});
