// The zone (and node) hints the EndpointSlice controller writes, so a what-if can ask "would hints be
// kept here?" without a live cluster:
// - `service.kubernetes.io/topology-mode: Auto`: staging/src/k8s.io/endpointslice/topologycache
//   (topologycache.go SetNodes / getAllocations / AddHints, utils.go getGivingAndReceivingZones /
//   redistributeHints), allocating endpoints to zones in proportion to allocatable CPU;
// - `spec.trafficDistribution`: staging/src/k8s.io/endpointslice/trafficdist (every ready endpoint hinted
//   for its own zone, and node with PreferSameNode), used only when the annotation is not set.
//
// Go walks several maps here (zones, giving/receiving zones); where map order could change the outcome
// (ties in getMost, which receiving zone gets an endpoint) zones are taken in name order instead, so the
// result is deterministic. Whether hints are kept, and the per-zone counts, never depend on that order.

import type { Node, Service, ServicePortEndpoint } from '../scenario/cluster.js';

/** topologycache.go `overloadThreshold`: no endpoint should take more than 20 % over its fair share. */
export const OVERLOAD_THRESHOLD = 0.2;

/** Why the controller removed (or would remove) all hints; names follow topologycache's event messages. */
export type HintRemovalReason =
  | 'InsufficientNodeInfo'
  | 'InsufficientNumberOfEndpoints'
  | 'MinAllocationExceedsOverloadThreshold'
  | 'NoZoneSpecified';

export interface ZoneAllocation {
  zone: string;
  /** Share of the allocatable CPU of the counted nodes. */
  cpuRatio: number;
  minimum: number;
  maximum: number;
  /** max(ratio × N, minimum), the target redistribution aims at. */
  desired: number;
  /** Ready endpoints hinted for this zone after redistribution. */
  assigned: number;
}

export type TopologyHintResult =
  | {
      kept: true;
      /** Per endpoint (same order as the input): the zones it is hinted for; null for not-ready endpoints. */
      zoneHints: (string[] | null)[];
      allocations: ZoneAllocation[];
      /** Endpoints re-hinted from an over-allocated zone to an under-allocated one. */
      donated: number;
    }
  | { kept: false; removed: HintRemovalReason; detail: string };

/** CPU ratios per zone from TopologyCache.SetNodes, or why node information is insufficient. */
export type ZoneCpuRatios = { ok: true; ratios: Map<string, number> } | { ok: false; detail: string };

/** resource.Quantity.MilliValue of the allocatable CPU (snapshot quantities are at milli resolution). */
function milliCPU(node: Node): number {
  return Math.round(node.cpu * 1000);
}

/**
 * TopologyCache.SetNodes: skip control-plane and NotReady nodes; any remaining node without a zone label or
 * with zero allocatable CPU makes the information insufficient for every Service; so do fewer than two
 * zones (which nils the ratios, so getAllocations reports InsufficientNodeInfo).
 */
export function zoneCpuRatios(nodes: readonly Node[]): ZoneCpuRatios {
  const cpuByZone = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    if (node.controlPlane || !node.ready) continue;
    const cpu = milliCPU(node);
    if (node.zone === null || node.zone === '' || cpu === 0) {
      return { ok: false, detail: `node ${node.name} has no zone label or no allocatable CPU` };
    }
    total += cpu;
    cpuByZone.set(node.zone, (cpuByZone.get(node.zone) ?? 0) + cpu);
  }
  if (total === 0) return { ok: false, detail: 'no ready worker node' };
  if (cpuByZone.size < 2) return { ok: false, detail: 'ready worker nodes in fewer than 2 zones' };
  const ratios = new Map<string, number>();
  for (const zone of [...cpuByZone.keys()].sort()) ratios.set(zone, (cpuByZone.get(zone) ?? 0) / total);
  return { ok: true, ratios };
}

interface Allocation {
  minimum: number;
  maximum: number;
  desired: number;
}

