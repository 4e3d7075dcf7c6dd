// Normalises a validated snapshot (either form of `snapshot.ts`) into the Cluster model of `cluster.ts`.
//
// Full Kubernetes objects are read the way the API server stores them: fields it would default
// (pkg/apis/core/v1/defaults.go, pkg/apis/discovery/v1/defaults.go) get the same defaults here, so a
// hand-trimmed object means what it would mean in a cluster. Shorthands get the defaults their schema
// documents. Problems that the schema cannot see (a slice without its Service label, endpoints naming an
// unknown Service or node, two Services with one name or cluster IP) are collected and thrown together
// as a SnapshotError whose paths name the offending body field.

import { isIP, isIPv4, isIPv6 } from 'node:net';
import type {
  Cluster,
  Endpoint,
  EndpointSlice,
  EndpointSlicePort,
  IPFamily,
  Node,
  Service,
  ServicePort,
  ServiceType,
} from './cluster.js';
import { serviceKey } from './cluster.js';
import { listNames, ScenarioError, type ScenarioIssue } from './errors.js';
import {
  type ClusterSnapshot,
  type EndpointSliceObjectValue,
  type EndpointsShorthandValue,
  type LegacyEndpointsValue,
  type NodeObjectValue,
  type NodeShorthandValue,
  QUANTITY_PATTERN,
  type ServiceObjectValue,
  type ServiceShorthandValue,
} from './snapshot.js';

export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
/** Deprecated since v1.17; read when the node has no topology.kubernetes.io/* label. */
export const LEGACY_LABEL_ZONE = 'failure-domain.beta.kubernetes.io/zone';
export const LEGACY_LABEL_REGION = 'failure-domain.beta.kubernetes.io/region';
export const LABEL_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
export const LABEL_MASTER = 'node-role.kubernetes.io/master';
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const ANNOTATION_TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
export const ANNOTATION_TOPOLOGY_AWARE_HINTS = 'service.kubernetes.io/topology-aware-hints';
/** v1.DefaultClientIPServiceAffinitySeconds. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
/** CPU of a shorthand node without `cpu`. */
export const DEFAULT_SHORTHAND_CPU = 1;

/** A snapshot that validates but does not hold together. The API answers 422 with these issues. */
export class SnapshotError extends ScenarioError {
  constructor(issues: ScenarioIssue[]) {
    super(issues, 422);
    this.name = 'SnapshotError';
  }
}

const MAX_ISSUES = 100;

class Issues {
  readonly list: ScenarioIssue[] = [];
  private dropped = 0;
  add(path: string, message: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push({ path, message });
    else this.dropped++;
  }
  throwIfAny(base: string): void {
    if (this.list.length === 0) return;
    if (this.dropped > 0) this.list.push({ path: base, message: `${this.dropped} more problems not listed` });
    throw new SnapshotError(this.list);
  }
}

// ---------------------------------------------------------------------------------------------------
// Quantities

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWER: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };

/**
 * A CPU quantity in cores, exact to the millicore and rounded up as `Quantity.MilliValue()` does
 * (k8s.io/apimachinery/pkg/api/resource): the topology-hint controller compares zones by MilliValue.
 * Exact decimal arithmetic, so "0.1" is 100m, not 100.00000000000001m.
 */
export function parseCpuQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = QUANTITY_PATTERN.exec(value);
  if (match === null) throw new RangeError(`"${value}" is not a Kubernetes quantity`);
  const digits = match[1] ?? '';
  const suffix = match[3] ?? '';
  const dot = digits.indexOf('.');
  const fraction = dot < 0 ? '' : digits.slice(dot + 1);
  const mantissa = BigInt((dot < 0 ? digits : digits.slice(0, dot)) + fraction || '0');
  let scale = mantissa;
  let exponent = 3 - fraction.length; // to millicores
  const binary = BINARY_POWER[suffix];
  if (binary !== undefined) scale *= 1024n ** binary;
  else if (suffix[0] === 'e' || suffix[0] === 'E') exponent += Number(suffix.slice(1));
  else exponent += DECIMAL_EXPONENT[suffix] ?? 0;
  let milli: bigint;
  if (exponent >= 0) milli = scale * 10n ** BigInt(exponent);
  else {
    const divisor = 10n ** BigInt(-exponent);
    milli = (scale + divisor - 1n) / divisor;
  }
  return Number(milli) / 1000;
}

