// What the source document does not say and the answer must add (spec/guide.md, last section): nftables
// next to IPVS, IPVS's deprecation against the cluster's version, kube-proxy's weight 1 (wrr ≡ rr,
// wlc ≡ lc), per-node scheduler state and stickiness, and IPVS expiring idle WebSocket sessions.
import type { SimResult } from '../sim/result.js';
import { dur, finite, int, list, num, pct } from './format.js';
import { balanceBy, CONNECTION_AWARE, configLabel } from './measured.js';
import { someNames } from './reach.js';
import type { GuideChoice, GuideNote, RuleId, RuleResult } from './schema.js';
import type { GuideContext } from './types.js';
import { nftablesSummary } from './version.js';

/** The rules whose recommendation needs IPVS mode. */
function ipvsReasons(rules: readonly RuleResult[], choice: GuideChoice): RuleId[] {
  const ids: RuleId[] = [];
  for (const r of rules) {
    if (!r.fired || r.recommends === undefined) continue;
    if (r.id === 'G5') ids.push(r.id);
    else if ((r.id === 'G2' || r.id === 'G7') && (choice.scheduler === 'lc' || choice.scheduler === 'wlc'))
      ids.push(r.id);
    else if (r.id === 'G3' && choice.scheduler === 'sh') ids.push(r.id);
  }
  return ids;
}

function simulatedP99(
  results: readonly SimResult[],
  pick: (r: SimResult) => boolean,
): { label: string; p99: number } | null {
  const r = results.find(pick);
  return r === undefined ? null : { label: configLabel(r.config), p99: r.latencyMs.p99 };
}

function nftablesNote(ctx: GuideContext, choice: GuideChoice, results: readonly SimResult[]): GuideNote {
  const cost = ctx.firstPacketCost();
  const nft = simulatedP99(results, (r) => r.config.mode === 'nftables');
  const ipvs = simulatedP99(
    results,
    (r) => r.config.mode === 'ipvs' && r.config.scheduler === (choice.scheduler ?? 'rr'),
  );
  const ipt = simulatedP99(results, (r) => r.config.mode === 'iptables');
  let message = `G5 names IPVS for its hash lookup; the document predates nftables mode (${nftablesSummary(
    ctx.profile.snapshot.versions,
  )}), which matches Services in O(1) as well (verdict maps) without IPVS’s separate code path, and is IPVS’s successor. It balances randomly (numgen), so it has no least-connection or source-hash scheduler`;
  if (cost !== null)
    message += `. First packet: iptables about ${dur(cost.iptablesNs * 1e-9)} (${int(cost.iptablesRules)} rules), nftables and IPVS about ${dur(
      cost.lookupNs * 1e-9,
    )}`;
  const simulated = [nft, ipvs, ipt].filter((x) => x !== null);
  if (simulated.length > 0) {
    const best = simulated.reduce((a, b) => (b.p99 < a.p99 ? b : a));
    message += `. Simulated p99: ${simulated.map((s) => `${s.label} ${num(s.p99)} ms`).join(', ')}; the simulation favours ${best.label}`;
  }
  if (choice.mode === 'nftables' && !ctx.ipvs.available) message += `. ${ctx.ipvs.summary}`;
  return {
    id: 'nftables-alternative',
    severity: 'info',
    message: `${message}.`,
    details: {
      iptablesNs: cost === null ? null : finite(cost.iptablesNs),
      lookupNs: cost === null ? null : finite(cost.lookupNs),
      simulatedP99Ms: Object.fromEntries(simulated.map((s) => [s.label, s.p99])),
    },
  };
}

