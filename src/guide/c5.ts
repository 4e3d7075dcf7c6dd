// C5 (§7): topology-aware routing requested (`trafficDistribution`, or the topology-mode /
// topology-aware-hints annotation): would the hints be kept for this zone layout, and what share of
// connections still crosses zones. Hints as the EndpointSlice controller writes them
// (src/dataplane/topology.ts controllerHints), used by kube-proxy as CategorizeEndpoints does.
import { controllerHints, topologyModeAuto, withHints } from '../dataplane/topology.js';
import { serviceKey } from '../scenario/cluster.js';
import { ANNOTATION_TOPOLOGY_AWARE_HINTS, ANNOTATION_TOPOLOGY_MODE } from '../scenario/ingest.js';
import { pct } from './format.js';
import { Reach, serviceUnder, someNames } from './reach.js';
import type { Check } from './types.js';

export const C5: Check = {
  id: 'C5',
  title: 'Topology-aware routing: are hints kept, and the cross-zone share',
  source: [
    {
      section: '§7',
      ko: 'service.kubernetes.io/topology-aware-hints: auto — 동일 노드/존/리전에 가까운 엔드포인트 를 우선 선택하도록 힌트를 제공(크로스 존 트래픽, 지연/비용 감소).',
      en: 'service.kubernetes.io/topology-aware-hints: auto provides hints so that endpoints close by (same node/zone/region) are chosen first (less cross-zone traffic, latency and cost).',
    },
  ],
  dependsOn: ['trafficDistribution'],
  evaluate(ctx, config) {
    const svc = serviceUnder(ctx.service, config);
    const key = serviceKey(svc);
    const eps = ctx.profile.target.endpoints;
    const zones = ctx.profile.snapshot.zones;
    const auto = topologyModeAuto(svc);
    const requested = auto || svc.trafficDistribution !== null;
    const annotation =
      ANNOTATION_TOPOLOGY_AWARE_HINTS in svc.annotations ? ANNOTATION_TOPOLOGY_AWARE_HINTS : ANNOTATION_TOPOLOGY_MODE;
    const how = auto ? `${annotation}: ${svc.topologyMode}` : `trafficDistribution: ${svc.trafficDistribution}`;
    const without = new Reach(
      ctx,
      svc,
      withHints(eps, { zoneHints: eps.map(() => null), nodeHints: eps.map(() => null) }),
    ).crossZoneShare();
    const run = ctx.results.find((r) => r.config.trafficDistribution === config.trafficDistribution);
    const measured = run === undefined ? null : { crossZoneShare: run.dataplane.crossZoneShare };
    const measuredText =
      measured === null ? '' : `; the simulation measured ${pct(measured.crossZoneShare)} crossing zones`;
    if (!requested)
      return {
        fired: false,
        reason: `${key} asks for no topology-aware routing (no trafficDistribution, no topology annotation); across ${zones.length} zone${
          zones.length === 1 ? '' : 's'
        }, ${pct(without)} of connections cross zones${measuredText}`,
        severity: 'info',
        details: { requested, zones, crossZoneShare: without, measured },
      };
    const hints = controllerHints(eps, svc, ctx.cluster.nodes);
    const hinted = withHints(eps, hints);
    const crossWith = new Reach(ctx, svc, hinted).crossZoneShare();
    let kept = true;
    let removedText = '';
    if (hints.topology !== null && !hints.topology.kept) {
      kept = false;
      removedText = `${hints.topology.removed}: ${hints.topology.detail}`;
    }
    // kube-proxy uses zone hints only where every ready endpoint has one (topologyModeFromHints).
    const unhinted = hinted.filter((e) => e.conditions.ready && (e.zoneHints === null || e.zoneHints.length === 0));
    if (kept && unhinted.length > 0) {
      kept = false;
      removedText = `ready endpoint${unhinted.length === 1 ? '' : 's'} ${someNames(unhinted.map((e) => e.address))} ${
        unhinted.length === 1 ? 'has' : 'have'
      } no zone, so kube-proxy ignores the hints`;
    }
    const hintedZones = new Set<string>();
    for (const e of hinted) if (e.conditions.ready) for (const z of e.zoneHints ?? []) hintedZones.add(z);
    const bare = zones.filter((z) => !hintedZones.has(z));
    const details = {
      requested,
      source: hints.source,
      kept,
      removed: kept ? null : removedText,
      zonesWithoutHintedEndpoints: bare,
      crossZoneShare: crossWith,
      crossZoneShareWithoutHints: without,
      measured,
    };
    const reason = kept
      ? `${how} on ${key}: the hints would be kept (${pct(crossWith)} of connections cross zones, ${pct(without)} without hints)${
          bare.length > 0
            ? `; nodes in ${someNames(bare)} have no endpoint hinted for their zone and use all endpoints`
            : ''
        }${measuredText}`
      : `${how} on ${key}: the hints would be removed (${removedText}), so every node uses all endpoints and ${pct(
          crossWith,
        )} of connections cross zones${measuredText}`;
    return { fired: true, reason, severity: kept ? 'info' : 'warning', details };
  },
};
