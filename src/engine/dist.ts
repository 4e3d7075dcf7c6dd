// Probability distributions of durations (seconds), one monomorphic class.
//
// Every sampler is an inverse-transform of exactly one uniform draw (none for `constant`), so a stream's
// draws stay aligned between two runs whatever values they produce: the basis of common random numbers.
// `mean`, `variance`, `cv` and `quantile` are exact closed forms.

import type { Rng } from './rng.js';

export type DistSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; median: number; p99: number }
  | { dist: 'lognormal'; mu: number; sigma: number }
  | { dist: 'pareto'; alpha: number; xm: number }
  | { dist: 'pareto'; alpha: number; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'empirical'; values: number[] }
  | { dist: 'empirical'; buckets: { le: number; weight: number }[] };

export type DistKind = DistSpec['dist'];

const CONSTANT = 0;
const EXPONENTIAL = 1;
const LOGNORMAL = 2;
const PARETO = 3;
const UNIFORM = 4;
const EMPIRICAL_VALUES = 5;
const EMPIRICAL_BUCKETS = 6;

/** Standard normal 0.99 quantile: lognormal sigma from (median, p99). */
const Z99 = 2.3263478740408408;

const EMPTY = new Float64Array(0);

export class Dist {
  readonly kind: DistKind;
  /** Exact mean; Infinity where it diverges (pareto alpha <= 1). */
  readonly mean: number;
  /** Exact variance; Infinity where it diverges (pareto alpha <= 2). */
  readonly variance: number;
  /** Coefficient of variation sqrt(variance) / mean; Infinity where the variance diverges, 0 for a constant 0. */
  readonly cv: number;
  // The sampler's fields get initial values of their final types so that V8 gives them a number (not a
  // generic) representation: a field declared without a value is first defined as undefined.
  private readonly code: number = CONSTANT;
  // Parameters, meaning by kind: constant (value), exponential (mean), lognormal (mu, sigma), pareto (xm,
  // 1/alpha), uniform (min, max - min).
  private readonly p0: number = 0;
  private readonly p1: number = 0;
  // Empirical values: sorted values. Buckets: upper bounds, with cumulative weights in `cum`.
  private readonly table: Float64Array = EMPTY;
  private readonly cum: Float64Array = EMPTY;

