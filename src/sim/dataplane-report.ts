// The result's `dataplane` block from the data planes of every replication (counters summed, peaks maxed).
import type { Dataplane as DataplaneModel } from '../dataplane/kubeproxy.js';
import type { SimModel } from './model.js';
import type { SimResult } from './result.js';

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Smallest r with at least `q` of the mass at or below it, from counts[r]. */
function quantileOfCounts(counts: Float64Array, total: number, q: number): number {
  if (total === 0) return 0;
  let acc = 0;
  for (let r = 0; r < counts.length; r++) {
    acc += counts[r] as number;
    if (acc >= q * total) return r;
  }
  return counts.length - 1;
}

export function dataplaneReport(
  model: SimModel,
  runs: readonly DataplaneModel[],
  rulesCount: number,
): SimResult['dataplane'] {
  const N = model.cluster.nodes.length;
  const sum = { ...(runs[0] as DataplaneModel).counters };
  for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] = runs.reduce((a, r) => a + r.counters[key], 0);
  let maxLen = 0;
  for (const r of runs) maxLen = Math.max(maxLen, r.rulesHistogram.length);
  const rules = new Float64Array(maxLen);
  for (const r of runs) {
    r.rulesHistogram.forEach((c, i) => {
      rules[i] = (rules[i] as number) + c;
    });
  }
  const forwarded = sum.newConnections - sum.dropNoEndpoints - sum.dropNoLocal - sum.dropConntrack - sum.dropIpvsNoDest;
  const share = (x: number) => (forwarded > 0 ? round(x / forwarded) : 0);
  const nodes: SimResult['dataplane']['nodes'] = [];
  let conntrackPeak = 0;
  let conntrackMax = Number.POSITIVE_INFINITY;
  for (let n = 0; n < N; n++) {
    let created = 0;
    let dropped = 0;
    let peak = 0;
    for (const r of runs) {
      created += r.nodeNew[n] as number;
      dropped += r.nodeDropped[n] as number;
      peak = Math.max(peak, (r.conntrack[n] as { peak: number }).peak);
    }
    if (created === 0 && peak === 0) continue;
    nodes.push({
      node: model.cluster.nodes[n]?.name ?? String(n),
      newConnections: created,
      dropped,
      conntrackPeakEntries: peak,
    });
    conntrackPeak = Math.max(conntrackPeak, peak);
    conntrackMax = Math.min(conntrackMax, (runs[0] as DataplaneModel).conntrackCapacity[n] as number);
  }
  const costUs = model.firstPacketSecondsPerRule * 1e6;
  const meanRules = forwarded > 0 ? sum.rulesSum / forwarded : 0;
  return {
    newConnections: sum.newConnections,
    dropped: {
      total: sum.newConnections - forwarded,
      byReason: {
        noEndpoints: sum.dropNoEndpoints,
        noLocalEndpoint: sum.dropNoLocal,
        conntrackFull: sum.dropConntrack,
        ipvsNoDestination: sum.dropIpvsNoDest,
      },
    },
    ruleEvaluationsPerNewConnection: { mean: round(meanRules), p99: quantileOfCounts(rules, forwarded, 0.99) },
    firstPacketCostUs: { mean: round(costUs > 0 ? meanRules * costUs : model.lookupSeconds * 1e6) },
    rules: { count: rulesCount },
    sourceIPPreservedShare: share(sum.sourcePreserved),
    snatShare: share(sum.snat),
    crossNodeShare: share(sum.crossNode),
    crossZoneShare: share(sum.crossZone),
    hairpinShare: share(sum.hairpin),
    conntrackPeakEntries: conntrackPeak,
    conntrackMax: Number.isFinite(conntrackMax) ? conntrackMax : 0,
    ipvsIdleExpired: sum.ipvsIdleExpired,
    affinityHits: sum.affinityHits,
    nodes,
  };
}
