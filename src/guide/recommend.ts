// The recommendation (spec/api.md): what the guide says and what the simulation measured, side by side,
// whether they agree, the final choice, and a plain explanation citing rule IDs and measured numbers.
//
// Agreement: the guide's mode and scheduler (schedulers up to wrr ≡ rr, wlc ≡ lc when every weight is
// equal) is the simulation's best on the objective, or statistically tied with it (the ranking's paired
// 95 % interval of the difference contains 0). The final choice is the guide's when they agree; otherwise
// the simulation's best, keeping what a requirement demands (G6's externalTrafficPolicy: Local, G3's
// stickiness as sessionAffinity: ClientIP) since a latency ranking does not weigh those.
import { z } from 'zod';
import { SimConfig, type SimResult } from '../sim/result.js';
import type { RankingRow } from '../whatif/rank.js';
import { describeChoice } from './choice.js';
import { CHECKS, evaluateCheck, type GuideResult } from './evaluate.js';
import { dur, list, num, pct } from './format.js';
import { balanceBy, CONNECTION_AWARE, resultFor, sameDataplane, sameOptions } from './measured.js';
import { guideNotes } from './notes.js';
import { CheckResult, GuideChoice, GuideNote, RuleResult } from './schema.js';
import { GuideThresholdsUsed } from './thresholds.js';
import type { GuideContext } from './types.js';

export type Objective = 'p99' | 'mean' | 'balance';

/** A what-if's ranking row (src/whatif/rank.ts), best first. */
export type RankedCandidate = Pick<RankingRow, 'label' | 'config' | 'value' | 'low' | 'high' | 'tiedWithBest'> &
  Partial<Pick<RankingRow, 'failedShare'>>;

export interface SimulationInput {
  objective: Objective;
  ranking: readonly RankedCandidate[];
  results: readonly SimResult[];
}

/** The simulated configuration (src/sim/result.ts SimConfig), each field described for the OpenAPI document. */
const SimulatedConfig = SimConfig.extend({
  mode: SimConfig.shape.mode.describe('kube-proxy mode.'),
  scheduler: SimConfig.shape.scheduler.describe('IPVS scheduler; null unless mode is ipvs.'),
  service: SimConfig.shape.service.describe('The target Service, namespace/name.'),
  port: SimConfig.shape.port.describe('The target Service port, by name (or number when unnamed).'),
  sessionAffinity: SimConfig.shape.sessionAffinity.describe('The target Service’s sessionAffinity as simulated.'),
  internalTrafficPolicy: SimConfig.shape.internalTrafficPolicy.describe('The internalTrafficPolicy as simulated.'),
  externalTrafficPolicy: SimConfig.shape.externalTrafficPolicy.describe('The externalTrafficPolicy as simulated.'),
  trafficDistribution: SimConfig.shape.trafficDistribution.describe(
    'The trafficDistribution as simulated (null: none).',
  ),
}).describe('What was simulated.');

const Candidate = z
  .strictObject({
    label: z.string().describe('The candidate’s label in the ranking, e.g. "ipvs/lc".'),
    config: SimulatedConfig,
    value: z.number().describe('Objective value: ms for p99 and mean; max/mean of connection-seconds for balance.'),
    low: z.number().nullable().describe('95 % interval of the value (null with one replication).'),
    high: z.number().nullable().describe('Upper end of the 95 % interval (null with one replication).'),
    rank: z.number().int().describe('1 = best.'),
    tiedWithBest: z
      .boolean()
      .describe('Statistically tied with the best (paired 95 % interval of the difference contains 0).'),
  })
  .describe('A simulated candidate on the objective.');

const Message = z
  .strictObject({
    id: z.string().describe('A check ID (C1–C7) or a note ID (e.g. "ipvs-deprecated").'),
    severity: z.enum(['info', 'warning', 'critical']).describe('How much it matters (critical: traffic is lost).'),
    message: z.string().describe('What to know, with the numbers.'),
  })
  .describe('A fired check or a note about the final choice.');