/** getAllocations: per-zone minimum / maximum / desired for N ready endpoints, or why hints must go. */
function getAllocations(
  ratios: ReadonlyMap<string, number>,
  numEndpoints: number,
): { ok: true; allocations: Map<string, Allocation> } | { ok: false; removed: HintRemovalReason; detail: string } {
  if (ratios.size > numEndpoints) {
    return {
      ok: false,
      removed: 'InsufficientNumberOfEndpoints',
      detail: `${numEndpoints} endpoints, ${ratios.size} zones`,
    };
  }
  let remaining = numEndpoints;
  let minTotal = 0;
  const allocations = new Map<string, Allocation>();
  for (const [zone, ratio] of ratios) {
    const desired = ratio * numEndpoints;
    const minimum = Math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)));
    allocations.set(zone, { minimum, maximum: 0, desired: Math.max(desired, minimum) });
    minTotal += minimum;
    remaining -= minimum;
    if (remaining < 0) {
      return {
        ok: false,
        removed: 'MinAllocationExceedsOverloadThreshold',
        detail: `${numEndpoints} endpoints, ${ratios.size} zones`,
      };
    }
  }
  for (const a of allocations.values()) a.maximum = a.minimum + numEndpoints - minTotal;
  return { ok: true, allocations };
}

/** getMost: the zone with the strictly greatest positive value (first in iteration order on ties). */
function getMost(zones: ReadonlyMap<string, number>): [string, number] {
  let zone = '';
  let num = 0;
  for (const [z, n] of zones) {
    if (n > num) {
      zone = z;
      num = n;
    }
  }
  return [zone, num];
}

/** getGivingAndReceivingZones: whole endpoints each zone gives or receives to approach `desired`. */
function givingAndReceiving(
  allocations: ReadonlyMap<string, Allocation>,
  assigned: ReadonlyMap<string, number>,
): [Map<string, number>, Map<string, number>] {
  const givingDesired = new Map<string, number>();
  const receivingDesired = new Map<string, number>();
  for (const [zone, allocation] of allocations) {
    const hints = assigned.get(zone) ?? 0;
    if (hints > allocation.desired) givingDesired.set(zone, hints - allocation.desired);
    else if (hints < allocation.desired) receivingDesired.set(zone, allocation.desired - hints);
  }
  const giving = new Map<string, number>();
  const receiving = new Map<string, number>();
  for (;;) {
    const [gz, give] = getMost(givingDesired);
    const [rz, receive] = getMost(receivingDesired);
    if (gz === '' || rz === '' || (give < 1 && receive < 1) || give < 0.5 || receive < 0.5) break;
    giving.set(gz, (giving.get(gz) ?? 0) + 1);
    givingDesired.set(gz, give - 1);
    receiving.set(rz, (receiving.get(rz) ?? 0) + 1);
    receivingDesired.set(rz, receive - 1);
  }
  return [giving, receiving];
}

/**
 * The hints `service.kubernetes.io/topology-mode: Auto` produces for these endpoints (TopologyCache.AddHints
 * with every slice rewritten): allocations from ready endpoints and CPU ratios, each ready endpoint first
 * hinted for its own zone, then endpoints of over-allocated zones (in endpoint order) donated to
 * under-allocated zones. Hints are removed when node information is insufficient, zones outnumber ready
 * endpoints, the minimums add up to more than N, or a ready endpoint has no zone.
 */
export function topologyAwareHints(eps: readonly ServicePortEndpoint[], nodes: readonly Node[]): TopologyHintResult {
  const ratios = zoneCpuRatios(nodes);
  if (!ratios.ok) return { kept: false, removed: 'InsufficientNodeInfo', detail: ratios.detail };
  let ready = 0;
  for (const ep of eps) if (ep.conditions.ready) ready++;
  const alloc = getAllocations(ratios.ratios, ready);
  if (!alloc.ok) return { kept: false, removed: alloc.removed, detail: alloc.detail };

  const zoneHints: (string[] | null)[] = [];
  const assigned = new Map<string, number>();
  for (const ep of eps) {
    if (!ep.conditions.ready) {
      zoneHints.push(null);
      continue;
    }
    if (ep.zone === null || ep.zone === '') {
      return { kept: false, removed: 'NoZoneSpecified', detail: `endpoint ${ep.address} has no zone` };
    }
    assigned.set(ep.zone, (assigned.get(ep.zone) ?? 0) + 1);
    zoneHints.push([ep.zone]);
  }

  const [giving, receiving] = givingAndReceiving(alloc.allocations, assigned);
  let donated = 0;
  for (let i = 0; i < eps.length && giving.size > 0 && receiving.size > 0; i++) {
    const ep = eps[i]!;
    if (!ep.conditions.ready || ep.zone === null) continue;
    const from = ep.zone;
    const toGive = giving.get(from) ?? 0;
    if (toGive <= 0) continue;
    for (const [to, toReceive] of receiving) {
      if (toReceive <= 0) continue;
      zoneHints[i] = [to];
      if (toGive === 1) giving.delete(from);
      else giving.set(from, toGive - 1);
      if (toReceive === 1) receiving.delete(to);
      else receiving.set(to, toReceive - 1);
      assigned.set(to, (assigned.get(to) ?? 0) + 1);
      assigned.set(from, (assigned.get(from) ?? 0) - 1);
      donated++;
      break;
    }
  }

  const allocations: ZoneAllocation[] = [];
  for (const [zone, a] of alloc.allocations) {
    allocations.push({
      zone,
      cpuRatio: ratios.ratios.get(zone) ?? 0,
      minimum: a.minimum,
      maximum: a.maximum,
      desired: a.desired,
      assigned: assigned.get(zone) ?? 0,
    });
  }
  return { kept: true, zoneHints, allocations, donated };
}

