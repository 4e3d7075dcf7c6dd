import { describe, expect, it } from 'vitest';
import { IpvsService } from '../../../src/dataplane/ipvs/index.js';
import { lcScan } from '../../../src/dataplane/ipvs/lc.js';
import { INDEX_MIN_DESTS, type LeastKind } from '../../../src/dataplane/ipvs/least.js';
import { nqScan } from '../../../src/dataplane/ipvs/nq.js';
import { sedScan } from '../../../src/dataplane/ipvs/sed.js';
import type { DestTable } from '../../../src/dataplane/ipvs/table.js';
import { wlcScan } from '../../../src/dataplane/ipvs/wlc.js';
import { Rng } from '../../../src/engine/rng.js';

const SCANS: Record<LeastKind, (t: DestTable) => number> = { lc: lcScan, wlc: wlcScan, sed: sedScan, nq: nqScan };

function seeded(seed: number): () => number {
  const r = new Rng(seed, 'least-property');
  return () => r.next();
}

interface Conn {
  slot: number;
  client: number;
  established: boolean;
}

/**
 * Random add / delete / weight-edit / schedule / establish / close / abandon / idle-expiry sequences on a list that
 * crosses INDEX_MIN_DESTS both ways; before every schedule the kernel's linear scan is run on the same state and
 * must name the same dest as the service (which reads its tree whenever the list is long).
 */
function replay(kind: LeastKind, seed: number, ops: number): { schedules: number; indexed: number } {
  const rnd = seeded(seed);
  const pickOf = <T>(xs: T[]): number => Math.floor(rnd() * xs.length);
  const svc = new IpvsService({ scheduler: kind, finTimeout: 4, synRecvTimeout: 2 });
  let nextEndpoint = 0;
  const deleted: number[] = [];
  const open: Conn[] = [];
  const weight = () => Math.floor(rnd() * 4); // 0..3: weight 0 and equal weights are frequent
  for (let i = 0; i < 36; i++) svc.addDest(nextEndpoint, 0x0af40000 + nextEndpoint++, 80, weight());
  let now = 0;
  let schedules = 0;
  let indexed = 0;
  for (let k = 0; k < ops; k++) {
    now += rnd() * 0.05;
    const r = rnd();
    if (r < 0.42) {
      svc.expire(now);
      const want = SCANS[kind](svc.table);
      if (svc.table.watcher !== null) indexed++;
      const client = Math.floor(rnd() * 1000);
      const got = svc.schedule(now, client, 1000, 1);
      expect(got).toBe(want);
      schedules++;
      if (got >= 0) open.push({ slot: got, client, established: false });
    } else if (r < 0.62) {
      const c = open[pickOf(open)];
      if (c !== undefined && !c.established) {
        svc.established(c.slot);
        c.established = true;
      }
    } else if (r < 0.78) {
      const i = pickOf(open);
      const c = open[i];
      if (c?.established) {
        svc.closed(now, c.slot, c.client);
        open.splice(i, 1);
      }
    } else if (r < 0.82) {
      const i = pickOf(open);
      const c = open[i];
      if (c !== undefined) {
        if (c.established) svc.expiredIdle(now, c.slot, c.client);
        else svc.abandoned(now, c.slot, c.client);
        open.splice(i, 1);
      }
    } else if (r < 0.9) {
      if (svc.destCount > 0) svc.editWeight(svc.destAt(Math.floor(rnd() * svc.destCount)), weight());
    } else if (r < 0.95) {
      if (svc.destCount > 20) {
        const slot = svc.destAt(Math.floor(rnd() * svc.destCount));
        svc.delDest(slot);
        deleted.push(svc.endpointIdOf(slot));
      }
    } else if (svc.destCount < 48) {
      // Re-add a deleted endpoint (its slot comes back with its counters) or a new one.
      if (deleted.length > 0 && rnd() < 0.5) {
        const id = deleted.splice(pickOf(deleted), 1)[0]!;
        svc.addDest(id, 0x0af40000 + id, 80, weight());
      } else {
        svc.addDest(nextEndpoint, 0x0af40000 + nextEndpoint++, 80, weight());
      }
    }
  }
  return { schedules, indexed };
}

describe('LeastTree (exact index for lc / wlc / sed / nq)', () => {
  for (const kind of ['lc', 'wlc', 'sed', 'nq'] as const) {
    it(`${kind}: picks exactly what the kernel's linear scan picks on random operation sequences`, () => {
      let schedules = 0;
      let indexed = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const r = replay(kind, seed * 7919, 2500);
        schedules += r.schedules;
        indexed += r.indexed;
      }
      // Both paths were exercised: the tree on long lists, the scan below INDEX_MIN_DESTS.
      expect(indexed).toBeGreaterThan(schedules / 4);
      expect(indexed).toBeLessThan(schedules);
    });
  }

  it('is attached from INDEX_MIN_DESTS real servers on and detached below', () => {
    const svc = new IpvsService({ scheduler: 'wlc' });
    for (let i = 0; i < INDEX_MIN_DESTS - 1; i++) svc.addDest(i, i, 80, 1);
    expect(svc.table.watcher).toBeNull();
    svc.addDest(100, 100, 80, 1);
    expect(svc.table.watcher).not.toBeNull();
    svc.delDest(svc.destAt(3));
    expect(svc.table.watcher).toBeNull();
  });
});
