import { describe, expect, it } from 'vitest';
import type { DhScheduler } from '../../../src/dataplane/ipvs/dh.js';
import { ipv4ToU32 } from '../../../src/dataplane/ipvs/index.js';
import { named } from './helpers.js';

function bucketOf(ip: number): number {
  return Number(((BigInt(ip) * 0x61c88647n) & 0xffffffffn) >> 24n);
}

describe('dh (ip_vs_dh.c)', () => {
  it('hashes the destination (virtual) address: every client of one VIP gets the same real server', () => {
    const n = named({ scheduler: 'dh' }, [
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    const owner = Array.from((n.svc.scheduler as DhScheduler).buckets, (s) => n.name(s));
    for (const vip of ['10.96.0.10', '10.96.7.1', '10.100.3.3']) {
      const dst = ipv4ToU32(vip);
      const want = owner[bucketOf(dst)];
      for (let c = 1; c < 50; c++) expect(n.name(n.svc.schedule(0, c * 9973, 40000 + c, dst))).toBe(want);
    }
  });

  it('fills one bucket per real server per cycle whatever the weights, and rejects weight 0 at lookup', () => {
    const n = named({ scheduler: 'dh' }, [
      ['A', 5],
      ['B', 1],
      ['C', 0],
    ]);
    const table = () => Array.from((n.svc.scheduler as DhScheduler).buckets, (s) => n.name(s));
    expect(table().slice(0, 6).join('')).toBe('CBACBA');
    const owners = table();
    for (let k = 0; k < 64; k++) {
      const dst = ipv4ToU32('10.96.0.0') + k;
      const o = owners[bucketOf(dst)];
      expect(n.name(n.svc.schedule(0, 1, 1, dst))).toBe(o === 'C' ? null : o);
    }
    // No upd_dest hook: a weight edit leaves the table alone.
    n.svc.editWeight(n.slot('A'), 1);
    expect(table()).toEqual(owners);
  });
});