function deprecationNote(ctx: GuideContext, choice: GuideChoice, rules: readonly RuleResult[]): GuideNote | null {
  const wanted = ipvsReasons(rules, choice);
  const askedButGone =
    choice.mode !== 'ipvs' && !ctx.ipvs.available && rules.some((r) => r.fired && r.recommends?.mode === 'ipvs');
  if (choice.mode !== 'ipvs' && !askedButGone) return null;
  let alternative: string;
  if (choice.scheduler === 'lc' || choice.scheduler === 'wlc')
    alternative = `nftables gives the same O(1) lookup but no least-connection scheduling (it balances randomly), so what ${choice.scheduler} adds has no nftables equivalent`;
  else if (choice.scheduler === 'sh')
    alternative = 'in nftables mode, sessionAffinity: ClientIP gives the same per-client stickiness';
  else alternative = 'nftables gives the same O(1) lookup and spreads connections evenly (at random)';
  const why = wanted.length > 0 ? ` (${list(wanted)})` : '';
  const message = askedButGone
    ? `The rules ask for IPVS mode, but ${ctx.ipvs.summary} nftables stands in: the O(1) lookup is kept; least-connection and source-hash scheduling are not.`
    : `This answer recommends IPVS mode${why}. ${ctx.ipvs.summary} Alternative: ${alternative}.`;
  return {
    id: 'ipvs-deprecated',
    severity: 'warning',
    message,
    details: { status: ctx.ipvs.status, version: ctx.ipvs.version, available: ctx.ipvs.available, rules: wanted },
  };
}

function weightsNote(ctx: GuideContext, choice: GuideChoice): GuideNote | null {
  const s = choice.scheduler;
  if (choice.mode !== 'ipvs' || (s !== 'rr' && s !== 'wrr' && s !== 'lc' && s !== 'wlc')) return null;
  const target = ctx.profile.target;
  if (!target.weightsDiffer) {
    const twin = s === 'rr' ? 'wrr' : s === 'wrr' ? 'rr' : s === 'lc' ? 'wlc' : 'lc';
    return {
      id: 'ipvs-weights',
      severity: 'info',
      message: `kube-proxy gives every IPVS real server weight 1 (0 while terminating), and no backends.overrides weight changes that here, so wrr ≡ rr and wlc ≡ lc: ${s} behaves exactly as ${twin}.`,
      details: { weightsDiffer: false },
    };
  }
  const weighted = target.endpoints
    .map((e, i) => ({ name: e.podName ?? e.address, weight: target.weights[i] ?? 1 }))
    .filter((e) => e.weight !== 1);
  return {
    id: 'ipvs-weights',
    severity: 'info',
    message: `backends.overrides give endpoints other weights than 1 (${someNames(
      weighted.map((e) => `${e.name}: ${e.weight}`),
    )}), which ${s} ${s === 'wlc' || s === 'wrr' ? 'honours' : 'ignores'}. kube-proxy itself programs weight 1 and resets other weights when it restarts (pkg/proxy/ipvs/proxier.go, initial sync), so in a cluster such weights need something outside kube-proxy to keep them.`,
    details: { weightsDiffer: true, weights: Object.fromEntries(weighted.map((e) => [e.name, e.weight])) },
  };
}

function perNodeStateNote(ctx: GuideContext, choice: GuideChoice, results: readonly SimResult[]): GuideNote | null {
  if (choice.mode !== 'ipvs' || choice.scheduler === null || !CONNECTION_AWARE.has(choice.scheduler)) return null;
  const nodes = ctx.profile.decidingNodes;
  if (nodes.length < 2) return null;
  const busiest = nodes[0]!;
  let message = `Each node’s kube-proxy keeps its own IPVS connection counts: ${choice.scheduler} on one node does not see the connections the other ${
    nodes.length - 1
  } deciding node${nodes.length === 2 ? '' : 's'} opened. With ${nodes.length} nodes deciding (the busiest, ${busiest.node}, ${pct(
    busiest.share,
  )} of new connections), each balances only its own share, so ${choice.scheduler} gains less over rr the more nodes decide`;
  const least = results.find((r) => r.config.mode === 'ipvs' && r.config.scheduler === choice.scheduler);
  const rr = results.find((r) => r.config.mode === 'ipvs' && r.config.scheduler === 'rr');
  let measured: Record<string, number | null> | null = null;
  if (least !== undefined && rr !== undefined) {
    const a = balanceBy(least, 'connectionSeconds')?.maxOverMean ?? null;
    const b = balanceBy(rr, 'connectionSeconds')?.maxOverMean ?? null;
    measured = { leastP99Ms: least.latencyMs.p99, rrP99Ms: rr.latencyMs.p99, leastMaxOverMean: a, rrMaxOverMean: b };
    message += `. Simulated: ${choice.scheduler} p99 ${num(least.latencyMs.p99)} ms vs rr ${num(rr.latencyMs.p99)} ms`;
    if (a !== null && b !== null) message += `; busiest endpoint ${num(a)}× vs ${num(b)}× the mean connection-seconds`;
  }
  return {
    id: 'per-node-state',
    severity: 'info',
    message: `${message}.`,
    details: { decidingNodes: nodes.length, busiestNodeShare: busiest.share, measured },
  };
}