  constructor(spec: DistSpec) {
    let code: number;
    let p0 = 0;
    let p1 = 0;
    let table: Float64Array = EMPTY;
    let cum: Float64Array = EMPTY;
    let mean: number;
    let variance: number;
    switch (spec.dist) {
      case 'constant':
        code = CONSTANT;
        p0 = nonNegative('value', spec.value);
        mean = p0;
        variance = 0;
        break;
      case 'exponential':
        code = EXPONENTIAL;
        p0 = positive('mean', spec.mean);
        mean = p0;
        variance = p0 * p0;
        break;
      case 'lognormal': {
        code = LOGNORMAL;
        if ('median' in spec) {
          const median = positive('median', spec.median);
          const p99 = positive('p99', spec.p99);
          if (!(p99 > median)) throw new RangeError(`lognormal p99 (${p99}) must exceed the median (${median})`);
          p0 = Math.log(median);
          p1 = (Math.log(p99) - p0) / Z99;
        } else {
          p0 = finite('mu', spec.mu);
          p1 = positive('sigma', spec.sigma);
        }
        const s2 = p1 * p1;
        mean = Math.exp(p0 + s2 / 2);
        variance = Math.expm1(s2) * Math.exp(2 * p0 + s2);
        break;
      }
      case 'pareto': {
        code = PARETO;
        const alpha = positive('alpha', spec.alpha);
        if ('xm' in spec) p0 = positive('xm', spec.xm);
        else {
          if (!(alpha > 1)) throw new RangeError(`pareto with a mean needs alpha > 1, got ${alpha}`);
          p0 = (positive('mean', spec.mean) * (alpha - 1)) / alpha;
        }
        p1 = 1 / alpha;
        mean = alpha > 1 ? (alpha * p0) / (alpha - 1) : Number.POSITIVE_INFINITY;
        variance = alpha > 2 ? (p0 * p0 * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : Number.POSITIVE_INFINITY;
        break;
      }
      case 'uniform': {
        code = UNIFORM;
        p0 = nonNegative('min', spec.min);
        const max = finite('max', spec.max);
        if (!(max >= p0)) throw new RangeError(`uniform max (${max}) must be >= min (${p0})`);
        p1 = max - p0;
        mean = p0 + p1 / 2;
        variance = (p1 * p1) / 12;
        break;
      }
      case 'empirical':
        if ('values' in spec) {
          code = EMPIRICAL_VALUES;
          if (spec.values.length === 0) throw new RangeError('empirical values must not be empty');
          table = Float64Array.from(spec.values, (v) => nonNegative('empirical value', v)).sort();
          let sum = 0;
          for (const v of table) sum += v;
          mean = sum / table.length;
          let ss = 0;
          for (const v of table) ss += (v - mean) * (v - mean);
          variance = ss / table.length;
        } else {
          code = EMPIRICAL_BUCKETS;
          ({ table, cum, mean, variance } = bucketTables(spec.buckets));
        }
        break;
    }
    this.kind = spec.dist;
    this.mean = mean;
    this.variance = variance;
    this.cv = variance === Number.POSITIVE_INFINITY ? variance : mean > 0 ? Math.sqrt(variance) / mean : 0;
    this.code = code;
    this.p0 = p0;
    this.p1 = p1;
    this.table = table;
    this.cum = cum;
  }

  /**
   * One draw (seconds), allocation-free: one generator step (none for `constant`). Exponential, the common
   * case, is tested first, and the method is kept tiny so that inlining it costs a caller little of V8's
   * inlining budget.
   */
  sample(rng: Rng): number {
    return this.code === EXPONENTIAL ? this.p0 * rng.exp() : this.transform(rng);
  }

  /** Inverse-transform sampling for the other kinds. */
  private transform(rng: Rng): number {
    switch (this.code) {
      case CONSTANT:
        return this.p0;
      case LOGNORMAL:
        return Math.exp(this.p0 + this.p1 * normalQuantile(rng.next()));
      case PARETO:
        // xm * U^(-1/alpha) = xm * exp(E / alpha) with E = -ln U standard exponential.
        return this.p0 * Math.exp(this.p1 * rng.exp());
      case UNIFORM:
        return this.p0 + this.p1 * rng.next();
      case EMPIRICAL_VALUES:
        return this.table[Math.floor(rng.next() * this.table.length)]!;
      default:
        return this.bucketValue(rng.next());
    }
  }

  /** Inverse CDF at probability p in [0, 1] (for `empirical` values: the smallest value with CDF >= p). */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
    switch (this.code) {
      case CONSTANT:
        return this.p0;
      case EXPONENTIAL:
        return -this.p0 * Math.log1p(-p);
      case LOGNORMAL:
        return Math.exp(this.p0 + this.p1 * normalQuantile(p));
      case PARETO:
        return this.p0 * (1 - p) ** -this.p1;
      case UNIFORM:
        return this.p0 + this.p1 * p;
      case EMPIRICAL_VALUES: {
        const n = this.table.length;
        return this.table[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
      }
      default:
        return this.bucketValue(p);
    }
  }

  /** Piecewise-linear inverse CDF of the bucket histogram (uniform within a bucket): inf{x : F(x) >= p}. */
  private bucketValue(p: number): number {
    const cum = this.cum;
    const bounds = this.table;
    const target = p * cum[cum.length - 1]!;
    // First bucket whose cumulative weight reaches the target.
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    // Only p = 0 can land on leading zero-weight buckets: move to the first with weight.
    while (cum[lo]! === (lo > 0 ? cum[lo - 1]! : 0)) lo++;
    const below = lo > 0 ? cum[lo - 1]! : 0;
    const lower = lo > 0 ? bounds[lo - 1]! : 0;
    return lower + ((bounds[lo]! - lower) * (target - below)) / (cum[lo]! - below);
  }
}

/**
 * Buckets `{le, weight}` as in a Prometheus histogram, but with per-bucket (not cumulative) weights:
 * bucket i holds the values in (le[i-1], le[i]], the first one starts at 0, spread uniformly inside.
 */
function bucketTables(buckets: { le: number; weight: number }[]): {
  table: Float64Array;
  cum: Float64Array;
  mean: number;
  variance: number;
} {
  if (buckets.length === 0) throw new RangeError('empirical buckets must not be empty');
  const table = new Float64Array(buckets.length);
  const cum = new Float64Array(buckets.length);
  let total = 0;
  let m1 = 0;
  let m2 = 0;
  let lower = 0;
  buckets.forEach((b, i) => {
    const le = positive('bucket le', b.le);
    if (!(le > lower)) throw new RangeError(`bucket upper bounds must increase, got ${le} after ${lower}`);
    const w = nonNegative('bucket weight', b.weight);
    total += w;
    table[i] = le;
    cum[i] = total;
    // Moments of Uniform(lower, le): mean (l+u)/2, E[X^2] = (l^2 + l*u + u^2) / 3.
    m1 += (w * (lower + le)) / 2;
    m2 += (w * (lower * lower + lower * le + le * le)) / 3;
    lower = le;
  });
  if (!(total > 0)) throw new RangeError('empirical bucket weights must not all be 0');
  const mean = m1 / total;
  return { table, cum, mean, variance: Math.max(0, m2 / total - mean * mean) };
}

function finite(name: string, v: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  return v;
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a finite number > 0, got ${v}`);
  return v;
}

// Coefficients of AS 241 (PPND16), highest degree first for Horner's rule.
const AS241_A = Float64Array.from([
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513,
  133.14166789178438, 3.3871328727963665,
]);
const AS241_B = Float64Array.from([
  5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579,
  42.31333070160091, 1,
]);
const AS241_C = Float64Array.from([
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045,
  5.769497221460691, 4.630337846156546, 1.4234371107496835,
]);
const AS241_D = Float64Array.from([
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851,
  1.6763848301838038, 2.053191626637759, 1,
]);
const AS241_E = Float64Array.from([
  2.0103343992922881e-7, 2.7115555687434876e-5, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487,
  1.7848265399172913, 5.463784911164114, 6.657904643501103,
]);
const AS241_F = Float64Array.from([
  2.0442631033899397e-15, 1.421511758316446e-7, 1.8463183175100548e-5, 0.0007868691311456133, 0.014875361290850615,
  0.1369298809227358, 0.599832206555888, 1,
]);

/** Degree-7 polynomial by Horner's rule, unrolled (the loop form cost a tenth of a lognormal draw). */
function horner(c: Float64Array, x: number): number {
  return ((((((c[0]! * x + c[1]!) * x + c[2]!) * x + c[3]!) * x + c[4]!) * x + c[5]!) * x + c[6]!) * x + c[7]!;
}

/**
 * Standard normal quantile Phi^-1(p): Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988),
 * relative accuracy about 1e-16. Returns -Infinity / Infinity at p = 0 / 1.
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  const tail = q < 0 ? p : 1 - p;
  if (tail <= 0) return q < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const r = Math.sqrt(-Math.log(tail));
  const x =
    r <= 5 ? horner(AS241_C, r - 1.6) / horner(AS241_D, r - 1.6) : horner(AS241_E, r - 5) / horner(AS241_F, r - 5);
  return q < 0 ? -x : x;
}