// ---------------------------------------------------------------------------------------------------
// Helpers

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function familyOf(address: string): IPFamily | null {
  const v = isIP(address);
  return v === 4 ? 'IPv4' : v === 6 ? 'IPv6' : null;
}

function topologyFromLabels(labels: Record<string, string>): Pick<Node, 'zone' | 'region' | 'controlPlane'> {
  return {
    zone: nonEmpty(labels[LABEL_ZONE]) ?? nonEmpty(labels[LEGACY_LABEL_ZONE]),
    region: nonEmpty(labels[LABEL_REGION]) ?? nonEmpty(labels[LEGACY_LABEL_REGION]),
    // The hint controller skips nodes with either role label (topologycache.go, isControlPlaneNode); the
    // labels' values are conventionally empty, so presence is what counts.
    controlPlane: LABEL_CONTROL_PLANE in labels || LABEL_MASTER in labels,
  };
}

/**
 * `service.kubernetes.io/topology-aware-hints` wins over `topology-mode` when both are set, as in kube-proxy
 * (pkg/proxy/serviceport.go) and the EndpointSlice controller (hintsEnabled in pkg/controller/endpointslice).
 */
function topologyModeOf(annotations: Record<string, string>): string | null {
  return annotations[ANNOTATION_TOPOLOGY_AWARE_HINTS] ?? annotations[ANNOTATION_TOPOLOGY_MODE] ?? null;
}

function defaultFamilies(type: ServiceType, clusterIPs: readonly string[]): IPFamily[] {
  if (clusterIPs.length > 0) return clusterIPs.map((ip) => familyOf(ip) ?? 'IPv4');
  return type === 'ExternalName' ? [] : ['IPv4'];
}

function describePort(p: ServicePort): string {
  return p.name === '' ? `${p.port}/${p.protocol}` : `${p.name} ${p.port}/${p.protocol}`;
}

/** The API server requires a name on every port of a multi-port Service, and names to be unique. */
function checkPortNames(ports: readonly ServicePort[], path: (j: number) => string, issues: Issues): void {
  if (ports.length < 2) return;
  const seen = new Set<string>();
  ports.forEach((p, j) => {
    if (p.name === '') issues.add(path(j), 'a port name is required when the Service has several ports');
    else if (seen.has(p.name)) issues.add(path(j), `duplicate port name "${p.name}"`);
    seen.add(p.name);
  });
}

// ---------------------------------------------------------------------------------------------------
// Nodes

function nodeFromObject(obj: NodeObjectValue, path: string, issues: Issues): Node {
  const labels = { ...(obj.metadata.labels ?? {}) };
  const status = obj.status;
  const internalIPs: string[] = [];
  const families = new Set<IPFamily>();
  (status?.addresses ?? []).forEach((a, j) => {
    if (a.type !== 'InternalIP') return;
    const family = familyOf(a.address);
    if (family === null) issues.add(`${path}.status.addresses[${j}].address`, 'an InternalIP must be an IP address');
    else if (!families.has(family)) {
      families.add(family);
      internalIPs.push(a.address);
    }
  });
  return {
    name: obj.metadata.name,
    ...topologyFromLabels(labels),
    // No allocatable CPU reads as 0: the hint controller then has insufficient node information.
    cpu: parseCpuQuantity(status?.allocatable?.cpu ?? 0),
    internalIPs,
    // A node without a Ready condition is not ready (topologycache.go, isNodeReady).
    ready: status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    kubeletVersion: nonEmpty(status?.nodeInfo?.kubeletVersion),
    kubeProxyVersion: nonEmpty(status?.nodeInfo?.kubeProxyVersion),
    labels,
  };
}

