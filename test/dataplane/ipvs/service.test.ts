import { describe, expect, it } from 'vitest';
import { IpvsService, ipv4ToU32, u32ToIpv4 } from '../../../src/dataplane/ipvs/index.js';
import { named, VIP } from './helpers.js';

describe('IpvsService connection accounting (ip_vs_conn.c, ip_vs_proto_tcp.c)', () => {
  it('binds a new connection INACTIVE, counts it ACTIVE once established, INACTIVE again from the FIN', () => {
    const n = named({ scheduler: 'rr' }, [['A', 1]]);
    const a = n.slot('A');
    const s = n.svc.schedule(0, 7, 1234, VIP);
    expect(s).toBe(a);
    expect([n.svc.activeConns[a], n.svc.inactConns[a]]).toEqual([0, 1]);
    n.svc.established(a);
    expect([n.svc.activeConns[a], n.svc.inactConns[a]]).toEqual([1, 0]);
    n.svc.closed(30, a, 7);
    expect([n.svc.activeConns[a], n.svc.inactConns[a]]).toEqual([0, 1]);
    // Unbound after FIN_WAIT/TIME_WAIT (120 s), applied lazily before the next schedule or on expire().
    n.svc.expire(149.999);
    expect(n.svc.inactConns[a]).toBe(1);
    n.svc.expire(150);
    expect(n.svc.inactConns[a]).toBe(0);
  });

  it('unbinds an idle ESTABLISHED connection when told, and a never-established one after SYN_RECV (60 s)', () => {
    const n = named({ scheduler: 'rr' }, [['A', 1]]);
    const a = n.slot('A');
    n.svc.schedule(0, 1, 1, VIP);
    n.svc.established(a);
    n.svc.expiredIdle(900, a, 1);
    expect([n.svc.activeConns[a], n.svc.inactConns[a]]).toEqual([0, 0]);
    n.svc.schedule(1000, 2, 2, VIP);
    n.svc.abandoned(1003, a, 2);
    n.svc.expire(1062.9);
    expect(n.svc.inactConns[a]).toBe(1);
    n.svc.expire(1063);
    expect(n.svc.inactConns[a]).toBe(0);
  });

  it('takes finTimeout from the options and expires thousands of closed connections in order', () => {
    const n = named({ scheduler: 'lc', finTimeout: 10 }, [
      ['A', 1],
      ['B', 1],
    ]);
    for (let k = 0; k < 5000; k++) {
      const now = k * 0.01;
      const s = n.svc.schedule(now, k, 1, VIP);
      n.svc.established(s);
      n.svc.closed(now, s, k);
    }
    const inact = () => n.svc.inactConns[n.slot('A')]! + n.svc.inactConns[n.slot('B')]!;
    // Closed at 0.00 … 49.99; at t = 50 those closed up to 40.00 (4001 of them) are gone.
    n.svc.expire(50);
    expect(inact()).toBe(5000 - 4001);
    n.svc.expire(60);
    expect(inact()).toBe(0);
  });

  it('rejects a clock that goes back', () => {
    const n = named({ scheduler: 'rr' }, [['A', 1]]);
    const a = n.slot('A');
    n.svc.schedule(10, 1, 1, VIP);
    n.svc.established(a);
    n.svc.schedule(10, 2, 1, VIP);
    n.svc.established(a);
    n.svc.closed(10, a, 1);
    expect(() => n.svc.closed(5, a, 2)).toThrow(RangeError);
  });
});

describe('IpvsService real servers (ip_vs_ctl.c)', () => {
  it('lists real servers newest first and snapshots them as ipvsadm -Ln shows them', () => {
    const svc = new IpvsService({ scheduler: 'wlc' });
    svc.addDest(4, ipv4ToU32('10.244.1.4'), 8080, 1);
    svc.addDest(9, ipv4ToU32('10.244.2.9'), 8080, 1);
    const nine = svc.slotOf(9);
    expect(svc.destAt(0)).toBe(nine);
    expect(svc.endpointIdOf(svc.destAt(1))).toBe(4);
    svc.schedule(0, 1, 1, VIP);
    svc.established(nine);
    svc.schedule(0, 2, 1, VIP);
    svc.editWeight(nine, 0);
    expect(svc.snapshot(1)).toEqual({
      scheduler: 'wlc',
      schedulerFlags: [],
      persistentTimeout: null,
      dests: [
        { endpointId: 9, address: '10.244.2.9', port: 8080, weight: 0, activeConns: 1, inactConns: 0, persistConns: 0 },
        { endpointId: 4, address: '10.244.1.4', port: 8080, weight: 1, activeConns: 0, inactConns: 1, persistConns: 0 },
      ],
    });
  });

  it("keeps a deleted real server's counters and restores them when it is added again (dest trash)", () => {
    const n = named({ scheduler: 'lc' }, [
      ['A', 1],
      ['B', 1],
    ]);
    const b = n.slot('B');
    n.load('B', { active: 3 });
    n.svc.delDest(b);
    expect(n.svc.inList(b)).toBe(false);
    expect(n.svc.destCount).toBe(1);
    expect(n.pick()).toBe('A');
    n.svc.closed(1, b, 0); // a connection of the deleted dest ends: its counters still move
    const again = n.svc.addDest(n.svc.endpointIdOf(b), ipv4ToU32('10.244.0.2'), 8080, 1);
    expect(again).toBe(b);
    expect(n.svc.destAt(0)).toBe(b);
    expect([n.svc.activeConns[b], n.svc.inactConns[b]]).toEqual([2, 1]);
  });

  it('rejects duplicate adds, negative weights and unknown slots', () => {
    const n = named({ scheduler: 'rr' }, [['A', 1]]);
    expect(() => n.svc.addDest(0, 1, 1, 1)).toThrow(RangeError);
    expect(() => n.svc.addDest(5, 1, 1, -1)).toThrow(RangeError);
    expect(() => n.svc.editWeight(n.slot('A'), 1.5)).toThrow(RangeError);
    expect(() => n.svc.editWeight(42, 1)).toThrow(RangeError);
    n.svc.delDest(n.slot('A'));
    expect(() => n.svc.delDest(n.slot('A'))).toThrow(RangeError);
    expect(() => new IpvsService({ scheduler: 'rr', flags: { port: true } })).toThrow(RangeError);
  });

  it('grows past its initial capacity', () => {
    const svc = new IpvsService({ scheduler: 'lc', capacity: 2 });
    for (let i = 0; i < 100; i++) svc.addDest(i, 0x0af40000 + i, 80, 1);
    expect(svc.destCount).toBe(100);
    // lc ties go to the newest: endpoint 99 first, then 98, …
    const got = Array.from({ length: 3 }, (_, k) => svc.endpointIdOf(svc.schedule(0, k, 1, VIP)));
    expect(got).toEqual([99, 98, 97]);
  });
});

describe('ipv4ToU32', () => {
  it('converts dotted quads to host-order u32 and back', () => {
    expect(ipv4ToU32('10.244.1.7')).toBe(0x0af40107);
    expect(ipv4ToU32('255.255.255.255')).toBe(0xffffffff);
    expect(u32ToIpv4(0xc0a80001)).toBe('192.168.0.1');
    for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4.5', '']) {
      expect(() => ipv4ToU32(bad)).toThrow(RangeError);
    }
  });
});
