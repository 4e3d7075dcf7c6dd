// The traffic profile's analytic properties: what the selection guide (src/guide) reads to decide which of
// the document's rules apply, computed without simulating, from the exact moments and closed-form CDFs of
// the scenario's distributions. /v1/recommend calls this on every keystroke on snapshots of 10 000
// Services, so everything here is one linear scan of the snapshot plus work per workload and per client
// group (never per Service × endpoint).
//
// The connection duration D of each workload class (spec/model.md §4):
// - short: requestsPerConnection (k) sequential requests, each a round trip (calibration.rtt.crossNode)
//   plus its service time (divided by backends.speed), with a think time between consecutive requests:
//   D = Σ_k (rtt + S/speed) + Σ_{k-1} think. Queueing is left out (no load is simulated here).
// - http2: each connection lives `lifetime` (default: the whole run) and reconnects.
// - websocket: the session duration.
//
// Two views of time are used, each where it belongs:
// - The traffic's nature (G1, G2: are connections short, how long-tailed are they) is the steady state of
//   the given distributions: a duration with an infinite mean (pareto alpha <= 1) makes all
//   connection-seconds "long".
// - Counts that a run would observe (open connections for conntrack, WebSocket message rates) are taken
//   over the simulated run, starting empty: a session contributes at most the run's length,
//   E[min(D, run)], as in the simulator.

import { endpointsForServicePort } from '../dataplane/endpoints.js';
import { Dist, type DistSpec, normalQuantile } from '../engine/dist.js';
import type { Cluster, Node, Service, ServicePort, ServicePortEndpoint } from '../scenario/cluster.js';
import { listNames, ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import type { ClientGroup, Scenario, Workload } from '../scenario/schema.js';

/** The guide's reading of "short" and "long" (spec/guide.md G1, G2); the guide passes its thresholds. */
export interface ProfileOptions {
  /** A short connection carries at most this many requests (G1; default 10). */
  shortRequests: number;
  /** ... and closes within this many seconds (G1; default 1 s). */
  shortSeconds: number;
  /** A long connection lives longer than this many seconds (G2; default 30 s). */
  longSeconds: number;
}

export const DEFAULT_PROFILE_OPTIONS: Readonly<ProfileOptions> = {
  shortRequests: 10,
  shortSeconds: 1,
  longSeconds: 30,
};

/** WebSocket sessions against the IPVS ESTABLISHED idle timeout (`proxy.ipvs.tcpTimeout`). */
export interface IdleProfile {
  /** The timeout T, seconds. */
  timeoutSeconds: number;
  messageRate: number;
  /** Probability that one gap between Poisson messages exceeds T: exp(-messageRate · T). */
  gapOverTimeout: number;
  /** Share of sessions that last longer than T (only those can sit idle that long). */
  sessionsLongerThanTimeout: number;
  /**
   * Expected idle gaps of at least T per session: a gap starts at the session's start or after a message
   * and must end before the session does, so given D > T it is (1 + messageRate·(D − T))·exp(−messageRate·T);
   * averaged over D. An upper bound of the share of sessions IPVS expires, and close to it when small.
   */
  expiriesPerSession: number;
}

export interface WorkloadProfile {
  name: string;
  class: Workload['class'];
  /** Client group name. */
  client: string;
  /** New connections per second (http2: reconnections over the run, connections / E[min(lifetime, run)]). */
  connectionsPerSecond: number;
  /** Requests (short), streams (http2) or messages (websocket) per second. */
  requestsPerSecond: number;
  /** E[D], seconds; Infinity when it diverges. */
  meanDuration: number;
  /** Var[D]; Infinity when it diverges. */
  durationVariance: number;
  /** CV of D; Infinity when the variance diverges. */
  durationCV: number;
  /** Open-connection seconds per second in the steady state (Little's law; http2: `connections`). */
  connectionSeconds: number;
  /** Share of this workload's connection-seconds in connections living longer than `longSeconds`. */
  longFraction: number;
  /** Share of its connections carrying at most `shortRequests` requests and closing within `shortSeconds`. */
  shortFraction: number;
  /** Expected connections open at the end of the run, starting empty: rate · E[min(D, run)]. */
  openAtEnd: number;
  /** Service time at backends.speed: mean (s) and CV. */
  serviceTime: { mean: number; cv: number };
  /** WebSocket only. */
  idle: IdleProfile | null;
}

export interface NodeShare {
  node: string;
  /** Share of the group's (or all) new connections whose first packet this node's rules decide. */
  share: number;
}

export interface ClientProfile {
  name: string;
  kind: 'pod' | 'external';
  /** How external clients enter; null for pods. */
  via: 'nodePort' | 'loadBalancer' | null;
  fromEndpoints: boolean;
  sourceIPs: number;
  /** Nodes the group's connections are decided on, in the group's order, with their shares. */
  nodes: NodeShare[];
  connectionsPerSecond: number;
  requestsPerSecond: number;
}

export interface ClusterVersion {
  /** As printed on the node, e.g. "v1.33.2". */
  text: string;
  major: number;
  minor: number;
}

export interface SnapshotFacts {
  nodes: number;
  zones: string[];
  services: number;
  /** Service ports kube-proxy programs (not ExternalName, not headless): what iptables' KUBE-SERVICES grows with. */
  servicePorts: number;
  /** Endpoints in the snapshot's IP EndpointSlices (FQDN slices are ignored by kube-proxy). */
  endpoints: number;
  /** Lowest and highest kube-proxy (else kubelet) version among the nodes; null when no node says. */
  versions: { lowest: ClusterVersion | null; highest: ClusterVersion | null; nodesWithVersion: number };
}

export interface TargetFacts {
  service: Service;
  port: ServicePort;
  /** Its endpoints as kube-proxy assembles them (EndpointSlice order). */
  endpoints: ServicePortEndpoint[];
  /** Endpoints kube-proxy may use (ready, else serving and terminating). */
  usableEndpoints: number;
  /** IPVS real-server weight per endpoint: kube-proxy's (1, 0 while not ready) unless backends.overrides sets one. */
  weights: number[];
  /** Ready endpoints do not all have the same weight (then wlc and wrr differ from lc and rr). */
  weightsDiffer: boolean;
}

export interface TrafficProfile {
  options: ProfileOptions;
  runSeconds: number;
  workloads: WorkloadProfile[];
  clients: ClientProfile[];
  /** Every deciding node over all client groups, weighted by connection rate, largest share first. */
  decidingNodes: NodeShare[];
  connectionsPerSecond: number;
  requestsPerSecond: number;
  /** External clients' share of new connections. */
  externalConnectionShare: number;
  /** G1: share of connections (weighted by rate) carrying ≤ shortRequests requests and closing within shortSeconds. */
  shortConnectionShare: number;
  /** G2: share of connection-seconds in connections living longer than longSeconds (1 when a mean diverges). */
  longConnectionSecondsShare: number;
  /** C4: the same share counting HTTP/2 and WebSocket connections only (over all connection-seconds). */
  longStreamingSecondsShare: number;
  /** G2: CV of the connection duration over all new connections (mixture weighted by connection rate). */
  connectionDurationCV: number;
  meanConnectionDuration: number;
  /** G7: HTTP/2 streams' share of all requests. */
  http2RequestShare: number;
  /** G1: CV of the service time over all requests (mixture weighted by request rate). */
  serviceTimeCV: number;
  serviceTimeMean: number;
  snapshot: SnapshotFacts;
  target: TargetFacts;
}

// ---------------------------------------------------------------------------------------------------
// Closed forms of one distribution

type Law =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'pareto'; xm: number; alpha: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'values'; sorted: Float64Array; suffixSum: Float64Array }
  | { kind: 'buckets'; upper: Float64Array; weight: Float64Array };

