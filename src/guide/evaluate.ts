// evaluateGuide: the document's rules (G1–G7) and checks (C1–C7) on a scenario's traffic profile and
// snapshot, and, where a what-if ran, on its measurements. Rules come back in ID order, fired or not, each
// with the sentence that says why; choice.ts documents how they combine.
import type { Cluster, Node, Service, ServicePort } from '../scenario/cluster.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimResult } from '../sim/result.js';
import { type TrafficProfile, trafficProfile } from '../traffic/profile.js';
import { C1 } from './c1.js';
import { C2 } from './c2.js';
import { C3 } from './c3.js';
import { C4 } from './c4.js';
import { C5 } from './c5.js';
import { C6 } from './c6.js';
import { C7 } from './c7.js';
import { combineRules, currentConfig, describeChoice } from './choice.js';
import { type FirstPacketCost, firstPacketCost } from './cost.js';
import { verdict } from './format.js';
import { G1 } from './g1.js';
import { G2 } from './g2.js';
import { G3 } from './g3.js';
import { G4 } from './g4.js';
import { G5 } from './g5.js';
import { G6 } from './g6.js';
import { G7 } from './g7.js';
import { guideNotes } from './notes.js';
import type { CheckResult, GuideChoice, GuideNote, RuleResult, Severity } from './schema.js';
import { GuideThresholds, type GuideThresholdsInput, profileOptions } from './thresholds.js';
import type { Check, GuideContext, Rule } from './types.js';
import { ipvsAvailability } from './version.js';

export const RULES: readonly Rule[] = [G1, G2, G3, G4, G5, G6, G7];
export const CHECKS: readonly Check[] = [C1, C2, C3, C4, C5, C6, C7];

export interface GuideInput {
  scenario: Scenario;
  /** The ingested snapshot (ingestCluster(scenario.cluster)). */
  cluster: Cluster;
  /** The target Service port (resolveTarget(cluster, scenario.target)). */
  target: { service: Service; port: ServicePort };
  /** Overrides of the default thresholds (the scenario's `guide.thresholds`). */
  thresholds?: GuideThresholdsInput | undefined;
  /** Results of a what-if's candidates; the checks quote their measurements. */
  results?: readonly SimResult[] | undefined;
  /** A profile computed earlier with the same thresholds (recomputed when its options differ). */
  profile?: TrafficProfile | undefined;
}

export interface GuideResult {
  /** G1–G7 in ID order. */
  rules: RuleResult[];
  /** C1–C7 in ID order. */
  checks: CheckResult[];
  choice: GuideChoice;
  /** How the fired rules combined into the choice (choice.ts), one sentence per decision. */
  rationale: string[];
  /** The threshold values used. */
  thresholds: GuideThresholds;
  notes: GuideNote[];
  profile: TrafficProfile;
  /** What the rules and checks read (for recommendation(); not part of any response body). */
  context: GuideContext;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const SEVERITY_ORDER: readonly Severity[] = ['ok', 'info', 'warning', 'critical'];

function worse(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

export function evaluateRule(rule: Rule, ctx: GuideContext): RuleResult {
  const outcome = rule.evaluate(ctx);
  return {
    id: rule.id,
    title: rule.title,
    fired: outcome.fired,
    because: outcome.because,
    ...(outcome.recommends === undefined ? {} : { recommends: outcome.recommends }),
    measured: outcome.measured,
    source: [...rule.source],
  };
}

/**
 * A check on the guide's choice and, where they differ in what the check depends on, on the current
 * configuration too: the checklist is about what runs now as much as about what is recommended.
 */
export function evaluateCheck(
  check: Check,
  ctx: GuideContext,
  choice: GuideChoice,
  choiceName = 'the guide’s choice',
): CheckResult {
  const differs = check.dependsOn.some((k) => ctx.current[k] !== choice[k]);
  const onChoice = check.evaluate(ctx, choice);
  const onCurrent = differs ? check.evaluate(ctx, ctx.current) : onChoice;
  const appliesTo: ('current' | 'choice')[] = [];
  if (onCurrent.fired) appliesTo.push('current');
  if (onChoice.fired) appliesTo.push('choice');
  const fired = appliesTo.length > 0;
  let because: string;
  if (!differs || (!onChoice.fired && !onCurrent.fired)) because = verdict(check.id, fired, onChoice.reason);
  else if (onChoice.fired && onCurrent.fired)
    because = verdict(
      check.id,
      true,
      `${onChoice.reason} (under ${choiceName} as under the current ${describeChoice(ctx.current)})`,
    );
  else if (onChoice.fired)
    because = verdict(
      check.id,
      true,
      `under ${choiceName} (${describeChoice(choice)}): ${onChoice.reason}. The current ${describeChoice(ctx.current)} is not affected: ${onCurrent.reason}`,
    );
  else
    because = verdict(
      check.id,
      true,
      `under the current ${describeChoice(ctx.current)}: ${onCurrent.reason}. ${capitalize(choiceName)} (${describeChoice(choice)}) avoids it: ${onChoice.reason}`,
    );
  let severity: Severity = 'ok';
  if (onChoice.fired) severity = worse(severity, onChoice.severity);
  if (onCurrent.fired) severity = worse(severity, onCurrent.severity);
  return {
    id: check.id,
    title: check.title,
    fired,
    because,
    severity,
    appliesTo,
    details: onChoice.fired || !onCurrent.fired ? onChoice.details : onCurrent.details,
    source: [...check.source],
  };
}

/** The rules' and checks' shared inputs. */
export function guideContext(
  scenario: Scenario,
  cluster: Cluster,
  target: { service: Service; port: ServicePort },
  profile: TrafficProfile,
  thresholds: GuideThresholds,
  results: readonly SimResult[],
): GuideContext {
  const nodesByName = new Map<string, Node>();
  for (const n of cluster.nodes) nodesByName.set(n.name, n);
  let cost: FirstPacketCost | null | undefined;
  return {
    scenario,
    cluster,
    service: target.service,
    port: target.port,
    profile,
    thresholds,
    results,
    current: currentConfig(scenario, target.service),
    ipvs: ipvsAvailability(profile.snapshot.versions),
    nodesByName,
    firstPacketCost() {
      if (cost === undefined)
        cost = firstPacketCost(scenario, cluster, target.service, target.port, profile, nodesByName);
      return cost;
    },
  };
}

/** The guide's answer for a scenario: rules, checks, the combined choice, the thresholds used and the notes. */
export function evaluateGuide(input: GuideInput): GuideResult {
  const thresholds = GuideThresholds.parse(input.thresholds ?? {});
  const options = profileOptions(thresholds);
  const given = input.profile;
  const profile =
    given !== undefined &&
    given.options.shortRequests === options.shortRequests &&
    given.options.shortSeconds === options.shortSeconds &&
    given.options.longSeconds === options.longSeconds
      ? given
      : trafficProfile(input.scenario, input.cluster, input.target, options);
  const ctx = guideContext(input.scenario, input.cluster, input.target, profile, thresholds, input.results ?? []);
  const rules = RULES.map((r) => evaluateRule(r, ctx));
  const { choice, rationale } = combineRules(ctx, rules);
  const checks = CHECKS.map((c) => evaluateCheck(c, ctx, choice));
  return { rules, checks, choice, rationale, thresholds, notes: guideNotes(ctx, choice, rules), profile, context: ctx };
}
