import { describe, expect, it } from 'vitest';
import { ipv4ToU32 } from '../../../src/dataplane/ipvs/index.js';
import { type Named, named, VIP } from './helpers.js';

const ABC = [
  ['A', 1],
  ['B', 1],
  ['C', 1],
] as const;
const X = ipv4ToU32('192.168.5.5');
const Y = ipv4ToU32('192.168.6.6');
const Z = ipv4ToU32('192.168.7.7');

/** One short connection of `client` at `now`: scheduled, established, closed one second later. */
function shortConn(n: Named, client: number, now: number): string | null {
  const s = n.svc.schedule(now, client, 40000, VIP);
  if (s >= 0) {
    n.svc.established(s);
    n.svc.closed(now + 1, s, client);
  }
  return n.name(s);
}

describe('persistence (ip_vs_core.c ip_vs_sched_persist, ip_vs_conn.c)', () => {
  it('keeps a client on one real server until the template times out, then reschedules it', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 300 }, ABC);
    expect(shortConn(n, X, 0)).toBe('C');
    // Each new connection re-arms the template to now + 300 (ip_vs_conn_put).
    expect(shortConn(n, X, 250)).toBe('C');
    expect(shortConn(n, X, 549)).toBe('C');
    // The last connection closed at 550 and was unbound at 670; the template expired at 849.
    expect(shortConn(n, X, 849)).toBe('B');
  });

  it('consults the scheduler only on a template miss: sticky clients do not move the rr cursor', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 300 }, ABC);
    const seq = [X, X, Y, X, Z, Y, X].map((c, k) => shortConn(n, c, k));
    expect(seq).toEqual(['C', 'C', 'B', 'C', 'A', 'B', 'C']);
  });

  it('keeps a template alive while it controls connections, re-arming it 60 s at a time', () => {
    // Timeout 100. conn1 at 0 (kept open) → template armed to 100; at 100 it still controls conn1 → re-armed to
    // 160 with ct->timeout = 60; conn2 at 130 → 190 (now + 60, not + 100); both closed at 131 and unbound at 251;
    // firings at 190 and 250 still see them → 310, where it dies.
    const history = (n: Named) => {
      const s1 = n.svc.schedule(0, X, 1, VIP);
      n.svc.established(s1);
      const s2 = n.svc.schedule(130, X, 2, VIP);
      n.svc.established(s2);
      n.svc.closed(131, s1, X);
      n.svc.closed(131, s2, X);
      return n.name(s1);
    };
    const a = named({ scheduler: 'rr', persistentTimeout: 100 }, ABC);
    expect(history(a)).toBe('C');
    expect(a.pick(309.5, X)).toBe('C');
    const b = named({ scheduler: 'rr', persistentTimeout: 100 }, ABC);
    history(b);
    expect(b.pick(310, X)).toBe('B');
  });

  it('lets a template go at the first firing after its LAST controlled connection ended', () => {
    // Timeout 135: armed to 135. conn1 closed at 80 → unbound at 200 (FIN queue); conn2 abandoned at 130 → unbound
    // at 190 (SYN_RECV queue). Firings: 135 (2 live) → 195 (1 live) → 255 (none) — the template dies at 255 even
    // though the SYN_RECV unbind at 190 is processed after the FIN one at 200.
    const history = (n: Named) => {
      const s1 = n.svc.schedule(0, X, 1, VIP);
      n.svc.established(s1);
      const s2 = n.svc.schedule(0, X, 2, VIP);
      n.svc.closed(80, s1, X);
      n.svc.abandoned(130, s2, X);
    };
    const a = named({ scheduler: 'rr', persistentTimeout: 135 }, ABC);
    history(a);
    expect(a.pick(254, X)).toBe('C');
    const b = named({ scheduler: 'rr', persistentTimeout: 135 }, ABC);
    history(b);
    expect(b.pick(255, X)).toBe('B');
  });

  it('counts templates in PersistConn, not in the connection counters, and drops them when they expire', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 300 }, ABC);
    shortConn(n, X, 0);
    shortConn(n, Y, 0);
    shortConn(n, Z, 10);
    const snap = n.svc.snapshot(20);
    expect(snap.persistentTimeout).toBe(300);
    expect(snap.dests.map((d) => [d.persistConns, d.activeConns, d.inactConns])).toEqual([
      [1, 0, 1],
      [1, 0, 1],
      [1, 0, 1],
    ]);
    expect(n.svc.snapshot(305).dests.map((d) => d.persistConns)).toEqual([0, 0, 1]);
    expect(n.svc.snapshot(310).dests.map((d) => d.persistConns)).toEqual([0, 0, 0]);
  });

  it("with kube-proxy's expire_quiescent_template = 1, moves a client off a real server whose weight became 0", () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 10800 }, ABC);
    expect(shortConn(n, X, 0)).toBe('C');
    n.svc.editWeight(n.slot('C'), 0);
    expect(shortConn(n, X, 5)).toBe('B');
    expect(shortConn(n, X, 6)).toBe('B');
  });

  it('with the kernel default expire_quiescent_template = 0, keeps sending a sticky client to a weight-0 server', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 10800, expireQuiescentTemplate: false }, ABC);
    expect(shortConn(n, X, 0)).toBe('C');
    n.svc.editWeight(n.slot('C'), 0);
    expect(shortConn(n, X, 5)).toBe('C');
    expect(shortConn(n, Y, 6)).toBe('B'); // new clients avoid it
  });

  it('invalidates the template of a deleted real server', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 10800, expireQuiescentTemplate: false }, ABC);
    expect(shortConn(n, X, 0)).toBe('C');
    n.svc.delDest(n.slot('C'));
    expect(shortConn(n, X, 1)).toBe('B');
    expect(n.svc.snapshot(2).dests.map((d) => d.persistConns)).toEqual([1, 0]);
  });

  it('drops a client whose scheduler finds no real server without creating a template', () => {
    const n = named({ scheduler: 'rr', persistentTimeout: 60 }, [['A', 0]]);
    expect(shortConn(n, X, 0)).toBeNull();
    expect(n.svc.snapshot(0).dests[0]!.persistConns).toBe(0);
  });
});
