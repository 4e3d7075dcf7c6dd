// How the fired rules combine into the guide's choice.
//
// Scheduler, by precedence:
//   1. G3 (stickiness): sh in IPVS mode, else sessionAffinity: ClientIP. Stickiness wins over balancing:
//      once a client is pinned, a least-connection scheduler only chooses its first endpoint.
//   2. G2 or G7: lc, or wlc when the endpoints' weights differ (backends.overrides); only IPVS has a
//      least-connection scheduler, so these ask for IPVS mode.
//   3. G1: rr.  4. Nothing fired: rr (kube-proxy's default --ipvs-scheduler).
// Mode:
//   G5 (many Services or endpoints), or a least-connection scheduler from step 2 ⇒ ipvs; else G4 ⇒
//   iptables; else the scenario's mode. Where the cluster's version no longer has IPVS mode (planned for
//   v1.43), nftables takes its place: the same O(1) lookup, but random balancing (notes.ts says what is lost).
//   G3 alone does not ask for IPVS: sessionAffinity: ClientIP gives the stickiness in every mode.
// Service options: G6 ⇒ externalTrafficPolicy: Local; otherwise the Service's own options are kept
// (sessionAffinity unless G3 sets it, trafficDistribution always: C5 reports on it).

import type { Service } from '../scenario/cluster.js';
import type { Scenario } from '../scenario/schema.js';
import type { GuideChoice, RuleId, RuleResult } from './schema.js';
import type { GuideContext } from './types.js';

/** The configuration the scenario describes. */
export function currentConfig(scenario: Scenario, service: Service): GuideChoice {
  const mode = scenario.proxy.mode;
  return {
    mode,
    scheduler: mode === 'ipvs' ? scenario.proxy.ipvs.scheduler : null,
    sessionAffinity: service.sessionAffinity,
    externalTrafficPolicy: service.externalTrafficPolicy,
    trafficDistribution: service.trafficDistribution,
  };
}

export interface CombinedChoice {
  choice: GuideChoice;
  /** How the fired rules combined, one sentence per decision, citing rule IDs. */
  rationale: string[];
}

export function combineRules(ctx: GuideContext, rules: readonly Pick<RuleResult, 'id' | 'fired'>[]): CombinedChoice {
  const fired = (id: RuleId) => rules.some((r) => r.id === id && r.fired);
  const sticky = fired('G3');
  const leastBy = (['G2', 'G7'] as const).filter(fired);
  const least = !sticky && leastBy.length > 0;
  const leastName = ctx.profile.target.weightsDiffer ? 'wlc' : 'lc';
  const rationale: string[] = [];

  let mode: GuideChoice['mode'];
  if (fired('G5')) mode = 'ipvs';
  else if (least) mode = 'ipvs';
  else if (fired('G4')) mode = 'iptables';
  else mode = ctx.current.mode;
  if (fired('G5')) rationale.push(`Mode: ipvs from G5${least ? `, which ${leastName} needs anyway` : ''}.`);
  else if (least)
    rationale.push(
      `Mode: ipvs, because ${leastName} (${leastBy.join(' and ')}) exists only in IPVS mode${fired('G4') ? '; G4’s “iptables is enough” yields to it' : ''}.`,
    );
  else if (fired('G4')) rationale.push('Mode: iptables from G4.');
  else rationale.push(`Mode: neither G4 nor G5 fired, so the scenario’s ${mode} mode stays.`);
  if (mode === 'ipvs' && !ctx.ipvs.available) {
    mode = 'nftables';
    rationale.push(
      `IPVS mode no longer exists in the cluster’s ${ctx.ipvs.version} (removal planned for v1.43), so nftables takes its place: the same O(1) lookup, random balancing.`,
    );
  }

  let scheduler: GuideChoice['scheduler'] = null;
  let sessionAffinity = ctx.current.sessionAffinity;
  const yielded = (ids: RuleId[]) => {
    const y = ids.filter(fired);
    return y.length === 0
      ? ''
      : `; ${y.join(' and ')} yield${y.length === 1 ? 's' : ''} to it (precedence G3 > G2/G7 > G1)`;
  };
  if (sticky) {
    if (mode === 'ipvs') {
      scheduler = 'sh';
      rationale.push(`Scheduler: sh from G3 (stickiness by client IP)${yielded(['G2', 'G7', 'G1'])}.`);
    } else {
      sessionAffinity = 'ClientIP';
      rationale.push(
        `Stickiness: sessionAffinity: ClientIP from G3, which works in ${mode} mode (sh would need IPVS)${yielded(['G2', 'G7', 'G1'])}.`,
      );
    }
  } else if (mode === 'ipvs') {
    if (least) {
      scheduler = leastName;
      rationale.push(
        `Scheduler: ${leastName} from ${leastBy.join(' and ')}${leastName === 'wlc' ? ' (wlc because the endpoint weights differ)' : ''}${yielded(['G1'])}.`,
      );
    } else {
      scheduler = 'rr';
      rationale.push(
        fired('G1') ? 'Scheduler: rr from G1.' : 'Scheduler: no scheduler rule fired, so rr, kube-proxy’s default.',
      );
    }
  } else if (least)
    rationale.push(
      `${mode} mode has no least-connection scheduler: it balances at random, so what ${leastBy.join(' and ')} ask for is lost.`,
    );
  else if (fired('G1'))
    rationale.push(
      `G1’s rr: ${mode} mode picks endpoints at random, which spreads short, uniform connections as evenly.`,
    );
  const externalTrafficPolicy = fired('G6') ? 'Local' : ctx.current.externalTrafficPolicy;
  if (fired('G6'))
    rationale.push('externalTrafficPolicy: Local from G6 (C1 checks the nodes that receive external traffic).');
  return {
    choice: {
      mode,
      scheduler,
      sessionAffinity,
      externalTrafficPolicy,
      trafficDistribution: ctx.current.trafficDistribution,
    },
    rationale,
  };
}

/** "ipvs with lc", "iptables with sessionAffinity: ClientIP, externalTrafficPolicy: Local". */
export function describeChoice(choice: GuideChoice): string {
  const parts: string[] = [];
  if (choice.scheduler !== null) parts.push(`the ${choice.scheduler} scheduler`);
  if (choice.sessionAffinity === 'ClientIP') parts.push('sessionAffinity: ClientIP');
  if (choice.externalTrafficPolicy === 'Local') parts.push('externalTrafficPolicy: Local');
  if (choice.trafficDistribution !== null) parts.push(`trafficDistribution: ${choice.trafficDistribution}`);
  return parts.length === 0 ? `${choice.mode} mode` : `${choice.mode} mode with ${parts.join(', ')}`;
}
