// One simulation, end to end: model → replications → result (spec/api.md "The result of one simulation").
// Replications run the same model with derived seeds; counts are summed, histograms merged, and every
// headline figure gets a 95 % Student-t interval from the per-replication values.
import { replicationSeed } from '../engine/rng.js';
import { type LatencyHistogram, replicationCI } from '../engine/stats.js';
import { ENGINE_VERSION } from '../version.js';
import { estimateEvents } from './budget.js';
import { dataplaneReport } from './dataplane-report.js';
import type { SimModel } from './model.js';
import type { Balance, EndpointRow, Headline, Interval, Percentiles, SimResult } from './result.js';
import { programmedRules } from './rules.js';
import {
  CLASS_HTTP2,
  CLASS_SHORT,
  CLASS_WEBSOCKET,
  FAIL_CONNECTION_DROPPED,
  FAIL_IPVS_IDLE,
  FAIL_QUEUE_FULL,
  type RunMeasurements,
  runOnce,
} from './run.js';

/** The run would exceed its event budget: the API answers 422 with the estimate. */
export class BudgetError extends Error {
  readonly estimate: number;
  readonly budget: number;
  constructor(estimate: number, budget: number, during = false) {
    super(
      during
        ? `the run used its whole event budget of ${budget} events before reaching the end of the simulated time (estimated ${estimate})`
        : `the scenario needs about ${estimate} events, over the budget of ${budget}`,
    );
    this.name = 'BudgetError';
    this.estimate = estimate;
    this.budget = budget;
  }
}

export interface SimulateOptions {
  seed: number;
  replications: number;
  /** Called between replications; returning true stops the run (a client that went away). */
  cancelled?: () => boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('the simulation was cancelled');
    this.name = 'CancelledError';
  }
}

const round = (x: number, digits = 6): number => {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * HDR reports a bucket's highest equivalent value, which can exceed the largest value actually recorded
 * (a constant 3 ms service time reads back as 3.0147 ms); the exact max bounds every percentile.
 */
function percentiles(h: LatencyHistogram): Percentiles {
  const s = h.summaryMs();
  const cap = (v: number) => round(Math.min(v, s.max));
  return {
    count: s.count,
    mean: round(s.mean),
    p50: cap(s.p50),
    p90: cap(s.p90),
    p99: cap(s.p99),
    p999: cap(s.p999),
    max: round(s.max),
  };
}

function endpointPercentile(h: LatencyHistogram, p: number): number {
  return h.count > 0 ? round(Math.min(h.percentileMs(p), h.max * 1e3)) : 0;
}

export function balance(by: Balance['by'], values: ArrayLike<number>): Balance {
  const n = values.length;
  let sum = 0;
  let sq = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    sum += v;
    sq += v * v;
    if (v > max) max = v;
  }
  if (n === 0 || sum === 0) return { by, maxOverMean: 0, cv: 0, jain: 0 };
  const mean = sum / n;
  const variance = Math.max(0, sq / n - mean * mean);
  return {
    by,
    maxOverMean: round(max / mean),
    cv: round(Math.sqrt(variance) / mean),
    jain: round((sum * sum) / (n * sq)),
  };
}

function interval(values: number[]): Interval {
  const ci = replicationCI(values);
  return {
    mean: round(ci.mean),
    low: round(ci.mean - ci.halfWidth),
    high: round(ci.mean + ci.halfWidth),
    halfWidth: round(ci.halfWidth),
    n: ci.n,
    values: values.map((v) => round(v)),
  };
}

/**
 * Endpoints that may receive traffic at all, which the balance figures are about: the ready ones (with a
 * positive IPVS weight in ipvs mode), or the serving-terminating fallback when none is ready.
 */
function balanceSet(model: SimModel): number[] {
  const ipvs = model.config.mode === 'ipvs';
  const ready = model.endpoints.flatMap((e, i) =>
    e.conditions.ready && (!ipvs || (model.weights[i] as number) > 0) ? [i] : [],
  );
  if (ready.length > 0) return ready;
  return model.endpoints.flatMap((e, i) => (e.conditions.serving ? [i] : []));
}

