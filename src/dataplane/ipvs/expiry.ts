// A FIFO of connection expiries that all share one timeout, so they are pushed in expiry order.

import { unwrapRing } from '../../engine/arrays.js';

/**
 * Growable ring buffer of (expiry time, dest slot, client address). Because every entry of one queue has the same
 * timeout and the simulator's clock never goes back, pushes arrive sorted and the head is always the next expiry.
 */
export class ExpiryQueue {
  private at: Float64Array;
  private slot: Int32Array;
  private client: Uint32Array;
  private head = 0;
  size = 0;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.at = new Float64Array(cap);
    this.slot = new Int32Array(cap);
    this.client = new Uint32Array(cap);
  }

  push(at: number, slot: number, client: number): void {
    if (at < this.lastAt) throw new RangeError(`expiry at ${at} queued after one at ${this.lastAt}: time went back`);
    this.lastAt = at;
    if (this.size === this.at.length) this.grow();
    const i = (this.head + this.size) & (this.at.length - 1);
    this.at[i] = at;
    this.slot[i] = slot;
    this.client[i] = client;
    this.size++;
  }

  /** Expiry time of the head entry; +Infinity when empty. */
  get headAt(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.at[this.head]!;
  }

  get headSlot(): number {
    return this.slot[this.head]!;
  }

  get headClient(): number {
    return this.client[this.head]!;
  }

  shift(): void {
    this.head = (this.head + 1) & (this.at.length - 1);
    this.size--;
  }

  /** Doubles the ring (it is full when it grows). */
  private grow(): void {
    const cap = this.at.length * 2;
    const at = new Float64Array(cap);
    const slot = new Int32Array(cap);
    const client = new Uint32Array(cap);
    unwrapRing(this.at, this.head, at);
    unwrapRing(this.slot, this.head, slot);
    unwrapRing(this.client, this.head, client);
    this.at = at;
    this.slot = slot;
    this.client = client;
    this.head = 0;
  }
}
