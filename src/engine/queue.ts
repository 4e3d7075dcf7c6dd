// Future-event list and simulation clock.
//
// A 4-ary min-heap on typed arrays: the heap holds (time, slot) pairs, the slot arrays hold each pending
// event's kind, two int32 payloads and insertion number. A 4-ary heap is half as deep as a binary heap and
// its four children sit next to each other in memory, so a pop does fewer, cheaper levels; sifting moves
// only the (time, slot) pair. Equal times pop in insertion order (the insertion number is compared only on
// a tie), so a run is a pure function of its inputs. Cancellation is lazy: a cancelled event stays in the
// heap, marked dead, and is discarded when it surfaces (the heap is compacted if dead entries pile up).
// Nothing allocates per event: the popped event is exposed through the fields `now`, `kind`, `a`, `b`.
//
// The delivered event's heap entry is removed lazily: most handlers schedule a follow-up event, and that
// one then takes the root's place and sinks once (the classic heap "replace"), instead of the root being
// removed (one sift down) and the new event added (one sift up). Any other operation removes it first.
//
// Far-future events do not enter the heap (a calendar tier, after Brown's calendar queue, CACM 31(10),
// 1988): time is cut into buckets of `width` from `origin`, and an event whose bucket number is at or past
// `cur` waits, unsorted, in that bucket's list (the next NB buckets) or in an overflow list (later). The heap
// holds only the events before bucket `cur`; when it runs empty the next bucket is poured into it. Bucket
// numbers are a monotone function of time, so every heap event is earlier than every waiting one and the
// delivery order, ties included, is exactly the plain heap's: tiering changes speed, never results. A model
// with thousands of long timers (WebSocket sessions, connection lifetimes) then sifts through a heap of a
// few dozen entries instead of thousands. The tier starts only once the heap passes SPREAD_AT entries, and
// re-tunes `width` from the delivery rate each time its window of NB buckets is used up.
//
// `schedule` and `next` are kept short on purpose: V8 inlines a callee only while the caller's budget of
// inlined bytecode lasts, and an event loop has many call sites. Rare work (growing, discarding cancelled
// entries, the budget and horizon checks' consequences) lives in separate methods, and the sifts take only
// integer arguments, since a double passed to a call that is not inlined is boxed into a fresh heap number.

import { grownF64, grownI32 } from './arrays.js';

/** Slot index bits of a handle: up to 2^24 (16.7 M) events pending at once. */
const SLOT_BITS = 24;
const SLOT_COUNT = 1 << SLOT_BITS;
/**
 * Per-slot tag: incremented when an event is scheduled into the slot (odd: pending) and again when it is
 * delivered or cancelled (even: free or dead), so one array answers both "is it pending" and "is this
 * handle current". Wrapped to 29 bits so a handle (tag * 2^24 + slot) stays below 2^53.
 */
const TAG_MASK = (1 << (53 - SLOT_BITS)) - 1;
/** Buckets in the calendar's window (a power of two: the bucket of number k is k & (NB - 1)). */
const NB = 1024;
/** Events a bucket should bring into the heap, on average: the heap stays a few levels deep. */
const PER_BUCKET = 16;
/** Heap size at which the calendar tier starts (a smaller heap is cheap enough on its own). */
const SPREAD_AT = 512;

export class EventQueue {
  /** Simulation clock: the time of the event last returned by `next`, or the horizon a run stopped at. */
  now = 0;
  /** Kind of the current event (a small integer chosen by the caller). */
  kind = 0;
  /** First int32 payload of the current event (e.g. an entity index). */
  a = 0;
  /** Second int32 payload of the current event (e.g. a generation counter for caller-side lazy cancel). */
  b = 0;
  /** Events delivered by `next` so far (cancelled events are not counted). */
  events = 0;
  /** Event budget: `next` delivers at most this many events in total, then stops with `budgetExhausted`. */
  maxEvents = Number.POSITIVE_INFINITY;
  /** Set when `next` stopped because the budget ran out while events were still due. */
  budgetExhausted = false;