function stickinessNote(ctx: GuideContext, choice: GuideChoice): GuideNote | null {
  const sticky = (choice.mode === 'ipvs' && choice.scheduler === 'sh') || choice.sessionAffinity === 'ClientIP';
  if (!sticky) return null;
  const spread = ctx.profile.clients.filter(
    (g) => g.kind === 'external' && g.connectionsPerSecond > 0 && g.nodes.length > 1,
  );
  if (spread.length === 0) return null;
  const how = choice.sessionAffinity === 'ClientIP' ? 'ClientIP affinity tables' : 'sh bucket tables';
  const entries = spread.map((g) => `${g.name} over ${g.nodes.length} nodes`);
  return {
    id: 'per-node-stickiness',
    severity: 'warning',
    message: `Stickiness is per node: every node’s kube-proxy keeps its own ${how}${
      choice.scheduler === 'sh'
        ? ' (filled from its own real-server order, so one client IP maps to different endpoints on different nodes)'
        : ''
    }. External clients enter through several nodes (${list(entries)}), so a client whose connections arrive on different nodes reaches different endpoints; sessions stick only if the load balancer sends each client IP to one node.`,
    details: { groups: Object.fromEntries(spread.map((g) => [g.name, g.nodes.length])) },
  };
}

function idleNote(ctx: GuideContext, choice: GuideChoice, results: readonly SimResult[]): GuideNote | null {
  const inPlay = [
    choice.mode === 'ipvs' ? 'the guide’s choice' : null,
    ctx.current.mode === 'ipvs' ? 'the current configuration' : null,
  ].filter((x): x is string => x !== null);
  if (inPlay.length === 0) return null;
  const t = ctx.thresholds.ipvsIdleExpiriesPerSession;
  const at = ctx.profile.workloads.filter(
    (w) => w.idle !== null && w.idle.expiriesPerSession >= t && w.idle.expiriesPerSession > 0,
  );
  if (at.length === 0) return null;
  const timeout = at[0]!.idle!.timeoutSeconds;
  const parts = at.map((w) => {
    const i = w.idle!;
    return `${w.name}: ${pct(i.sessionsLongerThanTimeout)} of sessions outlive ${dur(timeout)}, a gap between its ${num(
      i.messageRate,
    )}/s messages exceeds it with probability ${pct(i.gapOverTimeout)}, about ${num(i.expiriesPerSession)} expiries per session`;
  });
  let expired = 0;
  for (const r of results) if (r.config.mode === 'ipvs') expired = Math.max(expired, r.dataplane.ipvsIdleExpired);
  const measured = results.some((r) => r.config.mode === 'ipvs')
    ? `; the simulation saw up to ${int(expired)} connections expired idle`
    : '';
  return {
    id: 'ipvs-idle-timeout',
    severity: 'warning',
    message: `IPVS (in ${list(inPlay)}) expires a connection idle for ${dur(
      timeout,
    )} (proxy.ipvs.tcpTimeout, the kernel’s ESTABLISHED timeout) and the session’s next message fails: ${parts.join('; ')} (threshold ${num(
      t,
    )})${measured}. Send WebSocket pings more often than that, or raise kube-proxy’s ipvs.tcpTimeout.`,
    details: {
      timeoutSeconds: timeout,
      workloads: Object.fromEntries(at.map((w) => [w.name, finite(w.idle!.expiriesPerSession)])),
      measuredExpired: measured === '' ? null : expired,
    },
  };
}

/** The notes for an answer that recommends `choice`. */
export function guideNotes(
  ctx: GuideContext,
  choice: GuideChoice,
  rules: readonly RuleResult[],
  results: readonly SimResult[] = ctx.results,
): GuideNote[] {
  const notes: GuideNote[] = [];
  if (rules.some((r) => r.id === 'G5' && r.fired)) notes.push(nftablesNote(ctx, choice, results));
  for (const note of [
    deprecationNote(ctx, choice, rules),
    weightsNote(ctx, choice),
    perNodeStateNote(ctx, choice, results),
    stickinessNote(ctx, choice),
    idleNote(ctx, choice, results),
  ])
    if (note !== null) notes.push(note);
  return notes;
}
