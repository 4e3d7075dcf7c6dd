// Picking the simulation result that measured a given configuration, and the figures the guide quotes.
import type { Balance, SimConfig, SimResult } from '../sim/result.js';
import type { GuideChoice } from './schema.js';

/** Schedulers that pick by open connections (the kernel's ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c). */
export const CONNECTION_AWARE = new Set(['lc', 'wlc', 'sed', 'nq']);

/**
 * Equivalent schedulers when every real server has the same weight: ip_vs_wrr.c walks weights from the
 * largest down by their gcd, so equal weights give rr's order; ip_vs_wlc.c compares overhead × weight
 * products, which with equal weights orders as ip_vs_lc.c.
 */
export function sameScheduler(a: string | null, b: string | null, weightsDiffer: boolean): boolean {
  if (a === b) return true;
  if (weightsDiffer || a === null || b === null) return false;
  const base = (s: string) => (s === 'wrr' ? 'rr' : s === 'wlc' ? 'lc' : s);
  return base(a) === base(b);
}

/** The config's mode and scheduler are the choice's (schedulers up to equal-weight equivalence). */
export function sameDataplane(
  config: Pick<SimConfig, 'mode' | 'scheduler'>,
  choice: Pick<SimConfig, 'mode' | 'scheduler'>,
  weightsDiffer: boolean,
): boolean {
  if (config.mode !== choice.mode) return false;
  return config.mode !== 'ipvs' || sameScheduler(config.scheduler, choice.scheduler, weightsDiffer);
}

/** The Service options of the config are the choice's. */
export function sameOptions(
  config: SimConfig,
  choice: Pick<GuideChoice, 'sessionAffinity' | 'externalTrafficPolicy' | 'trafficDistribution'>,
): boolean {
  return (
    config.sessionAffinity === choice.sessionAffinity &&
    config.externalTrafficPolicy === choice.externalTrafficPolicy &&
    config.trafficDistribution === choice.trafficDistribution
  );
}

/**
 * The result that simulated `choice`: same mode and scheduler, preferring one with the same Service
 * options; null when none was simulated.
 */
export function resultFor(
  results: readonly SimResult[],
  choice: GuideChoice,
  weightsDiffer: boolean,
): SimResult | null {
  let loose: SimResult | null = null;
  for (const r of results) {
    if (!sameDataplane(r.config, choice, weightsDiffer)) continue;
    if (sameOptions(r.config, choice)) return r;
    loose ??= r;
  }
  return loose;
}

/** A result's balance row by what it counts. */
export function balanceBy(result: SimResult, by: Balance['by']): Balance | null {
  return result.distribution.find((d) => d.by === by) ?? null;
}

/** "ipvs/lc", "nftables". */
export function configLabel(config: Pick<SimConfig, 'mode' | 'scheduler'>): string {
  return config.mode === 'ipvs' && config.scheduler !== null ? `ipvs/${config.scheduler}` : config.mode;
}