export const Recommendation = z
  .strictObject({
    choice: GuideChoice.describe(
      'The recommended configuration: the guide’s when the simulation agrees or did not run, else the simulation’s best.',
    ),
    basis: z
      .enum(['guide', 'simulation'])
      .describe(
        'Which decided the choice: the guide (agreement, tie, or no simulation) or the simulation (disagreement).',
      ),
    guide: z
      .strictObject({
        rules: z.array(RuleResult).describe('G1–G7 in ID order, fired or not, each with why.'),
        checks: z
          .array(CheckResult)
          .describe('C1–C7 in ID order, for the guide’s choice and the current configuration.'),
        choice: GuideChoice.describe(
          'How the fired rules combine (scheduler: G3 > G2/G7 > G1 > rr; mode: G5 or an IPVS scheduler ⇒ ipvs, else G4 ⇒ iptables).',
        ),
        thresholds: GuideThresholdsUsed,
        notes: z.array(GuideNote).describe('What the answer adds beyond the source document, for the guide’s choice.'),
      })
      .describe('What the guide says, from the snapshot and the traffic profile.'),
    simulation: z
      .strictObject({
        objective: z.enum(['p99', 'mean', 'balance']).describe('What "best" means in the ranking.'),
        best: Candidate.describe('The ranking’s first candidate.'),
        guideCandidate: Candidate.nullable().describe(
          'The simulated candidate matching the guide’s choice; null when none was simulated.',
        ),
        margin: z
          .string()
          .describe(
            'The best against the guide’s candidate (or the runner-up), e.g. "ipvs/lc p99 31 ms vs ipvs/rr 58 ms".',
          ),
      })
      .nullable()
      .describe('What the simulation measured; null when no what-if ran.'),
    agreement: z
      .boolean()
      .nullable()
      .describe(
        'The guide’s mode and scheduler is the best or tied with it; null without a simulation or when the guide’s choice was not simulated.',
      ),
    explanation: z.string().describe('Plain sentences citing rule IDs and measured numbers.'),
    warnings: z
      .array(Message)
      .describe('Fired checks of warning or critical severity and warning notes, for the final choice.'),
    notes: z.array(Message).describe('Informational checks and notes for the final choice.'),
  })
  .describe('The recommendation: the guide and the simulation side by side.');
export type Recommendation = z.infer<typeof Recommendation>;

type Candidate = z.infer<typeof Candidate>;

function schedulerOf(name: string | null): GuideChoice['scheduler'] {
  if (name === null) return null;
  return GuideChoice.shape.scheduler.unwrap().options.find((s) => s === name) ?? null;
}

function candidate(row: RankedCandidate, index: number): Candidate {
  return {
    label: row.label,
    config: SimulatedConfig.parse(row.config),
    value: row.value,
    low: row.low,
    high: row.high,
    rank: index + 1,
    tiedWithBest: row.tiedWithBest,
  };
}

/** "31 ms", or the bare ratio for balance. */
function unitText(objective: Objective, value: number): string {
  return objective === 'balance' ? num(value) : `${num(value)} ms`;
}

/** "p99 31 ms", "max/mean 1.1". */
function valueText(objective: Objective, value: number): string {
  return `${objective === 'balance' ? 'max/mean' : objective} ${unitText(objective, value)}`;
}

function intervalText(objective: Objective, c: Candidate): string {
  if (c.low === null || c.high === null) return '';
  return `, 95 % interval ${num(c.low)}–${unitText(objective, c.high)}`;
}

/** Why the simulation's best beats the guide's candidate: the mechanisms the document leaves out, with numbers. */
function whyTheyDiffer(ctx: GuideContext, guide: Candidate, best: Candidate, results: readonly SimResult[]): string[] {
  const p = ctx.profile;
  const t = ctx.thresholds;
  const reasons: string[] = [];
  const aware = (c: Candidate) =>
    c.config.mode === 'ipvs' && c.config.scheduler !== null && CONNECTION_AWARE.has(c.config.scheduler);
  const find = (c: Candidate) =>
    results.find((r) => sameDataplane(r.config, c.config, false) && sameOptions(r.config, c.config));
  const longText = `${pct(p.longConnectionSecondsShare)} of connection-seconds are in connections longer than ${dur(t.longConnectionSeconds)}`;
  if (aware(guide) && !aware(best)) {
    const n = p.decidingNodes.length;
    const busiest = p.decidingNodes[0];
    if (n > 1 && busiest !== undefined)
      reasons.push(
        `each of the ${n} deciding nodes keeps its own ${guide.config.scheduler} connection counts and sees only the connections it decides (the busiest, ${busiest.node}, ${pct(
          busiest.share,
        )} of them), so least-connection balances little better than ${best.label}`,
      );
    if (p.longConnectionSecondsShare < 0.5)
      reasons.push(
        `only ${longText}; schedulers differ mainly on long connections, and §5 notes that LC’s advantage over RR is small for very short, stateless traffic`,
      );
  } else if (!aware(guide) && aware(best)) {
    const slow = ctx.scenario.backends.overrides
      .filter((o) => o.speed !== undefined && o.speed !== 1)
      .map((o) => `${o.endpoint} at speed ${num(o.speed ?? 1)}`);
    if (slow.length > 0)
      reasons.push(
        `backends.overrides make endpoints uneven (${list(slow)}): ${best.label} sends fewer connections to an endpoint that holds them longer, ${guide.label} does not`,
      );
    reasons.push(
      `${longText}, and the service-time CV is ${num(p.serviceTimeCV)}: ${best.label} counts the connections still open on each endpoint`,
    );
  }
  if (guide.config.mode !== best.config.mode) {
    const g = find(guide);
    const b = find(best);
    if (g !== undefined && b !== undefined)
      reasons.push(
        `a new connection’s first packet traverses ${num(g.dataplane.ruleEvaluationsPerNewConnection.mean)} rules (${num(
          g.dataplane.firstPacketCostUs.mean,
        )} µs) in ${guide.config.mode} mode and ${num(b.dataplane.ruleEvaluationsPerNewConnection.mean)} (${num(b.dataplane.firstPacketCostUs.mean)} µs) in ${
          best.config.mode
        } mode`,
      );
  }
  const g = find(guide);
  const b = find(best);
  if (g !== undefined && b !== undefined) {
    const gb = balanceBy(g, 'connectionSeconds')?.maxOverMean;
    const bb = balanceBy(b, 'connectionSeconds')?.maxOverMean;
    if (gb !== undefined && bb !== undefined)
      reasons.push(
        `the busiest endpoint held ${num(gb)}× the mean connection-seconds under ${guide.label} and ${num(bb)}× under ${best.label}`,
      );
    const gf = g.requests.failed.total;
    const bf = b.requests.failed.total;
    if (gf > bf) reasons.push(`${guide.label} failed ${num(gf)} requests against ${num(bf)} for ${best.label}`);
  }
  return reasons;
}

