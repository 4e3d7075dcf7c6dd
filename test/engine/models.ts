// Queueing models built on the engine's public API, shared by the engine's tests.

import {
  BatchMeans,
  type ConfidenceInterval,
  Dist,
  type DistSpec,
  EventQueue,
  Streams,
  TimeWeighted,
} from '../../src/engine/index.js';

/** Confidence level of the intervals the tests check against (a correct engine fails 1 check in 1000). */
export const CI_LEVEL = 0.999;

const ARRIVAL = 0;
const DEPARTURE = 1;

export interface QueueRun {
  /** Batch-means estimate of the mean wait in queue of customers arriving after the warm-up. */
  wait: BatchMeans;
  /** Batch-means estimate of the mean time in system (wait + service) of the same customers. */
  sojourn: BatchMeans;
  /** Batch-means interval (at CI_LEVEL) of the time-average number in system over [warmup, last arrival]. */
  inSystem: ConfidenceInterval;
  /** Arrivals after the warm-up, per unit time. */
  arrivalRate: number;
  events: number;
  /** Arrival time of every customer, recorded as the arrival events happen. */
  arrivalTimes: Float64Array;
  /** (time, kind) of every event, in order, when a trace was requested. */
  trace: Float64Array | null;
}

export interface QueueSpec {
  servers: number;
  interarrival: DistSpec;
  service: DistSpec;
  customers: number;
  seed: number;
  /** Warm-up as a fraction of the expected arrival period (customers x mean interarrival). */
  warmupFraction?: number;
  trace?: boolean;
}

/**
 * G/G/c FIFO queue: interarrival times from stream `arrivals`, service times from stream `service`, both
 * drawn as the events happen (so the two streams interleave). Customers are numbered in arrival order;
 * a departure's payload `a` is the customer number. The run ends when the last customer has left.
 */
export function runQueue(spec: QueueSpec): QueueRun {
  const { servers, customers, seed } = spec;
  const streams = new Streams(seed);
  const arrivalRng = streams.get('arrivals');
  const serviceRng = streams.get('service');
  const interarrival = new Dist(spec.interarrival);
  const service = new Dist(spec.service);
  const expectedPeriod = customers * interarrival.mean;
  const warmup = (spec.warmupFraction ?? 0.02) * expectedPeriod;
  const inSystem = new TimeWeighted(warmup, ((1 - (spec.warmupFraction ?? 0.02)) * expectedPeriod) / 20);
  let inSystemCI: ConfidenceInterval | null = null;
  const wait = new BatchMeans(20);
  const sojourn = new BatchMeans(20);
  const arrivalTimes = new Float64Array(customers);
  const trace: number[] | null = spec.trace === true ? [] : null;
  const q = new EventQueue(servers + 2);
  const line = new Int32Array(customers);
  let head = 0;
  let tail = 0;
  let busy = 0;
  let arrived = 0;
  let arrivalsAfterWarmup = 0;
  const startService = (customer: number, now: number): void => {
    const at = arrivalTimes[customer]!;
    if (at >= warmup) wait.add(now - at);
    q.schedule(now + service.sample(serviceRng), DEPARTURE, customer);
  };
  q.schedule(interarrival.sample(arrivalRng), ARRIVAL);
  while (q.next(Number.POSITIVE_INFINITY)) {
    const now = q.now;
    trace?.push(now, q.kind);
    if (q.kind === ARRIVAL) {
      const customer = arrived++;
      arrivalTimes[customer] = now;
      if (now >= warmup) arrivalsAfterWarmup++;
      inSystem.add(now, 1);
      if (arrived < customers) q.schedule(now + interarrival.sample(arrivalRng), ARRIVAL);
      else inSystemCI = inSystem.batchCI(now, CI_LEVEL);
      if (busy < servers) {
        busy++;
        startService(customer, now);
      } else line[tail++] = customer;
    } else {
      const at = arrivalTimes[q.a]!;
      if (at >= warmup) sojourn.add(now - at);
      inSystem.add(now, -1);
      if (head < tail) startService(line[head++]!, now);
      else busy--;
    }
  }
  return {
    wait,
    sojourn,
    inSystem: inSystemCI!,
    arrivalRate: arrivalsAfterWarmup / (arrivalTimes[customers - 1]! - warmup),
    events: q.events,
    arrivalTimes,
    trace: trace === null ? null : Float64Array.from(trace),
  };
}

/** Erlang C mean wait in queue of M/M/c (probability of waiting via the Erlang B recursion). */
export function erlangCWait(servers: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  const pWait = (servers * b) / (servers - a * (1 - b));
  return pWait / (servers * mu - lambda);
}
