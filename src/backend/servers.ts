// Endpoint servers (spec/model.md §4): each endpoint serves with `concurrency` workers and a FIFO queue;
// a request that finds `queueLimit` requests already waiting is answered 503. Service time is drawn by
// the caller and divided by the endpoint's `speed` here. Knows nothing of the event queue: the simulator asks
// "may this request start now?" and "what starts next on this endpoint?" and schedules the events.

import { unwrapRing } from '../engine/arrays.js';

/** Time-weighted integrals of a per-endpoint level (busy workers, open connections) after a warm-up. */
export class LevelIntegral {
  readonly level: Float64Array;
  readonly peak: Float64Array;
  readonly area: Float64Array;
  private readonly since: Float64Array;
  private readonly warmup: number;

  constructor(n: number, warmup: number) {
    this.level = new Float64Array(n);
    this.peak = new Float64Array(n);
    this.area = new Float64Array(n);
    this.since = new Float64Array(n);
    this.warmup = warmup;
  }

  add(i: number, now: number, delta: number): void {
    const from = this.since[i] as number;
    if (now > this.warmup)
      this.area[i] = (this.area[i] as number) + (this.level[i] as number) * (now - Math.max(from, this.warmup));
    this.since[i] = now;
    const old = this.level[i] as number;
    const v = old + delta;
    this.level[i] = v;
    // The level held before this change was in effect up to `now`, so it counts once measurement started.
    if (now >= this.warmup) {
      const hi = Math.max(v, old);
      if (hi > (this.peak[i] as number)) this.peak[i] = hi;
    }
  }

  /** Closes the integrals at `end` (levels still held then count towards the area and the peak). */
  finish(end: number): void {
    for (let i = 0; i < this.level.length; i++) this.add(i, end, 0);
  }
}

export interface EndpointServerSettings {
  concurrency: number;
  speed: number;
  /** Waiting requests allowed beyond the workers; -1 = unbounded. */
  queueLimit: number;
}

export class EndpointServers {
  readonly n: number;
  readonly concurrency: Int32Array;
  readonly speed: Float64Array;
  readonly queueLimit: Int32Array;
  readonly busy: LevelIntegral;
  /** Requests answered 503 per endpoint (counted by the caller after warm-up through `rejected`). */
  readonly rejected: Float64Array;
  private readonly queues: Int32Array[];
  private readonly head: Int32Array;
  private readonly length: Int32Array;

  constructor(settings: readonly EndpointServerSettings[], warmup: number) {
    const n = settings.length;
    this.n = n;
    this.concurrency = new Int32Array(n);
    this.speed = new Float64Array(n);
    this.queueLimit = new Int32Array(n);
    this.rejected = new Float64Array(n);
    this.busy = new LevelIntegral(n, warmup);
    this.queues = [];
    this.head = new Int32Array(n);
    this.length = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = settings[i] as EndpointServerSettings;
      this.concurrency[i] = s.concurrency;
      this.speed[i] = s.speed;
      this.queueLimit[i] = s.queueLimit;
      this.queues.push(new Int32Array(16));
    }
  }

  /**
   * A request arrives at endpoint `e`. Returns 1 when a worker takes it now (the caller schedules its
   * completion), 0 when it waits in the FIFO, -1 when the queue is full (503).
   */
  arrive(e: number, now: number, request: number): number {
    if ((this.busy.level[e] as number) < (this.concurrency[e] as number)) {
      this.busy.add(e, now, 1);
      return 1;
    }
    const limit = this.queueLimit[e] as number;
    const len = this.length[e] as number;
    if (limit >= 0 && len >= limit) return -1;
    let q = this.queues[e] as Int32Array;
    if (len === q.length) q = this.grow(e);
    q[((this.head[e] as number) + len) & (q.length - 1)] = request;
    this.length[e] = len + 1;
    return 0;
  }

  /** A worker of `e` finished; returns the next waiting request it starts now, or -1 (the worker goes idle). */
  complete(e: number, now: number): number {
    const len = this.length[e] as number;
    if (len === 0) {
      this.busy.add(e, now, -1);
      return -1;
    }
    const q = this.queues[e] as Int32Array;
    const h = this.head[e] as number;
    const next = q[h] as number;
    this.head[e] = (h + 1) & (q.length - 1);
    this.length[e] = len - 1;
    return next;
  }

  queued(e: number): number {
    return this.length[e] as number;
  }

  private grow(e: number): Int32Array {
    const old = this.queues[e] as Int32Array;
    const h = this.head[e] as number;
    const next = new Int32Array(old.length * 2);
    unwrapRing(old, h, next); // the queue is full when it grows
    this.queues[e] = next;
    this.head[e] = 0;
    return next;
  }
}
