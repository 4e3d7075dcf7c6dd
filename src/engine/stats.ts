// Statistics of a run: latency histograms, time-weighted averages, batch-means and replication confidence
// intervals (Student t).

import { grownF64 } from './arrays.js';

/** A mean with the half-width of its confidence interval (Infinity when fewer than two values support it). */
export interface ConfidenceInterval {
  mean: number;
  halfWidth: number;
  /** Number of independent (or batch) values behind the interval. */
  n: number;
}

export interface LatencySummaryMs {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

// HDR layout with 2 significant digits: 256 sub-buckets (the top 128 used above the first bucket), so a bucket
// spans at most 1/128 of its values: <= 0.78 % relative error, inside the model's 1 % bound; values are
// stored in integer nanoseconds (exact below 256 ns). Three digits would cost 8x the memory per histogram for
// precision the model cannot use.
const HALF_MAGNITUDE = 7;
const HALF_COUNT = 1 << HALF_MAGNITUDE;
const NS_PER_SECOND = 1e9;
const TWO_POW_32 = 4294967296;

/**
 * Latency histogram: record seconds, report milliseconds. It is an HDR histogram (Gil Tene's HdrHistogram,
 * 2 significant digits, unit 1 ns, 64-bit counts) kept in its own counts array, laid out exactly like
 * HdrHistogram's (index = countsArrayIndex), with HdrHistogram's percentile rule (`valueAtPercentileNs`,
 * ported from JsHistogram.getValueAtPercentile). Tests check every percentile against hdr-histogram-js
 * fed the same values. Doing it here rather than through the library keeps a run's 30+ histograms to one
 * typed array each: copying them into library histograms cost 6 % of a simulation (its record computes log2
 * and pow per bucket). Count, mean, min and max are kept exactly, not from buckets.
 */
export class LatencyHistogram {
  count = 0;
  /** Sum of recorded values, seconds. */
  sum = 0;
  /** Smallest and largest recorded values, seconds (Infinity / 0 while empty). */
  min = Number.POSITIVE_INFINITY;
  max = 0;
  private counts = new Float64Array(2 * HALF_COUNT);
  private highestIndex = -1;

  /** Record one latency in seconds (finite, >= 0). */
  record(seconds: number): void {
    this.recordInBucket(LatencyHistogram.bucketOf(seconds), seconds);
  }