function lawOf(spec: DistSpec): Law {
  switch (spec.dist) {
    case 'constant':
      return { kind: 'constant', value: spec.value };
    case 'exponential':
      return { kind: 'exponential', mean: spec.mean };
    case 'lognormal':
      if ('median' in spec) {
        const mu = Math.log(spec.median);
        return { kind: 'lognormal', mu, sigma: (Math.log(spec.p99) - mu) / normalQuantile(0.99) };
      }
      return { kind: 'lognormal', mu: spec.mu, sigma: spec.sigma };
    case 'pareto':
      return 'xm' in spec
        ? { kind: 'pareto', xm: spec.xm, alpha: spec.alpha }
        : { kind: 'pareto', xm: (spec.mean * (spec.alpha - 1)) / spec.alpha, alpha: spec.alpha };
    case 'uniform':
      return { kind: 'uniform', min: spec.min, max: spec.max };
    case 'empirical': {
      if ('values' in spec) {
        const sorted = Float64Array.from(spec.values).sort();
        const suffixSum = new Float64Array(sorted.length + 1);
        for (let i = sorted.length - 1; i >= 0; i--) suffixSum[i] = suffixSum[i + 1]! + sorted[i]!;
        return { kind: 'values', sorted, suffixSum };
      }
      let total = 0;
      for (const b of spec.buckets) total += b.weight;
      return {
        kind: 'buckets',
        upper: Float64Array.from(spec.buckets, (b) => b.le),
        weight: Float64Array.from(spec.buckets, (b) => b.weight / total),
      };
    }
  }
}

/**
 * Standard normal CDF Φ(z) by bisection on the exact quantile (AS 241), to 2^-60 absolute: the one
 * normal function the engine has is the quantile, and the guide needs Φ only a few times per profile.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z > 0) return 1 - normalCdf(-z);
  let lo = 0;
  let hi = 0.5;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalQuantile(mid) < z) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Values <= x in a sorted array. */