  // Every field gets an initial value of its final type: V8 then tracks the typed arrays' class and skips
  // re-checking it on every access (a field declared without a value starts as undefined, type unknown).
  private capacity = 0;
  /** Heap entries, cancelled ones included. */
  private size = 0;
  /** Cancelled entries still in the heap. */
  private dead = 0;
  /** The root entry was delivered but not yet removed (see the header). */
  private rootTaken = false;
  private inserted = 0;
  // Heap, 0-rooted: children of i are 4i+1 .. 4i+4, parent of i is (i-1) >> 2.
  private heapTime: Float64Array = new Float64Array(0);
  private heapSlot: Int32Array = new Int32Array(0);
  // Per-slot event data.
  private slotKind: Int32Array = new Int32Array(0);
  private slotA: Int32Array = new Int32Array(0);
  private slotB: Int32Array = new Int32Array(0);
  private slotSeq: Float64Array = new Float64Array(0);
  private slotTag: Int32Array = new Int32Array(0);
  // Free slots: a stack, plus the never-used tail [fresh, capacity).
  private freeSlots: Int32Array = new Int32Array(0);
  private freeTop = 0;
  private fresh = 0;
  // Calendar tier (see the header). Waiting events are linked through slotNext and keep their time in slotTime.
  private slotNext: Int32Array = new Int32Array(0);
  private slotTime: Float64Array = new Float64Array(0);
  private readonly bucketHead = new Int32Array(NB).fill(-1);
  private overflowHead = -1;
  /** Events waiting in buckets or overflow (cancelled ones included until they are dropped). */
  private waiting = 0;
  /** First bucket number not yet poured into the heap; Infinity while the tier is off (all in the heap). */
  private cur = Number.POSITIVE_INFINITY;
  /** One past the last bucket number of the window; later ones wait in overflow. */
  private windowEnd = Number.POSITIVE_INFINITY;
  private origin = 0;
  private invWidth = 0;
  /** Heap size that triggers (re)spreading into the calendar. */
  private spreadAt = SPREAD_AT;
  /** Clock and delivered events when the calendar was last laid out: the delivery rate sets `width`. */
  private spreadNow = 0;
  private spreadEvents = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(4, Math.min(SLOT_COUNT, Math.ceil(initialCapacity)));
    this.capacity = capacity;
    this.heapTime = new Float64Array(capacity);
    this.heapSlot = new Int32Array(capacity);
    this.slotKind = new Int32Array(capacity);
    this.slotA = new Int32Array(capacity);
    this.slotB = new Int32Array(capacity);
    this.slotSeq = new Float64Array(capacity);
    this.slotTag = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
    this.slotNext = new Int32Array(capacity);
    this.slotTime = new Float64Array(capacity);
  }

  /** Events scheduled and neither delivered nor cancelled. */
  get pending(): number {
    return this.size + this.waiting - this.dead - (this.rootTaken ? 1 : 0);
  }

  /**
   * Schedule an event at absolute time `time` (>= now). `a` and `b` are int32 payloads. Returns nothing: a
   * handle is a double beyond the small-integer range, and returning one from a call V8 does not inline
   * allocates a heap number per event; `scheduleCancellable` returns it for the callers that cancel.
   */
  schedule(time: number, kind: number, a = 0, b = 0): void {
    // The placement takes the slot only, an integer, so no heap number is allocated for the time when that
    // call is not inlined.
    this.place(this.store(time, kind, a, b));
  }

  /** `schedule`, returning a handle for `cancel`; a handle stays unique until its slot has been reused 2^28 times. */
  scheduleCancellable(time: number, kind: number, a = 0, b = 0): number {
    const slot = this.store(time, kind, a, b);
    this.place(slot);
    return this.slotTag[slot]! * SLOT_COUNT + slot;
  }

  /** Take a free slot and write the event into it; returns the slot. */
  private store(time: number, kind: number, a: number, b: number): number {
    if (!(time >= this.now)) pastTime(time, this.now);
    const slot = this.freeTop > 0 ? this.freeSlots[--this.freeTop]! : this.freshSlot();
    this.slotTag[slot] = (this.slotTag[slot]! + 1) & TAG_MASK;
    this.slotKind[slot] = kind;
    this.slotA[slot] = a;
    this.slotB[slot] = b;
    this.slotSeq[slot] = this.inserted++;
    this.slotTime[slot] = time;
    return slot;
  }

  /** Put the event in `slot` (time in slotTime) into the heap or, if it is beyond the heap's buckets, park it. */
  private place(slot: number): void {
    const time = this.slotTime[slot]!;
    if (this.cur !== Number.POSITIVE_INFINITY) {
      const k = Math.floor((time - this.origin) * this.invWidth);
      if (k >= this.cur) {
        this.park(slot, k < this.windowEnd ? k & (NB - 1) : -1);
        return;
      }
    }
    if (this.rootTaken) {
      this.rootTaken = false;
      this.heapTime[0] = time;
      this.heapSlot[0] = slot;
      this.siftDown(0, 0);
    } else {
      const i = this.size++;
      this.heapTime[i] = time;
      this.heapSlot[i] = slot;
      this.siftUp(i);
      if (i >= this.spreadAt) this.spread();
    }
  }

  /** Cancel a pending event. Returns false if it was already delivered or cancelled. */
  cancel(handle: number): boolean {
    const slot = handle % SLOT_COUNT;
    if (!(slot >= 0 && slot < this.fresh)) return false;
    const tag = this.slotTag[slot]!;
    if ((tag & 1) === 0 || tag !== (handle - slot) / SLOT_COUNT) return false;
    this.slotTag[slot] = tag + 1;
    this.dead++;
    this.removeTakenRoot();
    // Lazy deletion keeps the entry until it surfaces; rebuild when dead entries are the majority, so a
    // model that cancels most of what it schedules (timeouts) keeps a heap proportional to its live events.
    if (this.size + this.waiting > 64 && 2 * this.dead > this.size + this.waiting) this.compact();
    return true;
  }

  /**
   * Advance to the next event due at or before `until` and expose it in `now`, `kind`, `a`, `b`. Returns
   * false when none is due (the clock then moves to `until` if finite; later events stay queued) or when
   * the event budget is spent while events are still due (`budgetExhausted` is set; the clock stays at the
   * last event delivered).
   */
  next(until: number): boolean {
    if (this.rootTaken) {
      this.rootTaken = false;
      this.popRoot();
    }
    if (this.size === 0 && this.waiting > 0) this.pour();
    // Reading index 0 of an empty heap is safe (capacity >= 4) and the size test rejects it.
    const time = this.heapTime[0]!;
    const slot = this.heapSlot[0]!;
    const tag = this.slotTag[slot]!;
    if (this.size === 0 || time > until || (tag & 1) === 0 || this.events >= this.maxEvents) return this.stall(until);
    this.slotTag[slot] = tag + 1;
    this.freeSlots[this.freeTop++] = slot;
    this.rootTaken = true;
    this.now = time;
    this.kind = this.slotKind[slot]!;
    this.a = this.slotA[slot]!;
    this.b = this.slotB[slot]!;
    this.events++;
    return true;
  }

  /** Time of the earliest pending event, or Infinity when there is none. */
  peekTime(): number {
    this.removeTakenRoot();
    this.discardDead();
    return this.size > 0 ? this.heapTime[0]! : Number.POSITIVE_INFINITY;
  }

  /** `next` when the root is not simply deliverable: cancelled entries on top, horizon, or budget. */
  private stall(until: number): boolean {
    this.discardDead();
    if (this.size > 0 && this.heapTime[0]! <= until) {
      if (this.events < this.maxEvents) return this.next(until);
      this.budgetExhausted = true;
      return false;
    }
    if (until > this.now && until !== Number.POSITIVE_INFINITY) this.now = until;
    return false;
  }

  private removeTakenRoot(): void {
    if (this.rootTaken) {
      this.rootTaken = false;
      this.popRoot();
    }
  }

  /**
   * Pop cancelled entries off the top (their slots were retired by `cancel` and can now be reused), pouring
   * waiting events in when the heap runs empty, until a live event is on top or nothing is pending.
   */
  private discardDead(): void {
    for (;;) {
      if (this.size === 0) {
        if (this.waiting === 0) return;
        this.pour();
        continue;
      }
      const slot = this.heapSlot[0]!;
      if ((this.slotTag[slot]! & 1) === 1) return;
      this.freeSlots[this.freeTop++] = slot;
      this.dead--;
      this.popRoot();
    }
  }

  /** Park `slot` (its time in slotTime, bucket number >= cur) in bucket `bucket` of the window, or -1: overflow. */
  private park(slot: number, bucket: number): void {
    if (this.rootTaken) {
      this.rootTaken = false;
      this.popRoot();
    }
    if (bucket >= 0) {
      this.slotNext[slot] = this.bucketHead[bucket]!;
      this.bucketHead[bucket] = slot;
    } else {
      this.slotNext[slot] = this.overflowHead;
      this.overflowHead = slot;
    }
    this.waiting++;
  }

  /** The heap is empty: move the next non-empty bucket into it (cancelled events are dropped on the way). */
  private pour(): void {
    while (this.size === 0 && this.waiting > 0) {
      if (this.cur >= this.windowEnd) {
        this.spread();
        continue;
      }
      const b = this.cur & (NB - 1);
      let slot = this.bucketHead[b]!;
      this.bucketHead[b] = -1;
      this.cur++;
      while (slot !== -1) {
        const next = this.slotNext[slot]!;
        this.waiting--;
        if ((this.slotTag[slot]! & 1) === 1) {
          const i = this.size++;
          this.heapTime[i] = this.slotTime[slot]!;
          this.heapSlot[i] = slot;
          this.siftUp(i);
        } else {
          this.freeSlots[this.freeTop++] = slot;
          this.dead--;
        }
        slot = next;
      }
    }
  }

  /**
   * Lay the calendar out afresh over every pending event: a bucket width that brings about PER_BUCKET events
   * per bucket at the delivery rate seen since the last layout, the window starting at the earliest event.
   * Runs when the heap grows past `spreadAt` and when the window is used up; O(pending) each time.
   */
  private spread(): void {
    this.removeTakenRoot();
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    // Gather every pending slot into one list (through slotNext), times in slotTime; drop cancelled ones.
    let all = -1;
    let count = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const take = (slot: number, time: number): void => {
      if ((this.slotTag[slot]! & 1) === 0) {
        this.freeSlots[this.freeTop++] = slot;
        this.dead--;
        return;
      }
      this.slotTime[slot] = time;
      this.slotNext[slot] = all;
      all = slot;
      count++;
      if (time < first) first = time;
      if (time > last && time !== Number.POSITIVE_INFINITY) last = time;
    };
    for (let i = 0; i < this.size; i++) take(heapSlot[i]!, heapTime[i]!);
    const lists = [this.overflowHead];
    for (let b = 0; b < NB; b++) {
      if (this.bucketHead[b] !== -1) lists.push(this.bucketHead[b]!);
      this.bucketHead[b] = -1;
    }
    for (let slot of lists) {
      while (slot !== -1) {
        const next = this.slotNext[slot]!;
        take(slot, this.slotTime[slot]!);
        slot = next;
      }
    }
    this.overflowHead = -1;
    this.size = 0;
    this.waiting = 0;
    // Events per simulated second: delivered since the last layout or, before any, pending over their span.
    const delivered = this.events - this.spreadEvents;
    const elapsed = this.now - this.spreadNow;
    let rate = delivered >= PER_BUCKET && elapsed > 0 ? delivered / elapsed : 0;
    if (!(rate > 0) && last > first) rate = count / (last - first);
    this.spreadNow = this.now;
    this.spreadEvents = this.events;
    // An infinite rate (events a denormal apart) would make bucket numbers NaN: the heap alone then.
    if (rate > 0 && Number.isFinite(rate) && first !== Number.POSITIVE_INFINITY) {
      this.origin = first;
      this.invWidth = rate / PER_BUCKET;
      this.cur = 1;
      this.windowEnd = 1 + NB;
    } else {
      // Nothing to spread over (all at one instant, or only at infinity): the heap alone.
      this.cur = Number.POSITIVE_INFINITY;
      this.windowEnd = Number.POSITIVE_INFINITY;
    }
    let slot = all;
    while (slot !== -1) {
      const next = this.slotNext[slot]!;
      const time = this.slotTime[slot]!;
      const k = this.cur === Number.POSITIVE_INFINITY ? 0 : Math.floor((time - this.origin) * this.invWidth);
      if (k < this.cur) {
        heapTime[this.size] = time;
        heapSlot[this.size] = slot;
        this.size++;
      } else this.park(slot, k < this.windowEnd ? k & (NB - 1) : -1);
      slot = next;
    }
    for (let i = (this.size - 2) >> 2; i >= 0; i--) this.siftDown(i, i);
    // A heap that stays big after a layout (many events at one instant) is left alone until it doubles.
    this.spreadAt = Math.max(SPREAD_AT, 2 * this.size);
  }

  private freshSlot(): number {
    if (this.fresh === this.capacity) this.grow();
    return this.fresh++;
  }

  /** Move the entry at `i` up to its place. */
  private siftUp(i: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slotSeq = this.slotSeq;
    const time = heapTime[i]!;
    const slot = heapSlot[i]!;
    const seq = slotSeq[slot]!;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = heapTime[parent]!;
      if (pt < time || (pt === time && slotSeq[heapSlot[parent]!]! < seq)) break;
      heapTime[i] = pt;
      heapSlot[i] = heapSlot[parent]!;
      i = parent;
    }
    heapTime[i] = time;
    heapSlot[i] = slot;
  }

  /** Remove the root: the last entry fills the hole at the root and sinks to its place. */
  private popRoot(): void {
    const size = --this.size;
    if (size > 0) this.siftDown(0, size);
  }

  /** Move the entry at `from` into the hole at `i` and down to its place among the first `size` entries. */
  private siftDown(i: number, from: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const slotSeq = this.slotSeq;
    const size = this.size;
    const time = heapTime[from]!;
    const slot = heapSlot[from]!;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= size) break;
      // Smallest of up to four children, ties to the earlier insertion.
      let best = first;
      let bt = heapTime[first]!;
      const last = first + 3 < size ? first + 3 : size - 1;
      for (let c = first + 1; c <= last; c++) {
        const ct = heapTime[c]!;
        if (ct < bt || (ct === bt && slotSeq[heapSlot[c]!]! < slotSeq[heapSlot[best]!]!)) {
          best = c;
          bt = ct;
        }
      }
      if (bt > time || (bt === time && slotSeq[heapSlot[best]!]! > slotSeq[slot]!)) break;
      heapTime[i] = bt;
      heapSlot[i] = heapSlot[best]!;
      i = best;
    }
    heapTime[i] = time;
    heapSlot[i] = slot;
  }

  /** Drop every cancelled entry and rebuild the heap bottom-up (Floyd), O(size); the calendar is laid out again. */
  private compact(): void {
    if (this.waiting > 0 || this.cur !== Number.POSITIVE_INFINITY) {
      this.spread();
      return;
    }
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      const slot = heapSlot[i]!;
      if ((this.slotTag[slot]! & 1) === 1) {
        heapTime[n] = heapTime[i]!;
        heapSlot[n] = slot;
        n++;
      } else {
        this.freeSlots[this.freeTop++] = slot;
      }
    }
    this.size = n;
    this.dead = 0;
    for (let i = (n - 2) >> 2; i >= 0; i--) this.siftDown(i, i);
  }

  private grow(): void {
    if (this.capacity >= SLOT_COUNT) throw new RangeError(`more than ${SLOT_COUNT} events pending`);
    const capacity = Math.min(SLOT_COUNT, this.capacity * 2);
    this.heapTime = grownF64(this.heapTime, capacity);
    this.heapSlot = grownI32(this.heapSlot, capacity);
    this.slotKind = grownI32(this.slotKind, capacity);
    this.slotA = grownI32(this.slotA, capacity);
    this.slotB = grownI32(this.slotB, capacity);
    this.slotSeq = grownF64(this.slotSeq, capacity);
    this.slotTag = grownI32(this.slotTag, capacity);
    this.freeSlots = grownI32(this.freeSlots, capacity);
    this.slotNext = grownI32(this.slotNext, capacity);
    this.slotTime = grownF64(this.slotTime, capacity);
    this.capacity = capacity;
  }
}

function pastTime(time: number, now: number): never {
  throw new RangeError(`cannot schedule at ${time}: before the clock (${now}) or not a number`);
}
