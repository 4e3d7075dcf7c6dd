import { describe, expect, it } from 'vitest';
import {
  IptablesRecentLists,
  NftAffinitySets,
  RecentTable,
  XT_RECENT_IP_LIST_TOT,
} from '../../src/dataplane/affinity.js';
import { IptablesServiceChain } from '../../src/dataplane/iptables.js';
import { NftablesServiceChain } from '../../src/dataplane/nftables.js';
import { Rng } from '../../src/engine/rng.js';

const TIMEOUT = 10800;

describe('xt_recent list (--rcheck --seconds T --reap, --set)', () => {
  it('matches while the newest stamp is at most T old', () => {
    const t = new RecentTable();
    t.set(7, 100);
    expect(t.rcheck(7, 100 + TIMEOUT, TIMEOUT, false)).toBe(true);
    expect(t.rcheck(7, 100 + TIMEOUT + 0.001, TIMEOUT, false)).toBe(false);
    t.set(7, 5000);
    expect(t.rcheck(7, 5000 + TIMEOUT, TIMEOUT, false)).toBe(true);
  });

  it('keeps ip_list_tot = 100 clients, evicting the least recently set one', () => {
    const t = new RecentTable();
    for (let c = 0; c < XT_RECENT_IP_LIST_TOT; c++) t.set(c, c);
    t.set(0, 200); // refresh client 0: client 1 is now the LRU head
    t.set(1000, 201);
    expect(t.size).toBe(100);
    expect(t.has(0)).toBe(true);
    expect(t.has(1)).toBe(false);
    expect(t.rcheck(2, 202, TIMEOUT, false)).toBe(true);
  });

  it('--reap drops the LRU head once it is stale, only when the checked client has an entry', () => {
    const t = new RecentTable();
    t.set(1, 0);
    t.set(2, 50);
    expect(t.rcheck(99, 100, 60, true)).toBe(false); // unknown client: no reap
    expect(t.size).toBe(2);
    expect(t.rcheck(2, 100, 60, true)).toBe(true); // client 1 (set at 0) is 100 s old > 60: reaped
    expect(t.size).toBe(1);
    expect(t.has(1)).toBe(false);
  });
});

describe('nftables affinity set (timeout, update)', () => {
  it('an element lives until now ≥ expiry; update refreshes it', () => {
    const s = new NftAffinitySets();
    s.update(3, 9, 10, 60);
    expect(s.contains(3, 9, 69.999)).toBe(true);
    expect(s.contains(3, 9, 70)).toBe(false);
    s.update(3, 9, 100, 60);
    expect(s.contains(3, 9, 159)).toBe(true);
    expect(s.contains(4, 9, 100)).toBe(false);
  });

  it('a full set refuses new elements (the connection is still DNATed)', () => {
    const s = new NftAffinitySets(2);
    s.update(0, 1, 0, 60);
    s.update(0, 2, 0, 60);
    s.update(0, 3, 0, 60);
    expect(s.contains(0, 3, 1)).toBe(false);
    s.update(0, 3, 61, 60); // 1 and 2 expired at 60: room again
    expect(s.contains(0, 3, 62)).toBe(true);
  });
});

type Chain = { pick(client: number, now: number, rng: Rng): number; lastByAffinity: boolean };

const chains: [string, () => Chain][] = [
  ['iptables', () => new IptablesServiceChain([0, 1, 2, 3], new IptablesRecentLists(), TIMEOUT)],
  ['nftables', () => new NftablesServiceChain([0, 1, 2, 3], new NftAffinitySets(), TIMEOUT)],
];

describe.each(chains)('ClientIP affinity on a %s chain', (_name, make) => {
  it('keeps a client on one endpoint while it reconnects within the timeout', () => {
    const chain = make();
    const rng = new Rng(11, 'affinity');
    const first = chain.pick(42, 0, rng);
    // A connection every 10 minutes for 10 hours: each refreshes the entry.
    for (let t = 600; t <= 36000; t += 600) {
      expect(chain.pick(42, t, rng)).toBe(first);
      expect(chain.lastByAffinity).toBe(true);
    }
  });

  it('re-balances after the timeout: 2000 clients land on a fresh uniform choice', () => {
    const chain = make();
    const rng = new Rng(12, 'affinity');
    const clients = 2000;
    const before = new Int32Array(clients);
    for (let c = 0; c < clients; c++) before[c] = chain.pick(c, c * 0.001, rng);
    let same = 0;
    const counts = new Float64Array(4);
    for (let c = 0; c < clients; c++) {
      const ep = chain.pick(c, TIMEOUT + 10 + c * 0.001, rng);
      expect(chain.lastByAffinity).toBe(false);
      counts[ep]!++;
      if (ep === before[c]) same++;
    }
    // Independent re-draw: P(same) = 1/4; 4 sd of a binomial(2000, 1/4) share is 0.039.
    expect(Math.abs(same / clients - 0.25)).toBeLessThan(0.039);
    for (const n of counts) expect(Math.abs(n / clients - 0.25)).toBeLessThan(0.039);
  });
});

describe('xt_recent capacity with many clients', () => {
  it('iptables loses affinity beyond 100 clients per endpoint; nftables keeps it', () => {
    const clients = 1000;
    const rng = new Rng(13, 'affinity-capacity');
    const ipt = new IptablesServiceChain([0, 1, 2, 3], new IptablesRecentLists(), TIMEOUT);
    const nft = new NftablesServiceChain([0, 1, 2, 3], new NftAffinitySets(), TIMEOUT);
    const firstIpt = new Int32Array(clients);
    const firstNft = new Int32Array(clients);
    for (let c = 0; c < clients; c++) {
      firstIpt[c] = ipt.pick(c, c, rng);
      firstNft[c] = nft.pick(c, c, rng);
    }
    let keptIpt = 0;
    let keptNft = 0;
    for (let c = 0; c < clients; c++) {
      if (ipt.pick(c, clients + c, rng) === firstIpt[c]) keptIpt++;
      if (nft.pick(c, clients + c, rng) === firstNft[c]) keptNft++;
    }
    expect(keptNft).toBe(clients);
    // ~250 clients per list, 100 remembered, and the second round's sets evict the rest before they
    // return: the second choice is a fresh draw, same endpoint with probability 1/4 (4 sd = 0.055).
    expect(Math.abs(keptIpt / clients - 0.25)).toBeLessThan(0.055);
  });
});
