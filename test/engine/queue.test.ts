import { describe, expect, it } from 'vitest';
import { EventQueue, Rng } from '../../src/engine/index.js';
import { runQueue } from './models.js';

/** Pop everything due by `until`, as (time, kind, a, b) rows. */
function drain(q: EventQueue, until = Number.POSITIVE_INFINITY): number[][] {
  const out: number[][] = [];
  while (q.next(until)) out.push([q.now, q.kind, q.a, q.b]);
  return out;
}

describe('EventQueue ordering', () => {
  it('delivers 20,000 events in time order, equal times in insertion order', () => {
    const rng = new Rng(1, 'order');
    const q = new EventQueue(4); // forces several doublings
    const expected: { t: number; i: number }[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Times on a coarse grid so that about one event in four shares its time with others.
      const t = rng.int(5000) / 100;
      q.schedule(t, i % 7, i, -i);
      expected.push({ t, i });
    }
    expected.sort((x, y) => x.t - y.t || x.i - y.i);
    const got = drain(q);
    expect(got.length).toBe(20_000);
    expect(got.map((r) => r[2])).toEqual(expected.map((e) => e.i));
    expect(got.every((r) => r[1] === r[2]! % 7 && r[3] === -r[2]!)).toBe(true);
    expect(q.events).toBe(20_000);
  });

  it('keeps insertion order among equal times scheduled while running', () => {
    const q = new EventQueue();
    q.schedule(1, 0, 0);
    const order: number[] = [];
    while (q.next(10)) {
      order.push(q.a);
      if (q.a === 0) for (let i = 1; i <= 5; i++) q.schedule(q.now, 0, i); // same instant, after the current one
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('is a monotone clock: scheduling in the past or at NaN throws', () => {
    const q = new EventQueue();
    q.schedule(5, 0);
    q.next(Number.POSITIVE_INFINITY);
    expect(q.now).toBe(5);
    expect(() => q.schedule(4.999, 0)).toThrow(RangeError);
    expect(() => q.schedule(Number.NaN, 0)).toThrow(RangeError);
    expect(() => q.schedule(5, 0)).not.toThrow();
  });

  it('stops at the horizon, moves the clock there and keeps later events', () => {
    const q = new EventQueue();
    q.schedule(1, 0);
    q.schedule(3, 1);
    expect(drain(q, 2)).toEqual([[1, 0, 0, 0]]);
    expect(q.now).toBe(2);
    expect(q.pending).toBe(1);
    expect(q.peekTime()).toBe(3);
    expect(drain(q, 10)).toEqual([[3, 1, 0, 0]]);
    expect(q.now).toBe(10);
    expect(q.next(20)).toBe(false);
    expect(q.now).toBe(20);
  });
});

describe('EventQueue cancellation', () => {
  it('cancels pending events only, and a stale handle never cancels a newer event in the same slot', () => {
    const q = new EventQueue();
    const h1 = q.scheduleCancellable(1, 0, 1);
    const h2 = q.scheduleCancellable(2, 0, 2);
    expect(q.cancel(h1)).toBe(true);
    expect(q.cancel(h1)).toBe(false);
    expect(q.pending).toBe(1);
    expect(drain(q, 5)).toEqual([[2, 0, 2, 0]]);
    expect(q.cancel(h2)).toBe(false); // already delivered
    // The freed slots are reused; the old handles must not reach the new events.
    q.schedule(6, 0, 3);
    q.schedule(7, 0, 4);
    expect(q.cancel(h1)).toBe(false);
    expect(q.cancel(h2)).toBe(false);
    expect(drain(q).map((r) => r[2])).toEqual([3, 4]);
    expect(q.events).toBe(3);
    expect(q.cancel(-1)).toBe(false);
    expect(q.cancel(1e15)).toBe(false);
  });

  it('delivers exactly the events not cancelled, in order, through heap compactions', () => {
    const rng = new Rng(2, 'cancel');
    const q = new EventQueue(16);
    const handles: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      times.push(rng.next() * 100);
      handles.push(q.scheduleCancellable(times[i]!, 0, i));
    }
    // Cancel 90 %: enough to trigger the compaction several times.
    const kept: number[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 10 === 3) kept.push(i);
      else expect(q.cancel(handles[i]!)).toBe(true);
    }
    expect(q.pending).toBe(kept.length);
    kept.sort((x, y) => times[x]! - times[y]!);
    expect(drain(q).map((r) => r[2])).toEqual(kept);
    expect(q.events).toBe(kept.length);
  });

  it('skips a cancelled event at the top without counting it', () => {
    const q = new EventQueue();
    const h = q.scheduleCancellable(1, 0, 1);
    q.schedule(2, 0, 2);
    q.cancel(h);
    expect(q.peekTime()).toBe(2);
    expect(drain(q)).toEqual([[2, 0, 2, 0]]);
    expect(q.events).toBe(1);
  });
});

describe('EventQueue against a reference model', () => {
  it('matches a plain list through 30,000 random schedules, cancels and pops', () => {
    // The first third grows the heap to thousands of entries; the rest cancels most of them, so that dead
    // entries pile up and the heap is compacted several times. Schedules often follow a delivery (the
    // root-replacement path).
    // Reference: pending events in a plain array, the next one found by a scan for (time, insertion).
    interface Ref {
      time: number;
      seq: number;
      id: number;
      handle: number;
    }
    const rng = new Rng(3, 'model');
    const q = new EventQueue(8);
    let pending: Ref[] = [];
    let seq = 0;
    let delivered = 0;
    for (let step = 0; step < 30_000; step++) {
      const op = rng.next();
      const [scheduleBelow, cancelBelow] = step < 10_000 ? [0.7, 0.8] : [0.25, 0.85];
      if (op < scheduleBelow) {
        // Coarse times so that ties are frequent; often scheduled right after a delivery (root replacement).
        const time = q.now + rng.int(20) / 4;
        const id = step;
        pending.push({ time, seq: seq++, id, handle: q.scheduleCancellable(time, 1, id, id >> 3) });
      } else if (op < cancelBelow && pending.length > 0) {
        const victim = pending[rng.int(pending.length)]!;
        expect(q.cancel(victim.handle)).toBe(true);
        pending = pending.filter((r) => r !== victim);
      } else {
        const more = q.next(Number.POSITIVE_INFINITY);
        expect(more).toBe(pending.length > 0);
        if (!more) continue;
        let first = pending[0]!;
        for (const r of pending) if (r.time < first.time || (r.time === first.time && r.seq < first.seq)) first = r;
        expect([q.now, q.a, q.b]).toEqual([first.time, first.id, first.id >> 3]);
        expect(q.cancel(first.handle)).toBe(false);
        pending = pending.filter((r) => r !== first);
        delivered++;
      }
      expect(q.pending).toBe(pending.length);
    }
    expect(q.events).toBe(delivered);
    expect(delivered).toBeGreaterThan(3000);
  });
});

describe('EventQueue calendar tier', () => {
  it('delivers exactly the plain order when long timers, bursts, far gaps and infinity mix', () => {
    // Thousands of long timers (the WebSocket-session pattern) push the queue past its heap-only size, so
    // most events wait in buckets; the density then changes by orders of magnitude (a dense burst, a gap
    // of 10^6 s, events at infinity), which forces re-layouts. Every pop must match a sorted reference.
    const rng = new Rng(11, 'calendar');
    const q = new EventQueue(16);
    const ref: { time: number; seq: number }[] = [];
    let seq = 0;
    const add = (time: number): void => {
      q.schedule(time, 0, seq);
      ref.push({ time, seq: seq++ });
    };
    for (let i = 0; i < 3000; i++) add(rng.exp() * 50); // long timers
    for (let i = 0; i < 500; i++) add(1e6 + rng.int(100) / 10); // far, coarse: many ties
    for (let i = 0; i < 3; i++) add(Number.POSITIVE_INFINITY);
    const got: number[] = [];
    let popped = 0;
    while (q.next(Number.POSITIVE_INFINITY)) {
      got.push(q.a);
      popped++;
      // While running: short follow-ups (often at the same instant) and, now and then, a new long timer.
      if (popped % 3 === 0) add(q.now + rng.exp() * 0.01);
      if (popped % 7 === 0) add(q.now);
      if (popped % 11 === 0 && q.now < 1e6) add(q.now + rng.exp() * 100);
      if (popped === 2000) for (let i = 0; i < 2000; i++) add(q.now + rng.next() * 1e-3); // a burst
    }
    ref.sort((x, y) => x.time - y.time || x.seq - y.seq);
    expect(got).toEqual(ref.map((r) => r.seq));
    expect(q.pending).toBe(0);
  });

  it('survives pathological spacings: a denormal gap, huge times, everything at one instant', () => {
    for (const times of [
      Array.from({ length: 600 }, (_, i) => (i % 2) * Number.MIN_VALUE),
      [...Array.from({ length: 600 }, (_, i) => i * 1e300), 1e-300],
      Array.from({ length: 1000 }, () => 7),
    ]) {
      const q = new EventQueue();
      for (const [i, t] of times.entries()) q.schedule(t, 0, i);
      const got: number[] = [];
      while (q.next(Number.POSITIVE_INFINITY)) got.push(q.a);
      const order = times.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      expect(got).toEqual(order.map((o) => o[1]));
    }
  });

  it('cancels waiting events, keeps pending and peekTime right, and stops at horizons between buckets', () => {
    const rng = new Rng(12, 'calendar-cancel');
    const q = new EventQueue();
    const live = new Map<number, number>(); // id -> time
    const handles: number[] = [];
    for (let id = 0; id < 4000; id++) {
      const time = rng.exp() * 20;
      handles.push(q.scheduleCancellable(time, 0, id));
      live.set(id, time);
    }
    for (let id = 0; id < 4000; id += 3) {
      expect(q.cancel(handles[id]!)).toBe(true);
      live.delete(id);
    }
    expect(q.pending).toBe(live.size);
    const order = [...live].sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    expect(q.peekTime()).toBe(order[0]![1]);
    const got: number[] = [];
    for (const until of [0.5, 0.5, 3, 10, 40, Number.POSITIVE_INFINITY]) {
      while (q.next(until)) {
        expect(q.now).toBeLessThanOrEqual(until);
        got.push(q.a);
      }
      const left = order.length - got.length;
      expect(q.pending).toBe(left);
      if (left > 0) expect(q.peekTime()).toBe(order[got.length]![1]);
    }
    expect(got).toEqual(order.map((r) => r[0]));
  });
});

describe('EventQueue budget', () => {
  it('stops a runaway run at its event budget (within 1 %) and says so', () => {
    const q = new EventQueue();
    q.maxEvents = 100_000;
    q.schedule(0, 0);
    let handled = 0;
    // Every event spawns two: the queue grows without bound.
    while (q.next(Number.POSITIVE_INFINITY)) {
      handled++;
      q.schedule(q.now + 1, 0);
      q.schedule(q.now + 1.5, 0);
    }
    expect(q.budgetExhausted).toBe(true);
    expect(Math.abs(handled - 100_000)).toBeLessThanOrEqual(1000);
    expect(q.events).toBe(handled);
  });

  it('does not report an exhausted budget when the run ends exactly at it', () => {
    const q = new EventQueue();
    q.maxEvents = 3;
    for (let i = 0; i < 3; i++) q.schedule(i, 0);
    expect(drain(q).length).toBe(3);
    expect(q.budgetExhausted).toBe(false);
  });
});

describe('determinism and common random numbers', () => {
  const base = {
    servers: 3,
    interarrival: { dist: 'exponential', mean: 1 / 2.4 },
    customers: 20_000,
    trace: true,
  } as const;

  it('the same seed gives the identical event trace, byte for byte', () => {
    const a = runQueue({ ...base, service: { dist: 'exponential', mean: 1 }, seed: 7 });
    const b = runQueue({ ...base, service: { dist: 'exponential', mean: 1 }, seed: 7 });
    const c = runQueue({ ...base, service: { dist: 'exponential', mean: 1 }, seed: 8 });
    expect(a.events).toBeGreaterThan(39_000);
    expect(Buffer.from(a.trace!.buffer).equals(Buffer.from(b.trace!.buffer))).toBe(true);
    expect(Buffer.from(a.trace!.buffer).equals(Buffer.from(c.trace!.buffer))).toBe(false);
  });

  it('changing the service-time distribution leaves the arrival times unchanged, byte for byte', () => {
    const a = runQueue({ ...base, service: { dist: 'exponential', mean: 1 }, seed: 7 });
    const b = runQueue({ ...base, service: { dist: 'lognormal', median: 0.8, p99: 6 }, seed: 7 });
    expect(Buffer.from(a.arrivalTimes.buffer).equals(Buffer.from(b.arrivalTimes.buffer))).toBe(true);
    // ... while the runs themselves differ.
    expect(Buffer.from(a.trace!.buffer).equals(Buffer.from(b.trace!.buffer))).toBe(false);
  });
});