function nodeFromShorthand(n: NodeShorthandValue): Node {
  const labels = { ...(n.labels ?? {}) };
  if (n.zone !== undefined) labels[LABEL_ZONE] = n.zone;
  if (n.region !== undefined) labels[LABEL_REGION] = n.region;
  if (n.controlPlane === true) labels[LABEL_CONTROL_PLANE] = '';
  return {
    name: n.name,
    ...topologyFromLabels(labels),
    cpu: parseCpuQuantity(n.cpu ?? DEFAULT_SHORTHAND_CPU),
    internalIPs: n.ip === undefined ? [] : [n.ip],
    ready: n.ready ?? true,
    kubeletVersion: n.kubeletVersion ?? null,
    kubeProxyVersion: n.kubeProxyVersion ?? null,
    labels,
  };
}

// ---------------------------------------------------------------------------------------------------
// Services

function serviceFromObject(obj: ServiceObjectValue, path: string, issues: Issues): Service {
  const spec = obj.spec;
  const type = spec.type ?? 'ClusterIP';
  const given =
    spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  // "None" is a headless Service and ExternalName has no cluster IP: kube-proxy skips both
  // (ShouldSkipService in pkg/proxy/util).
  const clusterIPs =
    type === 'ExternalName' || given[0] === 'None' ? [] : given.filter((ip) => ip !== '' && ip !== 'None');
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  const externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
  const ingress = obj.status?.loadBalancer?.ingress ?? [];
  // Proxy-mode ingress IPs are not programmed by kube-proxy (pkg/proxy/serviceport.go, IsVIPMode).
  const loadBalancerIPs = ingress.flatMap((i) => (i.ip && i.ipMode !== 'Proxy' ? [i.ip] : []));
  if (ingress.length === 0 && type === 'LoadBalancer' && spec.loadBalancerIP) loadBalancerIPs.push(spec.loadBalancerIP);
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? '',
    protocol: p.protocol ?? 'TCP',
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    nodePort: p.nodePort ?? 0,
  }));
  checkPortNames(ports, (j) => `${path}.spec.ports[${j}].name`, issues);
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    type,
    clusterIPs,
    ipFamilies:
      spec.ipFamilies && spec.ipFamilies.length > 0 ? [...spec.ipFamilies] : defaultFamilies(type, clusterIPs),
    externalIPs: [...(spec.externalIPs ?? [])],
    loadBalancerIPs,
    // kube-proxy trims the ranges because API validation lets whitespace through (serviceport.go).
    loadBalancerSourceRanges: (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()),
    ports,
    sessionAffinity: spec.sessionAffinity ?? 'None',
    sessionAffinityTimeoutSeconds:
      spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS,
    internalTrafficPolicy: spec.internalTrafficPolicy ?? 'Cluster',
    externalTrafficPolicy,
    // Only a LoadBalancer with externalTrafficPolicy Local has one (apiservice.NeedsHealthCheck).
    healthCheckNodePort:
      type === 'LoadBalancer' && externalTrafficPolicy === 'Local' ? (spec.healthCheckNodePort ?? 0) : 0,
    trafficDistribution: nonEmpty(spec.trafficDistribution),
    topologyMode: topologyModeOf(annotations),
    annotations,
  };
}

/** Deterministic stand-ins for the API server's allocators, for shorthands that leave IPs and node ports out. */
class Allocator {
  private nextV4 = 0x0a600001; // 10.96.0.1, the first address of kubeadm's default 10.96.0.0/12
  private nextV6 = 1; // fd00:10:96::1, in kind's IPv6 service range
  private nextNodePort = 30000; // bottom of the default --service-node-port-range 30000-32767
  constructor(
    private readonly usedIPs: ReadonlySet<string>,
    private readonly usedNodePorts: ReadonlySet<number>,
  ) {}