  /**
   * Index of `seconds` in the counts layout (HDR's countsArrayIndex of its integer nanoseconds), for
   * `recordInBucket`: a value recorded in several histograms (per class and per endpoint) is placed once.
   */
  static bucketOf(seconds: number): number {
    const ns = Math.round(seconds * NS_PER_SECOND);
    if (!(ns >= 0 && ns <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`latency out of range: ${seconds} s`);
    if (ns < 2 * HALF_COUNT) return ns;
    if (ns < TWO_POW_32) {
      const shift = 31 - Math.clz32(ns) - HALF_MAGNITUDE;
      return shift * HALF_COUNT + (ns >>> shift);
    }
    const shift = 63 - Math.clz32(Math.floor(ns / TWO_POW_32)) - HALF_MAGNITUDE;
    return shift * HALF_COUNT + Math.floor(ns / 2 ** shift);
  }

  /** Record `seconds`, whose bucket `bucketOf` gave. */
  recordInBucket(index: number, seconds: number): void {
    if (index >= this.counts.length) this.growCounts(index);
    this.counts[index]!++;
    if (index > this.highestIndex) this.highestIndex = index;
    this.count++;
    this.sum += seconds;
    if (seconds > this.max) this.max = seconds;
    if (seconds < this.min) this.min = seconds;
  }

  /** Exact mean, ms (0 while empty). */
  get meanMs(): number {
    return this.count > 0 ? (this.sum / this.count) * 1e3 : 0;
  }

  /**
   * Value at `percentile` (0..100), ms: HDR's highest value equivalent to it (<= 0.78 % above the exact
   * order statistic), capped at the exact maximum so that no percentile exceeds `max`.
   */
  percentileMs(percentile: number): number {
    return Math.min(this.valueAtPercentileNs(percentile) / 1e6, this.max * 1e3);
  }

  /**
   * HdrHistogram's getValueAtPercentile, in ns: the first bucket whose cumulative count reaches
   * max(ceil(p/100 · count − ulp), 1) (the ulp guards the floating-point product against skipping a count),
   * reported as the bucket's highest equivalent value (its lowest for p = 0); 0 when empty.
   */
  valueAtPercentileNs(percentile: number): number {
    const fp = (Math.min(percentile, 100) / 100) * this.count;
    const target = Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
    const counts = this.counts;
    let total = 0;
    for (let i = 0; i <= this.highestIndex; i++) {
      total += counts[i]!;
      if (total >= target) {
        // Bucket i holds [value, value + 2^shift): shift 0 in the first 256 buckets, then one more per 128.
        const shift = Math.max((i >> HALF_MAGNITUDE) - 1, 0);
        const value = shift === 0 ? i : ((i & (HALF_COUNT - 1)) + HALF_COUNT) * 2 ** shift;
        return percentile === 0 ? value : value + 2 ** shift - 1;
      }
    }
    return 0;
  }

  summaryMs(): LatencySummaryMs {
    return {
      count: this.count,
      mean: this.meanMs,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.max * 1e3,
    };
  }

  /** Add another histogram's values to this one (e.g. per-endpoint into overall, or across replications). */
  add(other: LatencyHistogram): void {
    if (other.highestIndex >= this.counts.length) this.growCounts(other.highestIndex);
    const counts = this.counts;
    const theirs = other.counts;
    for (let i = 0; i <= other.highestIndex; i++) counts[i] = counts[i]! + theirs[i]!;
    if (other.highestIndex > this.highestIndex) this.highestIndex = other.highestIndex;
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    if (other.min < this.min) this.min = other.min;
  }

  private growCounts(index: number): void {
    let length = this.counts.length;
    while (length <= index) length *= 2;
    this.counts = grownF64(this.counts, length);
  }
}

/**
 * Time-weighted average of a piecewise-constant level (active connections, busy workers) over
 * [warmup, now], ignoring everything before `warmup`. With `batchLength` > 0 it also keeps the average of
 * each consecutive window of that length from `warmup` on, for a batch-means confidence interval.
 */
export class TimeWeighted {
  /** Current level. */
  value = 0;
  /** Highest level held for a positive time after the warm-up. */
  max = 0;
  // Fields start with values of their final types, not undefined, so that V8 keeps them specialised.
  private readonly warmup: number = 0;
  private readonly batchLength: number = 0;
  private last = 0;
  private area = 0;
  private batchArea = 0;
  private batchIndex = 0;
  private batchMeans: Float64Array = new Float64Array(0);

  constructor(warmup = 0, batchLength = 0) {
    if (!(warmup >= 0 && batchLength >= 0)) throw new RangeError('warm-up and batch length must be >= 0');
    this.warmup = warmup;
    this.batchLength = batchLength;
    this.last = warmup;
    this.batchMeans = new Float64Array(batchLength > 0 ? 32 : 0);
  }

  /** Set the level at time `now` (times must not decrease). */
  set(now: number, value: number): void {
    this.advance(now);
    this.value = value;
  }

  /** Change the level by `delta` at time `now`. */
  add(now: number, delta: number): void {
    this.advance(now);
    this.value += delta;
  }

  /** Time-weighted mean over [warmup, now] (0 for an empty window). */
  mean(now: number): number {
    this.advance(now);
    const span = now - this.warmup;
    return span > 0 ? this.area / span : 0;
  }

  /** Batch-means interval of the time average from the complete batches up to `now`. */
  batchCI(now: number, level = 0.95): ConfidenceInterval {
    this.advance(now);
    return intervalOf(this.batchMeans.subarray(0, this.batchIndex), level, this.mean(now));
  }