function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** P(X <= x). */
function lawCdf(law: Law, x: number): number {
  switch (law.kind) {
    case 'constant':
      return x >= law.value ? 1 : 0;
    case 'exponential':
      return x <= 0 ? 0 : -Math.expm1(-x / law.mean);
    case 'lognormal':
      return x <= 0 ? 0 : normalCdf((Math.log(x) - law.mu) / law.sigma);
    case 'pareto':
      return x <= law.xm ? 0 : 1 - (law.xm / x) ** law.alpha;
    case 'uniform':
      if (x >= law.max) return 1;
      return x <= law.min ? 0 : (x - law.min) / (law.max - law.min);
    case 'values':
      return countAtMost(law.sorted, x) / law.sorted.length;
    case 'buckets': {
      let p = 0;
      let lower = 0;
      for (let i = 0; i < law.upper.length; i++) {
        const upper = law.upper[i]!;
        const w = law.weight[i]!;
        if (x >= upper) p += w;
        else {
          if (x > lower) p += (w * (x - lower)) / (upper - lower);
          break;
        }
        lower = upper;
      }
      return Math.min(1, p);
    }
  }
}

/** The partial expectation E[X · 1{X > x}]; Infinity where the mean diverges. */
function lawTailMean(law: Law, x: number): number {
  switch (law.kind) {
    case 'constant':
      return law.value > x ? law.value : 0;
    case 'exponential':
      return x <= 0 ? law.mean : (x + law.mean) * Math.exp(-x / law.mean);
    case 'lognormal': {
      const s2 = law.sigma * law.sigma;
      const mean = Math.exp(law.mu + s2 / 2);
      return x <= 0 ? mean : mean * normalCdf((law.mu + s2 - Math.log(x)) / law.sigma);
    }
    case 'pareto': {
      const { xm, alpha } = law;
      if (alpha <= 1) return Number.POSITIVE_INFINITY;
      const from = Math.max(x, xm);
      return (alpha * xm ** alpha * from ** (1 - alpha)) / (alpha - 1);
    }
    case 'uniform': {
      const { min, max } = law;
      if (x >= max) return 0;
      if (x <= min) return (min + max) / 2;
      return (max * max - x * x) / (2 * (max - min));
    }
    case 'values': {
      const n = law.sorted.length;
      return law.suffixSum[countAtMost(law.sorted, x)]! / n;
    }
    case 'buckets': {
      let e = 0;
      let lower = 0;
      for (let i = 0; i < law.upper.length; i++) {
        const upper = law.upper[i]!;
        const w = law.weight[i]!;
        if (x <= lower) e += (w * (lower + upper)) / 2;
        else if (x < upper) e += ((w * (upper - x)) / (upper - lower)) * ((x + upper) / 2);
        lower = upper;
      }
      return e;
    }
  }
}

/** E[min(X, x)] = ∫_0^x P(X > t) dt, finite even where the mean is not. */
function lawTruncatedMean(law: Law, mean: number, x: number): number {
  if (x <= 0) return 0;
  if (law.kind === 'pareto' && law.alpha <= 1) {
    const { xm, alpha } = law;
    if (x <= xm) return x;
    return alpha === 1
      ? xm + xm * Math.log(x / xm)
      : xm + (xm ** alpha * (x ** (1 - alpha) - xm ** (1 - alpha))) / (1 - alpha);
  }
  return Math.max(0, Math.min(x, mean - lawTailMean(law, x) + x * (1 - lawCdf(law, x))));
}

// ---------------------------------------------------------------------------------------------------
// Connection-duration models

/** What the profile asks of a connection duration D. */
interface DurationModel {
  readonly mean: number;
  readonly variance: number;
  cdf(x: number): number;
  /** E[D · 1{D > x}]. */
  tailMean(x: number): number;
  /** E[min(D, x)]. */
  truncatedMean(x: number): number;
}

/** D = shift + scale · X for one distribution X: every quantity in closed form. */
class ScaledDuration implements DurationModel {
  readonly mean: number;
  readonly variance: number;
  readonly dist: Dist;
  private readonly law: Law;

  constructor(
    spec: DistSpec,
    readonly shift = 0,
    readonly scale = 1,
  ) {
    this.dist = new Dist(spec);
    this.law = lawOf(spec);
    this.mean = shift + scale * this.dist.mean;
    this.variance = scale * scale * this.dist.variance;
  }

  cdf(x: number): number {
    return lawCdf(this.law, (x - this.shift) / this.scale);
  }

  tailMean(x: number): number {
    const u = (x - this.shift) / this.scale;
    return this.shift * (1 - lawCdf(this.law, u)) + this.scale * lawTailMean(this.law, u);
  }

  truncatedMean(x: number): number {
    if (x <= this.shift) return Math.max(0, x);
    return this.shift + this.scale * lawTruncatedMean(this.law, this.dist.mean, (x - this.shift) / this.scale);
  }

  quantile(p: number): number {
    return this.shift + this.scale * this.dist.quantile(p);
  }
}

/** Grid intervals of the discretised sums on [0, L]. */
const GRID_POINTS = 256;
/** A grid answers a question about x only with at least this many steps below x. */
const MIN_STEPS_BELOW = 128;
/** Equal-probability quantile atoms per summand (midpoint rule on the quantile function). */
const ATOMS = 2048;
/** Mass below which a truncated sum is treated as having left [0, L] entirely. */
const NEGLIGIBLE_MASS = 1e-15;