  clusterIP(family: IPFamily): string {
    for (;;) {
      let ip: string;
      if (family === 'IPv4') {
        const n = this.nextV4++;
        ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      } else {
        const n = this.nextV6++;
        ip =
          n < 0x10000
            ? `fd00:10:96::${n.toString(16)}`
            : `fd00:10:96::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
      }
      if (!this.usedIPs.has(ip)) return ip;
    }
  }

  nodePort(): number {
    while (this.usedNodePorts.has(this.nextNodePort)) this.nextNodePort++;
    return this.nextNodePort++;
  }
}

function serviceFromShorthand(s: ServiceShorthandValue, path: string, alloc: Allocator, issues: Issues): Service {
  const type = s.type ?? 'ClusterIP';
  if (s.clusterIPs !== undefined) {
    if (s.clusterIP !== undefined && s.clusterIPs[0] !== s.clusterIP)
      issues.add(`${path}.clusterIPs`, `the first entry must equal clusterIP ${s.clusterIP}`);
    if (s.clusterIPs.length === 2 && familyOf(s.clusterIPs[0] ?? '') === familyOf(s.clusterIPs[1] ?? ''))
      issues.add(`${path}.clusterIPs`, 'dual-stack cluster IPs need one IPv4 and one IPv6 address');
  }
  const given = s.clusterIPs ?? (s.clusterIP === undefined ? undefined : [s.clusterIP]);
  const givenFamilies = given?.[0] === 'None' ? undefined : given?.map((ip) => familyOf(ip) ?? 'IPv4');
  if (s.ipFamilies !== undefined && givenFamilies !== undefined && s.ipFamilies.join() !== givenFamilies.join())
    issues.add(
      `${path}.ipFamilies`,
      `${s.ipFamilies.join(', ')} does not match the cluster IPs (${givenFamilies.join(', ')})`,
    );
  const ipFamilies = s.ipFamilies ?? givenFamilies ?? ['IPv4'];
  const clusterIPs =
    given === undefined ? ipFamilies.map((f) => alloc.clusterIP(f)) : given[0] === 'None' ? [] : [...given];
  const externallyReachable = type === 'NodePort' || type === 'LoadBalancer';
  const ports: ServicePort[] = s.ports.map((p, j) => {
    if (p.nodePort !== undefined && !externallyReachable)
      issues.add(`${path}.ports[${j}].nodePort`, 'a node port needs type NodePort or LoadBalancer');
    return {
      name: p.name ?? '',
      protocol: p.protocol ?? 'TCP',
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      nodePort: p.nodePort ?? (externallyReachable ? alloc.nodePort() : 0),
    };
  });
  checkPortNames(ports, (j) => `${path}.ports[${j}].name`, issues);
  const externalTrafficPolicy = s.externalTrafficPolicy ?? 'Cluster';
  const needsHealthCheck = type === 'LoadBalancer' && externalTrafficPolicy === 'Local';
  if (s.healthCheckNodePort !== undefined && !needsHealthCheck)
    issues.add(
      `${path}.healthCheckNodePort`,
      'only a LoadBalancer with externalTrafficPolicy Local has a health-check node port',
    );
  const annotations = { ...(s.annotations ?? {}) };
  if (s.topologyMode !== undefined) annotations[ANNOTATION_TOPOLOGY_MODE] = s.topologyMode;
  return {
    namespace: s.namespace ?? 'default',
    name: s.name,
    type,
    clusterIPs,
    ipFamilies: [...ipFamilies],
    externalIPs: [...(s.externalIPs ?? [])],
    loadBalancerIPs: [...(s.loadBalancerIPs ?? [])],
    loadBalancerSourceRanges: (s.loadBalancerSourceRanges ?? []).map((r) => r.trim()),
    ports,
    sessionAffinity: s.sessionAffinity ?? 'None',
    sessionAffinityTimeoutSeconds: s.sessionAffinityTimeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS,
    internalTrafficPolicy: s.internalTrafficPolicy ?? 'Cluster',
    externalTrafficPolicy,
    healthCheckNodePort: needsHealthCheck ? (s.healthCheckNodePort ?? alloc.nodePort()) : 0,
    trafficDistribution: s.trafficDistribution ?? null,
    topologyMode: topologyModeOf(annotations),
    annotations,
  };
}

// ---------------------------------------------------------------------------------------------------
// EndpointSlices

function fitsAddressType(address: string, addressType: EndpointSlice['addressType']): boolean {
  return addressType === 'IPv4' ? isIPv4(address) : addressType === 'IPv6' ? isIPv6(address) : true;
}

function addressTypeMessage(address: string, addressType: EndpointSlice['addressType']): string {
  return `"${address}" is not an ${addressType} address (the slice's addressType)`;
}

function sliceFromObject(obj: EndpointSliceObjectValue, path: string, issues: Issues): EndpointSlice {
  const namespace = obj.metadata.namespace ?? 'default';
  const serviceName = nonEmpty(obj.metadata.labels?.[LABEL_SERVICE_NAME]);
  if (serviceName === null) {
    issues.add(
      `${path}.metadata.labels["${LABEL_SERVICE_NAME}"]`,
      `EndpointSlice "${namespace}/${obj.metadata.name}" has no ${LABEL_SERVICE_NAME} label, so it belongs to no Service (kube-proxy ignores it)`,
    );
  }
  const addressType = obj.addressType;
  const source = obj.endpoints ?? [];
  const endpoints: Endpoint[] = new Array(source.length);
  for (let j = 0; j < source.length; j++) {
    const ep = source[j]!;
    const address = ep.addresses[0];
    if (!fitsAddressType(address, addressType))
      issues.add(`${path}.endpoints[${j}].addresses[0]`, addressTypeMessage(address, addressType));
    // nil conditions as kube-proxy reads them (pkg/proxy/endpointslicecache.go): ready ⇒ true, serving ⇒ true,
    // terminating ⇒ false. (The API doc says a nil serving "defers to ready"; kube-proxy, which we model, does not.)
    const ready = ep.conditions?.ready ?? true;
    const forZones = ep.hints?.forZones;
    const forNodes = ep.hints?.forNodes;
    endpoints[j] = {
      address,
      conditions: { ready, serving: ep.conditions?.serving ?? true, terminating: ep.conditions?.terminating ?? false },
      nodeName: nonEmpty(ep.nodeName),
      zone: nonEmpty(ep.zone),
      // Empty hint lists are no hints (pkg/proxy/endpointslicecache.go).
      zoneHints: forZones && forZones.length > 0 ? forZones.map((z) => z.name) : null,
      nodeHints: forNodes && forNodes.length > 0 ? forNodes.map((n) => n.name) : null,
      podName: ep.targetRef?.kind === 'Pod' ? nonEmpty(ep.targetRef.name) : null,
    };
  }
  const ports: EndpointSlicePort[] = [];
  for (const p of obj.ports ?? []) {
    // A port without a number is skipped by kube-proxy ("Ignoring invalid endpoint port",
    // endpointslicecache.go); a missing name or protocol is defaulted by the API server to "" and TCP.
    if (p.port === null || p.port === undefined) continue;
    ports.push({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port });
  }
  return { namespace, name: obj.metadata.name, serviceName: serviceName ?? '', addressType, endpoints, ports };
}

interface ServiceIndex {
  byKey: Map<string, Service>;
  byName: Map<string, Service[]>;
  keys: string[];
}

function resolveServiceRef(ref: string, index: ServiceIndex): Service | string {
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    return index.byKey.get(ref) ?? `no Service "${ref}" in the snapshot; its Services: ${listNames(index.keys)}`;
  }
  const candidates = index.byName.get(ref) ?? [];
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1)
    return `"${ref}" names a Service in several namespaces (${listNames(candidates.map(serviceKey))}); write namespace/name`;
  return index.keys.length === 0
    ? `no Service "${ref}": the snapshot has no Services`
    : `no Service named "${ref}" in any namespace; the snapshot's Services: ${listNames(index.keys)}`;
}

function sliceFromShorthand(
  s: EndpointsShorthandValue,
  path: string,
  svc: Service,
  sliceName: string,
  nodes: ReadonlyMap<string, Node>,
  issues: Issues,
): EndpointSlice {
  let ports: EndpointSlicePort[];
  if (s.ports !== undefined) {
    ports = s.ports.map((p, j) => {
      let name = p.name;
      if (name === undefined) {
        const only = svc.ports.length === 1 ? svc.ports[0] : undefined;
        if (only === undefined && svc.ports.length > 1)
          issues.add(
            `${path}.ports[${j}].name`,
            `Service "${serviceKey(svc)}" has several ports (${listNames(svc.ports.map((sp) => sp.name))}); name the one this is`,
          );
        name = only?.name ?? '';
      }
      const servicePort = svc.ports.find((sp) => sp.name === name);
      return { name, protocol: p.protocol ?? servicePort?.protocol ?? 'TCP', port: p.port };
    });
  } else {
    // What the EndpointSlice controller writes for numeric target ports; a named target port is resolved
    // against each Pod's containers, which a shorthand does not have.
    ports = [];
    for (const sp of svc.ports) {
      if (typeof sp.targetPort === 'number') ports.push({ name: sp.name, protocol: sp.protocol, port: sp.targetPort });
      else
        issues.add(
          `${path}.ports`,
          `Service port ${describePort(sp)} targets the named container port "${sp.targetPort}"; give ports: [{ name: "${sp.name}", port: <number> }]`,
        );
    }
  }
  const first = s.endpoints[0];
  const addressType =
    s.addressType ?? (first === undefined ? undefined : familyOf(first.address)) ?? svc.ipFamilies[0] ?? 'IPv4';
  const endpoints = s.endpoints.map((e, j): Endpoint => {
    if (!fitsAddressType(e.address, addressType))
      issues.add(`${path}.endpoints[${j}].address`, addressTypeMessage(e.address, addressType));
    const node = e.node === undefined ? undefined : nodes.get(e.node);
    if (e.node !== undefined && node === undefined)
      issues.add(
        `${path}.endpoints[${j}].node`,
        `no node "${e.node}" in the snapshot; its nodes: ${listNames([...nodes.keys()])}`,
      );
    const ready = e.ready ?? true;
    return {
      address: e.address,
      conditions: { ready, serving: e.serving ?? true, terminating: e.terminating ?? false },
      nodeName: e.node ?? null,
      zone: e.zone ?? node?.zone ?? null,
      zoneHints: e.hints && e.hints.length > 0 ? [...e.hints] : null,
      nodeHints: e.nodeHints && e.nodeHints.length > 0 ? [...e.nodeHints] : null,
      podName: e.pod ?? null,
    };
  });
  return { namespace: svc.namespace, name: sliceName, serviceName: svc.name, addressType, endpoints, ports };
}

/**
 * kube-proxy reads only EndpointSlices. In a cluster the EndpointSlice controller writes them for Services
 * with a selector and the mirroring controller copies legacy Endpoints of selector-less Services. A
 * snapshot that has an Endpoints object but no slice for its Service therefore gets the slices the
 * mirroring controller would write (pkg/controller/endpointslicemirroring): one per subset and address
 * family, ready addresses then not-ready ones, no zone. Services that have slices keep only those.
 */
function slicesFromLegacy(obj: LegacyEndpointsValue, path: string, issues: Issues): EndpointSlice[] {
  const namespace = obj.metadata.namespace ?? 'default';
  const name = obj.metadata.name;
  const slices: EndpointSlice[] = [];
  (obj.subsets ?? []).forEach((subset, i) => {
    const ports = (subset.ports ?? []).map((p) => ({
      name: p.name ?? '',
      protocol: p.protocol ?? 'TCP',
      port: p.port,
    }));
    const byFamily: Record<IPFamily, Endpoint[]> = { IPv4: [], IPv6: [] };
    const add = (list: typeof subset.addresses, ready: boolean, key: string) => {
      (list ?? []).forEach((a, j) => {
        const family = familyOf(a.ip);
        if (family === null) {
          issues.add(`${path}.subsets[${i}].${key}[${j}].ip`, 'must be an IPv4 or IPv6 address');
          return;
        }
        byFamily[family].push({
          address: a.ip,
          conditions: { ready, serving: ready, terminating: false },
          nodeName: nonEmpty(a.nodeName),
          zone: null,
          zoneHints: null,
          nodeHints: null,
          podName: a.targetRef?.kind === 'Pod' ? nonEmpty(a.targetRef.name) : null,
        });
      });
    };
    add(subset.addresses, true, 'addresses');
    add(subset.notReadyAddresses, false, 'notReadyAddresses');
    for (const addressType of ['IPv4', 'IPv6'] as const) {
      const endpoints = byFamily[addressType];
      if (endpoints.length === 0) continue;
      slices.push({ namespace, name: `${name}-${slices.length}`, serviceName: name, addressType, endpoints, ports });
    }
  });
  return slices;
}

// ---------------------------------------------------------------------------------------------------
// The snapshot

interface Located<T> {
  value: T;
  path: string;
}

type NodeEntry = Located<NodeObjectValue | NodeShorthandValue>;
type ServiceEntry = Located<ServiceObjectValue | ServiceShorthandValue>;
type SliceEntry = Located<EndpointSliceObjectValue | EndpointsShorthandValue>;

/** Where a duplicate's first occurrence is, for "also at ..." messages. */
function claim<K>(seen: Map<K, string>, key: K, path: string): string | undefined {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, path);
  return first;
}

/**
 * Normalises a snapshot validated by `ClusterSnapshot` into the Cluster model. `base` is the body path of
 * the snapshot, used in error paths. Throws SnapshotError listing every problem found.
 */
export function ingestCluster(snapshot: ClusterSnapshot, base = 'cluster'): Cluster {
  const issues = new Issues();
  const nodeEntries: NodeEntry[] = [];
  const serviceEntries: ServiceEntry[] = [];
  const sliceEntries: SliceEntry[] = [];
  const legacy: Located<LegacyEndpointsValue>[] = [];
  if (snapshot.items !== undefined) {
    snapshot.items.forEach((item, i) => {
      const path = `${base}.items[${i}]`;
      if (item === undefined) return;
      if (item.kind === 'Node') nodeEntries.push({ value: item, path });
      else if (item.kind === 'Service') serviceEntries.push({ value: item, path });
      else if (item.kind === 'EndpointSlice') sliceEntries.push({ value: item, path });
      else if (item.kind === 'Endpoints') legacy.push({ value: item, path });
    });
  } else {
    for (const [i, value] of (snapshot.nodes ?? []).entries()) nodeEntries.push({ value, path: `${base}.nodes[${i}]` });
    for (const [i, value] of (snapshot.services ?? []).entries())
      serviceEntries.push({ value, path: `${base}.services[${i}]` });
    for (const [i, value] of (snapshot.endpointSlices ?? []).entries())
      sliceEntries.push({ value, path: `${base}.endpointSlices[${i}]` });
  }

  const nodes: Node[] = [];
  const nodesByName = new Map<string, Node>();
  const nodeSeen = new Map<string, string>();
  for (const { value, path } of nodeEntries) {
    const full = 'metadata' in value;
    const node = full ? nodeFromObject(value, path, issues) : nodeFromShorthand(value);
    const namePath = full ? `${path}.metadata.name` : `${path}.name`;
    const first = claim(nodeSeen, node.name, namePath);
    if (first !== undefined) issues.add(namePath, `duplicate node "${node.name}" (also at ${first})`);
    else nodesByName.set(node.name, node);
    nodes.push(node);
  }

  // Cluster IPs and node ports written in the snapshot, so that allocation for shorthands avoids them.
  const usedIPs = new Set<string>();
  const usedNodePorts = new Set<number>();
  for (const { value } of serviceEntries) {
    if ('metadata' in value) {
      for (const ip of [value.spec.clusterIP, ...(value.spec.clusterIPs ?? [])])
        if (ip && ip !== 'None') usedIPs.add(ip);
      for (const p of value.spec.ports ?? []) if (p.nodePort) usedNodePorts.add(p.nodePort);
      if (value.spec.healthCheckNodePort) usedNodePorts.add(value.spec.healthCheckNodePort);
    } else {
      for (const ip of [value.clusterIP, ...(value.clusterIPs ?? [])]) if (ip && ip !== 'None') usedIPs.add(ip);
      for (const p of value.ports) if (p.nodePort) usedNodePorts.add(p.nodePort);
      if (value.healthCheckNodePort) usedNodePorts.add(value.healthCheckNodePort);
    }
  }
  const alloc = new Allocator(usedIPs, usedNodePorts);

  const services: Service[] = [];
  const index: ServiceIndex = { byKey: new Map(), byName: new Map(), keys: [] };
  const serviceSeen = new Map<string, string>();
  const ipOwner = new Map<string, string>();
  const nodePortOwner = new Map<number, string>();
  for (const { value, path } of serviceEntries) {
    const full = 'metadata' in value;
    const svc = full ? serviceFromObject(value, path, issues) : serviceFromShorthand(value, path, alloc, issues);
    const key = serviceKey(svc);
    const namePath = full ? `${path}.metadata.name` : `${path}.name`;
    const first = claim(serviceSeen, key, namePath);
    if (first !== undefined) {
      issues.add(namePath, `duplicate Service "${key}" (also at ${first})`);
      continue;
    }
    for (const ip of svc.clusterIPs) {
      const owner = claim(ipOwner, ip, key);
      if (owner !== undefined)
        issues.add(
          full ? `${path}.spec.clusterIPs` : `${path}.clusterIP`,
          `cluster IP ${ip} is also the cluster IP of "${owner}"`,
        );
    }
    const portNumbers = [...new Set([...svc.ports.map((p) => p.nodePort), svc.healthCheckNodePort])];
    for (const nodePort of portNumbers) {
      if (nodePort === 0) continue;
      const owner = claim(nodePortOwner, nodePort, key);
      if (owner !== undefined)
        issues.add(`${path}${full ? '.spec' : ''}.ports`, `node port ${nodePort} is also used by "${owner}"`);
    }
    services.push(svc);
    index.byKey.set(key, svc);
    index.keys.push(key);
    const sameName = index.byName.get(svc.name);
    if (sameName === undefined) index.byName.set(svc.name, [svc]);
    else sameName.push(svc);
  }

  const endpointSlices: EndpointSlice[] = [];
  const sliceSeen = new Map<string, string>();
  const slicesPerService = new Map<string, number>();
  for (const { value, path } of sliceEntries) {
    let slice: EndpointSlice;
    let namePath: string;
    if ('metadata' in value) {
      slice = sliceFromObject(value, path, issues);
      namePath = `${path}.metadata.name`;
    } else {
      const svc = resolveServiceRef(value.service, index);
      if (typeof svc === 'string') {
        issues.add(`${path}.service`, svc);
        continue;
      }
      const key = serviceKey(svc);
      const n = slicesPerService.get(key) ?? 0;
      slicesPerService.set(key, n + 1);
      slice = sliceFromShorthand(value, path, svc, value.name ?? `${svc.name}-${n}`, nodesByName, issues);
      namePath = value.name === undefined ? `${path}.service` : `${path}.name`;
    }
    const sliceKey = `${slice.namespace}/${slice.name}`;
    const first = claim(sliceSeen, sliceKey, namePath);
    if (first !== undefined) issues.add(namePath, `duplicate EndpointSlice "${sliceKey}" (also at ${first})`);
    else endpointSlices.push(slice);
  }

  const servicesWithSlices = new Set(endpointSlices.map((s) => `${s.namespace}/${s.serviceName}`));
  for (const { value, path } of legacy) {
    const key = `${value.metadata.namespace ?? 'default'}/${value.metadata.name}`;
    if (index.byKey.has(key) && !servicesWithSlices.has(key))
      endpointSlices.push(...slicesFromLegacy(value, path, issues));
  }

  issues.throwIfAny(base);
  return { nodes, services, endpointSlices };
}