function messages(
  checks: readonly CheckResult[],
  notes: readonly GuideNote[],
): { warnings: Recommendation['warnings']; notes: Recommendation['notes'] } {
  const warnings: Recommendation['warnings'] = [];
  const info: Recommendation['notes'] = [];
  for (const c of checks) {
    if (!c.fired || c.severity === 'ok') continue;
    const m = { id: c.id, severity: c.severity, message: c.because };
    (c.severity === 'info' ? info : warnings).push(m);
  }
  for (const n of notes)
    (n.severity === 'info' ? info : warnings).push({ id: n.id, severity: n.severity, message: n.message });
  return { warnings, notes: info };
}

function sameChoice(a: GuideChoice, b: GuideChoice): boolean {
  return (
    a.mode === b.mode &&
    a.scheduler === b.scheduler &&
    a.sessionAffinity === b.sessionAffinity &&
    a.externalTrafficPolicy === b.externalTrafficPolicy &&
    a.trafficDistribution === b.trafficDistribution
  );
}

/**
 * The answer of /v1/recommend (no simulation) and of /v1/whatif (with the ranking and results of its
 * candidates).
 */
export function recommendation(guide: GuideResult, simulation?: SimulationInput | null): Recommendation {
  const rulesFired = guide.rules.filter((r) => r.fired);
  const ids = rulesFired.map((r) => r.id);
  const sentences: string[] = [];
  sentences.push(
    ids.length > 0
      ? `The guide (${list(ids)}) recommends ${describeChoice(guide.choice)}.`
      : `No rule of the guide fired; it keeps ${describeChoice(guide.choice)}.`,
  );
  sentences.push(...guide.rationale);
  for (const r of rulesFired) sentences.push(`${r.because}.`);

  const ctx: GuideContext =
    simulation === undefined || simulation === null ? guide.context : { ...guide.context, results: simulation.results };
  const guideChecks = ctx === guide.context ? guide.checks : CHECKS.map((c) => evaluateCheck(c, ctx, guide.choice));
  const guideNotesNow = ctx === guide.context ? guide.notes : guideNotes(ctx, guide.choice, guide.rules);
  const guidePart = {
    rules: guide.rules,
    checks: guideChecks,
    choice: guide.choice,
    thresholds: guide.thresholds,
    notes: guideNotesNow,
  };

  if (simulation === undefined || simulation === null || simulation.ranking.length === 0) {
    sentences.push('No simulation ran: the answer is the guide’s choice.');
    return {
      choice: guide.choice,
      basis: 'guide',
      guide: guidePart,
      simulation: null,
      agreement: null,
      explanation: sentences.join(' '),
      ...messages(guideChecks, guideNotesNow),
    };
  }

  const objective = simulation.objective;
  const ranking = simulation.ranking.map(candidate);
  const best = ranking[0]!;
  const weighted = guide.profile.target.weightsDiffer;
  // The guide's own scheduler first, then one that behaves identically (wlc for lc with equal weights);
  // within each, the guide's Service options first.
  const exact = ranking.filter((c) => sameDataplane(c.config, guide.choice, true));
  const equivalent = ranking.filter((c) => sameDataplane(c.config, guide.choice, weighted));
  const guideCandidate =
    exact.find((c) => sameOptions(c.config, guide.choice)) ??
    exact[0] ??
    equivalent.find((c) => sameOptions(c.config, guide.choice)) ??
    equivalent[0] ??
    null;
  const agreement = guideCandidate === null ? null : guideCandidate.rank === 1 || guideCandidate.tiedWithBest;
  const other = guideCandidate !== null && guideCandidate.rank !== 1 ? guideCandidate : (ranking[1] ?? null);
  const margin =
    other === null
      ? `${best.label} ${valueText(objective, best.value)} (the only candidate)`
      : `${best.label} ${valueText(objective, best.value)} vs ${other.label} ${unitText(objective, other.value)}`;

  sentences.push(
    `The simulation ranks ${best.label} first on ${objective} (${valueText(objective, best.value)}${intervalText(objective, best)}).`,
  );
  let choice: GuideChoice;
  let basis: 'guide' | 'simulation';
  if (agreement === true && guideCandidate !== null) {
    choice = guide.choice;
    basis = 'guide';
    if (guideCandidate.rank === 1) {
      const twin =
        guideCandidate.config.scheduler !== guide.choice.scheduler && guide.choice.mode === 'ipvs'
          ? ` (${guideCandidate.config.scheduler} ≡ ${guide.choice.scheduler}: every real server has weight 1)`
          : '';
      sentences.push(`That is the guide’s choice${twin}: guide and simulation agree (${margin}).`);
    } else
      sentences.push(
        `The guide’s choice, ${guideCandidate.label} (${valueText(objective, guideCandidate.value)}${intervalText(
          objective,
          guideCandidate,
        )}), is statistically tied with it (the paired 95 % interval of the difference contains 0), so the answer keeps the guide’s choice.`,
      );
  } else {
    basis = 'simulation';
    const cfg = best.config;
    let sessionAffinity = cfg.sessionAffinity;
    let externalTrafficPolicy = cfg.externalTrafficPolicy;
    const kept: string[] = [];
    const scheduler = cfg.mode === 'ipvs' ? schedulerOf(cfg.scheduler) : null;
    if (guide.rules.some((r) => r.id === 'G6' && r.fired) && externalTrafficPolicy !== 'Local') {
      externalTrafficPolicy = 'Local';
      kept.push('externalTrafficPolicy: Local (G6, the source-IP requirement)');
    }
    const sticky = sessionAffinity === 'ClientIP' || scheduler === 'sh';
    if (guide.rules.some((r) => r.id === 'G3' && r.fired) && !sticky) {
      sessionAffinity = 'ClientIP';
      kept.push('sessionAffinity: ClientIP (G3, the stickiness requirement)');
    }
    choice = {
      mode: cfg.mode,
      scheduler,
      sessionAffinity,
      externalTrafficPolicy,
      trafficDistribution: cfg.trafficDistribution,
    };
    if (guideCandidate === null)
      sentences.push(
        `The guide’s choice (${describeChoice(guide.choice)}) was not among the simulated candidates, so the answer takes the simulation’s best.`,
      );
    else {
      const reasons = whyTheyDiffer(ctx, guideCandidate, best, simulation.results);
      sentences.push(
        `The simulation disagrees with the guide: ${margin}, and the paired 95 % interval of their difference excludes 0${
          reasons.length > 0 ? `. Why: ${reasons.join('; ')}` : ''
        }.`,
      );
    }
    sentences.push(
      `The answer recommends the simulation’s best, ${describeChoice(choice)}${kept.length > 0 ? `, keeping ${list(kept)}` : ''}.`,
    );
  }
  const nftTied = ranking.find((c) => c.config.mode === 'nftables' && c.tiedWithBest && c.rank !== 1);
  if (choice.mode === 'ipvs' && nftTied !== undefined)
    sentences.push(
      `${nftTied.label} (${valueText(objective, nftTied.value)}) is statistically tied with the best and is IPVS’s successor: the O(1) lookup without IPVS’s deprecation, at the price of random balancing.`,
    );
  const finalChecks = sameChoice(choice, guide.choice)
    ? guideChecks
    : CHECKS.map((c) => evaluateCheck(c, ctx, choice, 'the recommended configuration'));
  const finalNotes = sameChoice(choice, guide.choice)
    ? guideNotesNow
    : guideNotes(ctx, choice, guide.rules, simulation.results);
  const fired = finalChecks.filter((c) => c.fired && c.severity !== 'info' && c.severity !== 'ok');
  if (fired.length > 0) sentences.push(`Checks to act on: ${list(fired.map((c) => `${c.id} (${c.severity})`))}.`);
  const measuredFor = resultFor(simulation.results, choice, weighted);
  if (measuredFor !== null)
    sentences.push(
      `Measured for the recommended configuration: p99 ${num(measuredFor.latencyMs.p99)} ms, mean ${num(measuredFor.latencyMs.mean)} ms.`,
    );
  return {
    choice,
    basis,
    guide: guidePart,
    simulation: { objective, best, guideCandidate, margin },
    agreement,
    explanation: sentences.join(' '),
    ...messages(finalChecks, finalNotes),
  };
}