/**
 * D = Σ_i count_i copies of independent terms (each a ScaledDuration): a short connection's k round trips
 * with service times, and its k − 1 think times. Constants (the round trips, constant service times) add
 * up exactly; the rest has no closed form, so its distribution is computed on a grid over [0, L] for
 * each L asked (1 s, 30 s, the run, less the constant part): every term is discretised from
 * ATOMS quantile midpoints, each atom's mass split between its two neighbouring grid points so that the
 * mean is kept (the local moment-matching of actuarial aggregate-loss methods), and the terms are
 * convolved by binary powering, truncated at L. Terms are non-negative, so truncation is exact: the sum
 * is ≤ L only if every partial sum is. Moments are exact.
 */
class SumDuration implements DurationModel {
  readonly mean: number;
  readonly variance: number;
  /** The constant part of the sum: every term's own shift (the round trips) and the terms without spread. */
  private readonly shift: number;
  /** The terms with spread, each contributing scale · X per copy. */
  private readonly random: { term: ScaledDuration; count: number }[] = [];
  /** Masses of the random part by grid limit. */
  private readonly grids = new Map<number, Float64Array>();

  constructor(terms: readonly { term: ScaledDuration; count: number }[]) {
    let mean = 0;
    let variance = 0;
    let shift = 0;
    for (const { term, count } of terms) {
      if (count === 0) continue;
      mean += count * term.mean;
      variance += count * term.variance;
      // A constant is a shift, exactly: ten 100 ms requests take exactly 1 s, not about 1 s.
      if (term.variance === 0) shift += count * term.mean;
      else {
        shift += count * term.shift;
        this.random.push({ term, count });
      }
    }
    this.mean = mean;
    this.variance = variance;
    this.shift = shift;
  }

  /**
   * Probability masses of the random part R at the grid points j·L/M, j = 0..M (what is missing lies
   * above L), for some L >= y fine enough for y: a grid already built for a larger L is reused when its
   * step is at most y / MIN_STEPS_BELOW (so the run-length grid also answers the 30 s question).
   */
  private grid(y: number): { masses: Float64Array; step: number } {
    let best: { masses: Float64Array; step: number } | undefined;
    for (const [limit, masses] of this.grids) {
      const step = limit / GRID_POINTS;
      if (limit >= y && step <= y / MIN_STEPS_BELOW && (best === undefined || step < best.step))
        best = { masses, step };
    }
    if (best !== undefined) return best;
    const h = y / GRID_POINTS;
    let acc: Float64Array = new Float64Array(GRID_POINTS + 1);
    acc[0] = 1;
    for (const { term, count } of this.random) {
      const atoms = new Float64Array(GRID_POINTS + 1);
      for (let i = 0; i < ATOMS; i++) {
        const v = term.quantile((i + 0.5) / ATOMS) - term.shift;
        if (!(v <= y)) continue;
        const t = v / h;
        const j = Math.floor(t);
        if (j >= GRID_POINTS) {
          atoms[GRID_POINTS] = atoms[GRID_POINTS]! + 1 / ATOMS;
          continue;
        }
        const f = t - j;
        atoms[j] = atoms[j]! + (1 - f) / ATOMS;
        atoms[j + 1] = atoms[j + 1]! + f / ATOMS;
      }
      acc = convolve(acc, power(atoms, count));
    }
    this.grids.set(y, acc);
    return { masses: acc, step: h };
  }

  /** Σ over grid points with shift + j·step <= x of masses and of values × masses. */
  private below(x: number): { mass: number; partial: number } {
    const y = x - this.shift;
    if (y < 0) return { mass: 0, partial: 0 };
    if (this.random.length === 0) return { mass: 1, partial: this.shift };
    if (y === 0) return { mass: 0, partial: 0 };
    const { masses, step } = this.grid(y);
    let mass = 0;
    let partial = 0;
    for (let j = 0; j < masses.length && j * step <= y; j++) {
      mass += masses[j]!;
      partial += (this.shift + j * step) * masses[j]!;
    }
    return { mass: Math.min(1, mass), partial };
  }

  cdf(x: number): number {
    return this.below(x).mass;
  }

  tailMean(x: number): number {
    if (!Number.isFinite(this.mean)) return this.mean;
    return Math.max(0, this.mean - this.below(x).partial);
  }

  truncatedMean(x: number): number {
    if (x <= 0) return 0;
    const { mass, partial } = this.below(x);
    return partial + x * (1 - mass);
  }
}

function totalMass(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

/** Truncated convolution: masses at i + j > M fall off the grid (the sum exceeds L). */
function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  // Only the support of each operand: sums of many terms occupy a narrow band of the grid.
  let topA = n - 1;
  while (topA > 0 && a[topA] === 0) topA--;
  let topB = n - 1;
  while (topB > 0 && b[topB] === 0) topB--;
  let lowB = 0;
  while (lowB < topB && b[lowB] === 0) lowB++;
  for (let i = 0; i <= topA; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    const limit = Math.min(topB, n - 1 - i);
    for (let j = lowB; j <= limit; j++) out[i + j] = out[i + j]! + ai * b[j]!;
  }
  return out;
}

