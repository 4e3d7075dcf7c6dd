import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../../src/dataplane/ipvs/expiry.js';
import { Rng } from '../../../src/engine/index.js';

describe('ExpiryQueue', () => {
  it('is a FIFO through growths that happen while the ring has wrapped', () => {
    // Closes and expiries interleave (the FIN_WAIT pattern), so the head sits mid-ring whenever it grows.
    const rng = new Rng(1, 'expiry');
    const q = new ExpiryQueue(16);
    const reference: [number, number, number][] = [];
    let t = 0;
    for (let step = 0; step < 20_000; step++) {
      if (reference.length === 0 || rng.next() < 0.55) {
        t += rng.exp();
        const entry: [number, number, number] = [t, step & 0x7fffffff, (0xfffffff0 + step) >>> 0];
        q.push(...entry);
        reference.push(entry);
      } else {
        const [at, slot, client] = reference.shift()!;
        expect([q.headAt, q.headSlot, q.headClient]).toEqual([at, slot, client]);
        q.shift();
      }
      expect(q.size).toBe(reference.length);
    }
    expect(reference.length).toBeGreaterThan(1000); // it grew well past its first 16 entries
    expect(q.headAt).toBe(reference[0]![0]);
  });

  it('refuses an expiry earlier than the last one and reports Infinity when empty', () => {
    const q = new ExpiryQueue();
    expect(q.headAt).toBe(Number.POSITIVE_INFINITY);
    q.push(5, 1, 1);
    expect(() => q.push(4, 2, 2)).toThrow(RangeError);
  });
});
