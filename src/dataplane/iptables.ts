// The iptables KUBE-SVC / KUBE-SVL chain as the kernel executes it (pkg/proxy/iptables/proxier.go
// writeServiceToEndpointRules): with ClientIP affinity, one `-m recent --rcheck --seconds T --reap` rule per
// endpoint first; then for endpoint i of n a `-m statistic --mode random --probability <1/(n-i)>` rule,
// the last one unconditional. Each statistic rule draws its own random number in the kernel
// (net/netfilter/xt_statistic.c), so a pick is simulated rule by rule, falling through, with one draw
// per statistic rule evaluated: not a shortcut that only agrees on average.

import type { IptablesRecentLists } from './affinity.js';
import type { RandomU32 } from './random.js';

const TWO_POW_31 = 0x80000000;

/** Number → { mantissa, exponent } with value = mantissa × 2^exponent exactly (finite, non-negative x). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * Go's `strconv.FormatFloat(x, 'f', prec, 64)`, i.e. `fmt.Sprintf("%0.<prec>f", x)`: the exact binary value
 * rounded to `prec` decimals, ties to even (strconv's bigFtoa + decimal.Round: 'f' never takes the Ryū
 * fast path, and the exact expansion of a float64 fits its decimal buffer, so the tie rule applies to the
 * true value). JavaScript's toFixed rounds ties up instead: 2^-11 = 0.00048828125 prints as
 * "0.0004882812" in Go but "0.0004882813" in JS.
 */
export function formatGoFixed(x: number, prec: number): string {
  if (!Number.isInteger(prec) || prec < 0) throw new RangeError(`precision must be a non-negative integer: ${prec}`);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(prec);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twiceRem = (num % den) * 2n;
    if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(prec + 1, '0');
  const intPart = digits.slice(0, digits.length - prec);
  const fracPart = digits.slice(digits.length - prec);
  return `${negative ? '-' : ''}${intPart}${prec > 0 ? `.${fracPart}` : ''}`;
}

/** kube-proxy's `probability(n)`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`, the text of `--probability`. */
export function probabilityString(k: number): string {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`probability denominator must be a positive integer: ${k}`);
  return formatGoFixed(1 / k, 10);
}

/** The `--probability` strings of the n−1 statistic rules of an n-endpoint chain: 1/n, 1/(n−1), …, 1/2. */
export function statisticProbabilities(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n - 1; i++) out.push(probabilityString(n - i));
  return out;
}

/**
 * The u32 the kernel compares against: iptables' libxt_statistic.c parses the string (strtod, correctly
 * rounded like Number()) and stores `lround(0x80000000 * p)` (ties away from zero).
 */
export function statisticThreshold(probability: string): number {
  const x = Number(probability) * TWO_POW_31;
  if (!(x >= 0 && x <= TWO_POW_31)) throw new RangeError(`probability out of [0, 1]: ${probability}`);
  const floor = Math.floor(x);
  return x - floor >= 0.5 ? floor + 1 : floor;
}

/** Per statistic rule, the threshold `(get_random_u32() & 0x7FFFFFFF) < threshold` tests (n−1 entries). */
export function cascadeThresholds(n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`endpoint count must be a positive integer: ${n}`);
  const thresholds = new Uint32Array(n - 1);
  for (let i = 0; i < n - 1; i++) thresholds[i] = statisticThreshold(probabilityString(n - i));
  return thresholds;
}

/**
 * The exact probability each position of the cascade is chosen with, from the thresholds the kernel holds:
 * P(i) = t_i/2^31 · Π_{j<i} (1 − t_j/2^31), the last position taking the remainder. Differs from 1/n by
 * the 10-decimal rounding of the strings and the 2^-31 grid of the thresholds: relative error about
 * n × 2.5e-10 (2.4e-7 at n = 1000).
 */
export function cascadeShares(n: number): Float64Array {
  const t = cascadeThresholds(n);
  const shares = new Float64Array(n);
  let fallThrough = 1;
  for (let i = 0; i < n - 1; i++) {
    const p = (t[i] ?? 0) / TWO_POW_31;
    shares[i] = fallThrough * p;
    fallThrough *= 1 - p;
  }
  shares[n - 1] = fallThrough;
  return shares;
}

/**
 * A KUBE-SVC / KUBE-SVL chain on one node. `endpointIds` are the chain's endpoints in the order kube-proxy
 * writes them (sortedForKubeProxy), as ids the caller chooses (e.g. EndpointSlice indices); the recent
 * lists are keyed by the same ids, because kube-proxy names each list after the endpoint's KUBE-SEP chain,
 * which the node's cluster and local chains share.
 *
 * `pick` returns the chosen endpoint id and leaves the rules it evaluated in this chain in
 * `lastRulesEvaluated` (rcheck rules + statistic rules up to the match), so the hot path allocates nothing.
 */
export class IptablesServiceChain {
  readonly endpointIds: Int32Array;
  private readonly thresholds: Uint32Array;
  private readonly affinity: IptablesRecentLists | null;
  private readonly timeoutSeconds: number;
  /** Rules of this chain the last pick evaluated. */
  lastRulesEvaluated = 0;
  /** Whether the last pick was decided by an affinity (rcheck) rule. */
  lastByAffinity = false;

  /**
   * @param affinity the node's recent lists when the Service has `sessionAffinity: ClientIP`, else null.
   * @param timeoutSeconds `--seconds` of the rcheck rules (sessionAffinityConfig.clientIP.timeoutSeconds).
   */
  constructor(endpointIds: ArrayLike<number>, affinity: IptablesRecentLists | null = null, timeoutSeconds = 10800) {
    if (endpointIds.length === 0) throw new RangeError('a service chain needs at least one endpoint');
    this.endpointIds = Int32Array.from(endpointIds);
    this.thresholds = cascadeThresholds(endpointIds.length);
    this.affinity = affinity;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * The endpoint a new connection from `client` (IPv4 as u32) gets at time `now` (seconds), drawing from
   * `rng`. With affinity, the rcheck rules run first in endpoint order (each may reap its list's oldest
   * entry, as `--reap` does), and the chosen endpoint's KUBE-SEP chain `--set`s the client in its list.
   */
  pick(client: number, now: number, rng: RandomU32): number {
    const ids = this.endpointIds;
    const n = ids.length;
    const affinity = this.affinity;
    let rules = 0;
    if (affinity !== null) {
      for (let i = 0; i < n; i++) {
        rules++;
        const id = ids[i]!;
        if (affinity.rcheck(id, client, now, this.timeoutSeconds)) {
          affinity.set(id, client, now);
          this.lastRulesEvaluated = rules;
          this.lastByAffinity = true;
          return id;
        }
      }
    }
    const t = this.thresholds;
    const last = n - 1;
    let chosen = last;
    for (let i = 0; i < last; i++) {
      rules++;
      if ((rng.nextU32() & 0x7fffffff) < t[i]!) {
        chosen = i;
        break;
      }
    }
    if (chosen === last) rules++;
    const id = ids[chosen]!;
    if (affinity !== null) affinity.set(id, client, now);
    this.lastRulesEvaluated = rules;
    this.lastByAffinity = false;
    return id;
  }
}