/** `count`-fold truncated convolution power by binary powering; stops once the mass has left the grid. */
function power(base: Float64Array, count: number): Float64Array {
  let result: Float64Array = new Float64Array(base.length);
  result[0] = 1;
  let b = base;
  let k = count;
  while (k > 0) {
    if (k & 1) {
      result = convolve(result, b);
      if (totalMass(result) < NEGLIGIBLE_MASS) return new Float64Array(base.length);
    }
    k = Math.floor(k / 2);
    if (k > 0) {
      b = convolve(b, b);
      if (totalMass(b) < NEGLIGIBLE_MASS) return new Float64Array(base.length);
    }
  }
  return result;
}

/** P(N <= k) for N ~ Poisson(lambda). */
function poissonCdf(k: number, lambda: number): number {
  if (lambda <= 0) return 1;
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** Shortest HTTP/2 connection lifetime counted (src/sim/budget.ts uses the same floor). */
const MIN_LIFETIME_SECONDS = 1e-3;

/** Midpoints of the quantile integrals (∫ g(q(p)) dp). */
const QUANTILE_STEPS = 2000;

/**
 * P(D <= seconds and N <= requests) where, given D, the connection carries N ~ Poisson(rate · D) requests
 * (HTTP/2 streams, WebSocket messages): ∫_0^{F(seconds)} P(Poisson(rate · q(p)) <= requests) dp.
 */
function poissonShortShare(d: ScaledDuration, rate: number, requests: number, seconds: number): number {
  const top = d.cdf(seconds);
  if (top <= 0) return 0;
  if (rate === 0) return top;
  const step = top / QUANTILE_STEPS;
  let sum = 0;
  for (let i = 0; i < QUANTILE_STEPS; i++) sum += poissonCdf(requests, rate * d.quantile((i + 0.5) * step));
  return sum * step;
}

// ---------------------------------------------------------------------------------------------------
// Mixtures

/** CV of a mixture from its components' weights, means and variances; Infinity if any diverges. */
function mixtureCV(weights: readonly number[], means: readonly number[], variances: readonly number[]): number {
  let w = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < weights.length; i++) {
    const wi = weights[i]!;
    if (wi <= 0) continue;
    const mean = means[i]!;
    const variance = variances[i]!;
    if (!Number.isFinite(mean) || !Number.isFinite(variance)) return Number.POSITIVE_INFINITY;
    w += wi;
    m1 += wi * mean;
    m2 += wi * (variance + mean * mean);
  }
  if (w === 0) return 0;
  m1 /= w;
  m2 /= w;
  return m1 > 0 ? Math.sqrt(Math.max(0, m2 - m1 * m1)) / m1 : 0;
}

function weightedMean(weights: readonly number[], values: readonly number[]): number {
  let w = 0;
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    const wi = weights[i]!;
    if (wi <= 0) continue;
    w += wi;
    s += wi * values[i]!;
  }
  return w === 0 ? 0 : s / w;
}

// ---------------------------------------------------------------------------------------------------
// Client groups

/** The default group when `traffic.clients` is absent (as the simulator's resolveClientGroups). */
const DEFAULT_GROUP: ClientGroup = {
  name: 'pods',
  kind: 'pod',
  via: 'loadBalancer',
  fromEndpoints: false,
  sourceIPs: 100,
};

/**
 * Deciding nodes of a group and their shares, as the simulator picks them (src/sim/run.ts `connect`): a
 * uniformly random source; a pod source decides on its own node (sources spread round-robin over the
 * group's nodes, or the target's endpoint pods with fromEndpoints); an external connection on an entry
 * node chosen by `weights`, else evenly.
 */