/** trafficDistribution values the controller's preferClose heuristic handles (trafficdist.go). */
export const CLOSE_TRAFFIC_DISTRIBUTIONS: readonly string[] = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];

export interface EndpointHints {
  zoneHints: (string[] | null)[];
  nodeHints: (string[] | null)[];
}

/**
 * trafficdist.ReconcileHints: with PreferClose / PreferSameZone every ready endpoint is hinted for its own
 * zone (no CPU proportion, no overload check); PreferSameNode adds a hint for its own node. Not-ready
 * endpoints keep what they had. Any other value (or none) is the default heuristic: all hints removed.
 */
export function trafficDistributionHints(
  eps: readonly ServicePortEndpoint[],
  trafficDistribution: string | null,
): EndpointHints {
  const close = trafficDistribution !== null && CLOSE_TRAFFIC_DISTRIBUTIONS.includes(trafficDistribution);
  const nodeHintsWanted = trafficDistribution === 'PreferSameNode';
  const zoneHints: (string[] | null)[] = [];
  const nodeHints: (string[] | null)[] = [];
  for (const ep of eps) {
    if (!close) {
      zoneHints.push(null);
      nodeHints.push(null);
    } else if (!ep.conditions.ready) {
      zoneHints.push(ep.zoneHints);
      nodeHints.push(ep.nodeHints);
    } else {
      zoneHints.push(ep.zone !== null ? [ep.zone] : null);
      nodeHints.push(nodeHintsWanted && ep.nodeName !== null ? [ep.nodeName] : null);
    }
  }
  return { zoneHints, nodeHints };
}

/** hintsEnabled (endpointslice reconciler): the topology annotation asks for Auto. */
export function topologyModeAuto(svc: Service): boolean {
  return svc.topologyMode === 'Auto' || svc.topologyMode === 'auto';
}

export interface ControllerHints extends EndpointHints {
  /** What decided the hints: the topology annotation, trafficDistribution, or neither (hints stripped). */
  source: 'topologyMode' | 'trafficDistribution' | 'none';
  /** The allocation outcome when the annotation decided. */
  topology: TopologyHintResult | null;
}

/**
 * The hints the EndpointSlice controller would write for this Service: the annotation wins over
 * trafficDistribution (`canUseTrafficDistribution := ... && !hintsEnabled(...)`).
 */
export function controllerHints(
  eps: readonly ServicePortEndpoint[],
  svc: Service,
  nodes: readonly Node[],
): ControllerHints {
  if (topologyModeAuto(svc)) {
    const topology = topologyAwareHints(eps, nodes);
    const none = eps.map(() => null);
    return {
      source: 'topologyMode',
      topology,
      zoneHints: topology.kept ? topology.zoneHints : none,
      nodeHints: none,
    };
  }
  const td = trafficDistributionHints(eps, svc.trafficDistribution);
  const close = svc.trafficDistribution !== null && CLOSE_TRAFFIC_DISTRIBUTIONS.includes(svc.trafficDistribution);
  return { source: close ? 'trafficDistribution' : 'none', topology: null, ...td };
}

/** The endpoints with their hints replaced (new objects; the input is not modified). */
export function withHints(eps: readonly ServicePortEndpoint[], hints: EndpointHints): ServicePortEndpoint[] {
  return eps.map((ep, i) => ({ ...ep, zoneHints: hints.zoneHints[i] ?? null, nodeHints: hints.nodeHints[i] ?? null }));
}