  private advance(now: number): void {
    let from = this.last;
    if (!(now > from)) return;
    this.last = now;
    const value = this.value;
    this.area += value * (now - from);
    if (value > this.max) this.max = value;
    const length = this.batchLength;
    if (length === 0) return;
    // Split [from, now) at batch boundaries; a boundary is recomputed from the origin, not accumulated.
    for (;;) {
      const boundary = this.warmup + (this.batchIndex + 1) * length;
      if (now < boundary) {
        this.batchArea += value * (now - from);
        return;
      }
      this.batchArea += value * (boundary - from);
      if (this.batchIndex === this.batchMeans.length) {
        const grown = new Float64Array(2 * this.batchIndex);
        grown.set(this.batchMeans);
        this.batchMeans = grown;
      }
      this.batchMeans[this.batchIndex++] = this.batchArea / length;
      this.batchArea = 0;
      from = boundary;
    }
  }
}

/**
 * Batch means for a run's per-observation headline figures (latency, wait). Observations are summed into
 * equal-size batches; when 2k batches are full, neighbours merge pairwise and the batch size doubles, so
 * the interval always rests on k..2k batches whatever the run length (Schmeiser's advice: 10..30 batches).
 * Feed it post-warm-up observations only.
 */
export class BatchMeans {
  count = 0;
  sum = 0;
  private readonly sums: Float64Array;
  private full = 0;
  private batchSize = 1;
  private current = 0;
  private inCurrent = 0;

  constructor(batches = 20) {
    if (!(Number.isInteger(batches) && batches >= 2)) throw new RangeError('need at least 2 batches');
    this.sums = new Float64Array(2 * batches);
  }

  add(x: number): void {
    this.count++;
    this.sum += x;
    this.current += x;
    if (++this.inCurrent < this.batchSize) return;
    const sums = this.sums;
    sums[this.full++] = this.current;
    this.current = 0;
    this.inCurrent = 0;
    if (this.full === sums.length) {
      const half = sums.length >> 1;
      for (let i = 0; i < half; i++) sums[i] = sums[2 * i]! + sums[2 * i + 1]!;
      this.full = half;
      this.batchSize *= 2;
    }
  }

  /** Mean of all observations, with the batch-means half-width at `level` (from the complete batches). */
  ci(level = 0.95): ConfidenceInterval {
    const means = new Float64Array(this.full);
    for (let i = 0; i < this.full; i++) means[i] = this.sums[i]! / this.batchSize;
    return intervalOf(means, level, this.count > 0 ? this.sum / this.count : 0);
  }
}

/** Mean and Student-t half-width at `level` of n independent values (replications of a headline figure). */
export function replicationCI(values: ArrayLike<number>, level = 0.95): ConfidenceInterval {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return intervalOf(values, level, values.length > 0 ? sum / values.length : 0);
}

/** Interval centred on `center` with the half-width t(level, n-1) * s / sqrt(n) of the values. */
function intervalOf(values: ArrayLike<number>, level: number, center: number): ConfidenceInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const n = values.length;
  if (n < 2) return { mean: center, halfWidth: Number.POSITIVE_INFINITY, n };
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - m) * (values[i]! - m);
  const halfWidth = studentTQuantile(0.5 + level / 2, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean: center, halfWidth, n };
}

/** Student t CDF with `df` degrees of freedom: 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2), for t >= 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Student t quantile: the t with studentTCdf(t, df) = p, to ~1e-12 relative (safeguarded Newton on the exact
 * CDF, so no table and no asymptotic expansion).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  // Closed forms for 1 and 2 degrees of freedom (the slowest for Newton: the heaviest tails).
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // Bracket [lo, hi] around the root, then Newton steps that fall back to bisection when they leave it.
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
  }
  const logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - p;
    if (f > 0) hi = t;
    else lo = t;
    const density = Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
    let next = t - f / density;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-13 * Math.abs(next)) return next;
    t = next;
  }
  return t;
}

/** I_x(a, b) by the continued fraction of Numerical Recipes (betacf), with the symmetry for fast convergence. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

// Lanczos approximation (g = 7, n = 9), relative error ~1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