function groupNodes(
  g: ClientGroup,
  gi: number,
  cluster: Cluster,
  nodeNames: ReadonlySet<string>,
  endpoints: readonly ServicePortEndpoint[],
  issues: ScenarioIssue[],
): NodeShare[] {
  const all = cluster.nodes.map((n) => n.name);
  const listed: string[] = [];
  (g.nodes ?? all).forEach((name, ni) => {
    if (nodeNames.has(name)) listed.push(name);
    else
      issues.push({
        path: `traffic.clients[${gi}].nodes[${ni}]`,
        message: `no node "${name}" in the snapshot; nodes are ${listNames(all)}`,
      });
  });
  if (listed.length === 0 && g.nodes === undefined)
    issues.push({
      path: `traffic.clients[${gi}]`,
      message: 'the snapshot has no nodes for this client group to run on',
    });
  const shares = new Map<string, number>();
  const add = (node: string, share: number): void => {
    shares.set(node, (shares.get(node) ?? 0) + share);
  };
  if (g.kind === 'external') {
    const weights = g.weights;
    let total = 0;
    if (weights !== undefined) for (const w of weights) total += w;
    listed.forEach((node, i) => {
      add(node, weights === undefined ? 1 / listed.length : (weights[i] ?? 0) / total);
    });
  } else if (g.fromEndpoints) {
    const allowed = new Set(listed);
    const own = endpoints.filter((e) => e.nodeName !== null && allowed.has(e.nodeName));
    if (own.length === 0)
      issues.push({
        path: `traffic.clients[${gi}].fromEndpoints`,
        message: 'no endpoint of the target Service runs on the group’s nodes',
      });
    for (const e of own) add(e.nodeName as string, 1 / own.length);
  } else if (listed.length > 0) {
    const n = listed.length;
    const base = Math.floor(g.sourceIPs / n);
    const extra = g.sourceIPs % n;
    listed.forEach((node, i) => {
      add(node, (base + (i < extra ? 1 : 0)) / g.sourceIPs);
    });
  }
  const out: NodeShare[] = [];
  for (const [node, share] of shares) if (share > 0) out.push({ node, share });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Snapshot facts

function parseVersion(text: string | null): ClusterVersion | null {
  if (text === null) return null;
  const m = /^v?(\d+)\.(\d+)/.exec(text);
  if (m === null) return null;
  return { text, major: Number(m[1]), minor: Number(m[2]) };
}

function compareVersions(a: ClusterVersion, b: ClusterVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

function snapshotFacts(cluster: Cluster): SnapshotFacts {
  const zones = new Set<string>();
  let lowest: ClusterVersion | null = null;
  let highest: ClusterVersion | null = null;
  let nodesWithVersion = 0;
  for (const node of cluster.nodes) {
    if (node.zone !== null) zones.add(node.zone);
    const v = parseVersion(node.kubeProxyVersion ?? node.kubeletVersion);
    if (v === null) continue;
    nodesWithVersion++;
    if (lowest === null || compareVersions(v, lowest) < 0) lowest = v;
    if (highest === null || compareVersions(v, highest) > 0) highest = v;
  }
  let servicePorts = 0;
  for (const s of cluster.services) {
    // ShouldSkipService (pkg/proxy/util): kube-proxy programs nothing for ExternalName or headless Services.
    if (s.type !== 'ExternalName' && s.clusterIPs.length > 0) servicePorts += s.ports.length;
  }
  let endpoints = 0;
  for (const slice of cluster.endpointSlices) if (slice.addressType !== 'FQDN') endpoints += slice.endpoints.length;
  return {
    nodes: cluster.nodes.length,
    zones: [...zones].sort(),
    services: cluster.services.length,
    servicePorts,
    endpoints,
    versions: { lowest, highest, nodesWithVersion },
  };
}

function targetFacts(
  scenario: Scenario,
  cluster: Cluster,
  service: Service,
  port: ServicePort,
  issues: ScenarioIssue[],
): TargetFacts {
  const endpoints = endpointsForServicePort(cluster, service, port);
  let usableEndpoints = 0;
  for (const e of endpoints)
    if (e.conditions.ready || (e.conditions.serving && e.conditions.terminating)) usableEndpoints++;
  // kube-proxy's IPVS weights (pkg/proxy/ipvs/proxier.go syncEndpoint): 1, 0 for terminating real servers.
  const weights = endpoints.map((e): number => (e.conditions.ready ? 1 : 0));
  scenario.backends.overrides.forEach((o, i) => {
    let matched = false;
    endpoints.forEach((e, k) => {
      if (e.address !== o.endpoint && e.podName !== o.endpoint) return;
      matched = true;
      if (o.weight !== undefined) weights[k] = o.weight;
    });
    if (!matched)
      issues.push({
        path: `backends.overrides[${i}].endpoint`,
        message: `no endpoint "${o.endpoint}" behind ${service.namespace}/${service.name}; endpoints are ${listNames(
          endpoints.map((e) => e.podName ?? e.address),
        )}`,
      });
  });
  const readyWeights = new Set<number>();
  endpoints.forEach((e, k) => {
    if (e.conditions.ready) readyWeights.add(weights[k]!);
  });
  return { service, port, endpoints, usableEndpoints, weights, weightsDiffer: readyWeights.size > 1 };
}

// ---------------------------------------------------------------------------------------------------
// The profile

interface WorkloadModel {
  profile: WorkloadProfile;
  group: number;
}

function idleProfile(d: ScaledDuration, messageRate: number, timeout: number): IdleProfile {
  const gap = Math.exp(-messageRate * timeout);
  const longer = 1 - d.cdf(timeout);
  // E[(1 + m(D − T)) e^{−mT} 1{D > T}] = e^{−mT} ((1 − mT) P(D > T) + m E[D 1{D > T}]).
  const expiries =
    longer <= 0
      ? 0
      : messageRate === 0
        ? longer
        : gap * ((1 - messageRate * timeout) * longer + messageRate * d.tailMean(timeout));
  return {
    timeoutSeconds: timeout,
    messageRate,
    gapOverTimeout: gap,
    sessionsLongerThanTimeout: longer,
    expiriesPerSession: Number.isNaN(expiries) ? Number.POSITIVE_INFINITY : expiries,
  };
}

function longFractionOf(d: DurationModel, longSeconds: number): number {
  if (!Number.isFinite(d.mean)) return 1;
  if (d.mean <= 0) return 0;
  return Math.min(1, d.tailMean(longSeconds) / d.mean);
}

function workloadModel(
  w: Workload,
  index: number,
  scenario: Scenario,
  groupIndex: ReadonlyMap<string, number>,
  groupNames: readonly string[],
  options: ProfileOptions,
  issues: ScenarioIssue[],
): WorkloadModel {
  let group = 0;
  if (w.client !== undefined) {
    const g = groupIndex.get(w.client);
    if (g === undefined)
      issues.push({
        path: `traffic.workloads[${index}].client`,
        message: `no client group "${w.client}"; groups are ${listNames(groupNames)}`,
      });
    else group = g;
  }
  const run = scenario.traffic.duration;
  const speed = scenario.backends.speed;
  const service = new ScaledDuration(w.serviceTime, 0, 1 / speed);
  let duration: DurationModel;
  let connectionsPerSecond: number;
  let requestsPerSecond: number;
  let connectionSeconds: number;
  let openAtEnd: number;
  let shortFraction: number;
  let idle: IdleProfile | null = null;
  switch (w.class) {
    case 'short': {
      const k = w.requestsPerConnection;
      const request = new ScaledDuration(w.serviceTime, scenario.calibration.rtt.crossNode, 1 / speed);
      const terms = [{ term: request, count: k }];
      if (w.thinkTime !== undefined && k > 1) terms.push({ term: new ScaledDuration(w.thinkTime), count: k - 1 });
      duration = k === 1 ? request : new SumDuration(terms);
      connectionsPerSecond = w.rate / k;
      requestsPerSecond = w.rate;
      connectionSeconds = connectionsPerSecond * duration.mean;
      openAtEnd = connectionsPerSecond * duration.truncatedMean(run);
      shortFraction = k <= options.shortRequests ? duration.cdf(options.shortSeconds) : 0;
      break;
    }
    case 'http2': {
      const lifetime = new ScaledDuration(w.lifetime ?? { dist: 'constant', value: run });
      duration = lifetime;
      // Each of the `connections` slots reconnects when its connection ends: over the run a slot opens
      // run / E[min(lifetime, run)] connections (renewal reward). Lifetimes are floored at 1 ms as in the
      // simulator's event budget (src/sim/budget.ts), so a zero lifetime does not make the rate infinite.
      connectionsPerSecond = w.connections / Math.max(lifetime.truncatedMean(run), MIN_LIFETIME_SECONDS);
      requestsPerSecond = w.streamRate;
      connectionSeconds = w.connections;
      openAtEnd = w.connections;
      shortFraction = poissonShortShare(
        lifetime,
        w.streamRate / w.connections,
        options.shortRequests,
        options.shortSeconds,
      );
      break;
    }
    case 'websocket': {
      const session = new ScaledDuration(w.duration);
      duration = session;
      connectionsPerSecond = w.rate;
      openAtEnd = w.rate * session.truncatedMean(run);
      // Steady state (rate · E[D] sessions open); a diverging mean counts what the run can hold.
      requestsPerSecond =
        w.rate * w.messageRate * (Number.isFinite(session.mean) ? session.mean : session.truncatedMean(run));
      connectionSeconds = w.rate * session.mean;
      shortFraction = poissonShortShare(session, w.messageRate, options.shortRequests, options.shortSeconds);
      idle = idleProfile(session, w.messageRate, scenario.proxy.ipvs.tcpTimeout);
      break;
    }
  }
  const cv =
    !Number.isFinite(duration.variance) || !Number.isFinite(duration.mean)
      ? Number.POSITIVE_INFINITY
      : duration.mean > 0
        ? Math.sqrt(duration.variance) / duration.mean
        : 0;
  return {
    group,
    profile: {
      name: w.name ?? `${w.class}-${index}`,
      class: w.class,
      client: groupNames[group] ?? '',
      connectionsPerSecond,
      requestsPerSecond,
      meanDuration: duration.mean,
      durationVariance: duration.variance,
      durationCV: cv,
      connectionSeconds,
      longFraction: longFractionOf(duration, options.longSeconds),
      shortFraction,
      openAtEnd,
      serviceTime: { mean: service.mean, cv: service.dist.cv },
      idle,
    },
  };
}

/** Connection-seconds share of long connections over workloads; a diverging workload makes it 1. */
function longSecondsShare(workloads: readonly WorkloadProfile[], include: (w: WorkloadProfile) => boolean): number {
  let total = 0;
  let long = 0;
  let infiniteLong = false;
  let infiniteAny = false;
  for (const w of workloads) {
    if (!Number.isFinite(w.connectionSeconds)) {
      infiniteAny = true;
      if (include(w)) infiniteLong = true;
      continue;
    }
    total += w.connectionSeconds;
    if (include(w)) long += w.connectionSeconds * w.longFraction;
  }
  if (infiniteAny) return infiniteLong ? 1 : 0;
  return total > 0 ? long / total : 0;
}

/**
 * The analytic traffic profile of `scenario` against `target` on `cluster` (the ingested snapshot).
 * Throws ScenarioError (422) for the inconsistencies the simulator would also reject: unknown client
 * nodes or groups, a fromEndpoints group without endpoints on its nodes, an override naming no endpoint.
 */
export function trafficProfile(
  scenario: Scenario,
  cluster: Cluster,
  target: { service: Service; port: ServicePort },
  options: ProfileOptions = DEFAULT_PROFILE_OPTIONS,
): TrafficProfile {
  const issues: ScenarioIssue[] = [];
  const facts = targetFacts(scenario, cluster, target.service, target.port, issues);
  const groups = scenario.traffic.clients ?? [DEFAULT_GROUP];
  const nodeNames = new Set(cluster.nodes.map((n: Node) => n.name));
  const seen = new Set<string>();
  const groupIndex = new Map<string, number>();
  const groupShares = groups.map((g, gi) => {
    if (seen.has(g.name))
      issues.push({ path: `traffic.clients[${gi}].name`, message: `duplicate client group "${g.name}"` });
    else groupIndex.set(g.name, gi);
    seen.add(g.name);
    return groupNodes(g, gi, cluster, nodeNames, facts.endpoints, issues);
  });
  const groupNames = groups.map((g) => g.name);
  const models = scenario.traffic.workloads.map((w, i) =>
    workloadModel(w, i, scenario, groupIndex, groupNames, options, issues),
  );
  if (issues.length > 0) throw new ScenarioError(issues);

  const workloads = models.map((m) => m.profile);
  const clients: ClientProfile[] = groups.map((g, gi) => {
    let connectionsPerSecond = 0;
    let requestsPerSecond = 0;
    for (const m of models) {
      if (m.group !== gi) continue;
      connectionsPerSecond += m.profile.connectionsPerSecond;
      requestsPerSecond += m.profile.requestsPerSecond;
    }
    return {
      name: g.name,
      kind: g.kind,
      via: g.kind === 'external' ? g.via : null,
      fromEndpoints: g.fromEndpoints,
      sourceIPs: g.sourceIPs,
      nodes: groupShares[gi] ?? [],
      connectionsPerSecond,
      requestsPerSecond,
    };
  });

  let connectionsPerSecond = 0;
  let requestsPerSecond = 0;
  let external = 0;
  const byNode = new Map<string, number>();
  for (const c of clients) {
    connectionsPerSecond += c.connectionsPerSecond;
    requestsPerSecond += c.requestsPerSecond;
    if (c.kind === 'external') external += c.connectionsPerSecond;
    for (const n of c.nodes) byNode.set(n.node, (byNode.get(n.node) ?? 0) + c.connectionsPerSecond * n.share);
  }
  const decidingNodes: NodeShare[] = [];
  for (const [node, rate] of byNode) if (rate > 0) decidingNodes.push({ node, share: rate / connectionsPerSecond });
  decidingNodes.sort((a, b) => b.share - a.share || (a.node < b.node ? -1 : 1));

  const connRates = workloads.map((w) => w.connectionsPerSecond);
  const reqRates = workloads.map((w) => w.requestsPerSecond);
  let http2 = 0;
  for (const w of workloads) if (w.class === 'http2') http2 += w.requestsPerSecond;
  const serviceMeans = workloads.map((w) => w.serviceTime.mean);
  const serviceVariances = workloads.map((w) => (w.serviceTime.cv * w.serviceTime.mean) ** 2);

  return {
    options: { ...options },
    runSeconds: scenario.traffic.duration,
    workloads,
    clients,
    decidingNodes,
    connectionsPerSecond,
    requestsPerSecond,
    externalConnectionShare: connectionsPerSecond > 0 ? external / connectionsPerSecond : 0,
    shortConnectionShare: weightedMean(
      connRates,
      workloads.map((w) => w.shortFraction),
    ),
    longConnectionSecondsShare: longSecondsShare(workloads, () => true),
    longStreamingSecondsShare: longSecondsShare(workloads, (w) => w.class !== 'short'),
    connectionDurationCV: mixtureCV(
      connRates,
      workloads.map((w) => w.meanDuration),
      workloads.map((w) => w.durationVariance),
    ),
    meanConnectionDuration: weightedMean(
      connRates,
      workloads.map((w) => w.meanDuration),
    ),
    http2RequestShare: requestsPerSecond > 0 ? http2 / requestsPerSecond : 0,
    serviceTimeCV: mixtureCV(reqRates, serviceMeans, serviceVariances),
    serviceTimeMean: weightedMean(reqRates, serviceMeans),
    snapshot: snapshotFacts(cluster),
    target: facts,
  };
}