function pick(values: ArrayLike<number>, set: number[]): number[] {
  return set.map((i) => values[i] as number);
}

interface PerRun {
  latencyMean: number;
  latencyP50: number;
  latencyP99: number;
  mmRequests: number;
  mmConnSeconds: number;
  maxUtil: number;
  failedShare: number;
}

function headlineOf(model: SimModel, m: RunMeasurements, set: number[]): PerRun {
  const all = m.latency.overall();
  const s = all.summaryMs();
  const util = model.servers.map(
    (srv, i) => (m.busy.area[i] as number) / (srv.concurrency * Math.max(m.measuredSeconds, 1e-12)),
  );
  const failed = m.failures.reduce((a, b) => a + b, 0);
  return {
    latencyMean: s.mean,
    latencyP50: s.p50,
    latencyP99: s.p99,
    mmRequests: balance('requests', pick(m.endpointRequests, set)).maxOverMean,
    mmConnSeconds: balance('connectionSeconds', pick(m.activeConns.area, set)).maxOverMean,
    maxUtil: Math.max(0, ...util),
    failedShare: failed + s.count > 0 ? failed / (failed + s.count) : 0,
  };
}

/** Runs the model `replications` times and assembles the result. Throws BudgetError or CancelledError. */
export function simulateModel(model: SimModel, options: SimulateOptions): SimResult {
  const started = performance.now();
  const estimate = estimateEvents(model.workloads, model.duration, options.replications);
  if (estimate > model.maxEvents) throw new BudgetError(estimate, model.maxEvents);
  const runs: RunMeasurements[] = [];
  let events = 0;
  for (let r = 0; r < options.replications; r++) {
    if (options.cancelled?.() === true) throw new CancelledError();
    const seed = r === 0 ? options.seed : replicationSeed(options.seed, r);
    const perRunModel = { ...model, maxEvents: model.maxEvents - events };
    const m = runOnce(perRunModel, seed);
    if (m.budgetExhausted) throw new BudgetError(estimate, model.maxEvents, true);
    events += m.events;
    runs.push(m);
  }
  const first = runs[0] as RunMeasurements;
  const set = balanceSet(model);
  const perRun = runs.map((m) => headlineOf(model, m, set));
  const E = model.endpoints.length;
  const R = runs.length;

  // Sum over replications.
  const connections = new Float64Array(E);
  const requests = new Float64Array(E);
  const rejected = new Float64Array(E);
  const connArea = new Float64Array(E);
  const busyArea = new Float64Array(E);
  const peak = new Float64Array(E);
  const failures = new Float64Array(3);
  let measuredSeconds = 0;
  for (const m of runs) {
    measuredSeconds += m.measuredSeconds;
    for (let i = 0; i < E; i++) {
      connections[i] = (connections[i] as number) + (m.endpointConnections[i] as number);
      requests[i] = (requests[i] as number) + (m.endpointRequests[i] as number);
      rejected[i] = (rejected[i] as number) + (m.endpointRejected[i] as number);
      connArea[i] = (connArea[i] as number) + (m.activeConns.area[i] as number);
      busyArea[i] = (busyArea[i] as number) + (m.busy.area[i] as number);
      peak[i] = Math.max(peak[i] as number, m.activeConns.peak[i] as number);
    }
    for (let k = 0; k < 3; k++) failures[k] = (failures[k] as number) + (m.failures[k] as number);
    if (m !== first) first.latency.add(m.latency);
  }
  const latency = first.latency;
  const totalRequests = requests.reduce((a, b) => a + b, 0);
  const totalConnections = connections.reduce((a, b) => a + b, 0);
  const span = Math.max(measuredSeconds, 1e-12);

  const endpoints: EndpointRow[] = model.endpoints.map((e, i) => {
    const h = latency.byEndpoint[i] as LatencyHistogram;
    return {
      address: e.address,
      port: e.port,
      pod: e.podName,
      node: e.nodeName,
      zone: e.zone,
      ready: e.conditions.ready,
      terminating: e.conditions.terminating,
      weight: model.weights[i] as number,
      connections: connections[i] as number,
      requests: requests[i] as number,
      share: totalRequests > 0 ? round((requests[i] as number) / totalRequests) : 0,
      connectionShare: totalConnections > 0 ? round((connections[i] as number) / totalConnections) : 0,
      peakActiveConnections: peak[i] as number,
      meanActiveConnections: round((connArea[i] as number) / span),
      connectionSeconds: round((connArea[i] as number) / R),
      utilization: round(Math.min(1, (busyArea[i] as number) / (span * (model.servers[i]?.concurrency ?? 1)))),
      rejected: rejected[i] as number,
      latencyMs: { p50: endpointPercentile(h, 50), p90: endpointPercentile(h, 90), p99: endpointPercentile(h, 99) },
    };
  });

  const utilization = endpoints.map((e) => e.utilization);
  const distribution: Balance[] = [
    balance('requests', pick(requests, set)),
    balance('connections', pick(connections, set)),
    balance('connectionSeconds', pick(connArea, set)),
    balance('utilization', pick(utilization, set)),
  ];

  const overall = latency.overall();
  const byClass: SimResult['latencyMs']['byClass'] = {};
  const classes = [
    [CLASS_SHORT, 'short'],
    [CLASS_HTTP2, 'http2'],
    [CLASS_WEBSOCKET, 'websocket'],
  ] as const;
  for (const [cls, name] of classes) {
    if (model.workloads.some((w) => w.cls === cls))
      byClass[name] = percentiles(latency.byClass[cls] as LatencyHistogram);
  }

  const failedTotal = failures.reduce((a, b) => a + b, 0);
  const dataplane = dataplaneReport(
    model,
    runs.map((m) => m.dataplane),
    programmedRules(model),
  );
  const warnings: string[] = [];
  for (const w of model.workloads) {
    const meanLife = w.aux?.mean ?? 0;
    if (w.cls === CLASS_WEBSOCKET && meanLife > model.duration - model.warmup) {
      warnings.push(
        `${w.name}: sessions last ${round(meanLife, 1)} s on average, longer than the measured ${round(model.duration - model.warmup, 1)} s; the open-session count has not reached steady state — run longer for steady-state figures.`,
      );
    }
  }
  let headline: Headline | undefined;
  if (R > 1) {
    headline = {
      latencyMeanMs: interval(perRun.map((p) => p.latencyMean)),
      latencyP50Ms: interval(perRun.map((p) => p.latencyP50)),
      latencyP99Ms: interval(perRun.map((p) => p.latencyP99)),
      maxOverMeanRequests: interval(perRun.map((p) => p.mmRequests)),
      maxOverMeanConnectionSeconds: interval(perRun.map((p) => p.mmConnSeconds)),
      maxUtilization: interval(perRun.map((p) => p.maxUtil)),
      failedShare: interval(perRun.map((p) => p.failedShare)),
    };
  }

  return {
    config: model.config,
    endpoints,
    distribution,
    latencyMs: { ...percentiles(overall), byClass },
    requests: {
      completed: totalRequests,
      failed: {
        total: failedTotal,
        byReason: {
          connectionDropped: failures[FAIL_CONNECTION_DROPPED] as number,
          queueFull: failures[FAIL_QUEUE_FULL] as number,
          ipvsIdleExpired: failures[FAIL_IPVS_IDLE] as number,
        },
      },
    },
    dataplane,
    ...(headline === undefined ? {} : { headline }),
    warnings,
    meta: {
      events,
      simulatedSeconds: round(runs.reduce((a, m) => a + m.simulatedSeconds, 0) / R),
      wallMs: Math.round(performance.now() - started),
      seed: options.seed,
      replications: R,
      engineVersion: ENGINE_VERSION,
    },
  };
}
