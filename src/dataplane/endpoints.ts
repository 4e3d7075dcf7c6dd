// The endpoints of one Service port as kube-proxy assembles them from EndpointSlices
// (pkg/proxy/endpointslicecache.go): slices labelled with the Service's name in its namespace, of the
// proxier's address family, the slice port whose name and protocol equal the Service port's, one entry
// per "ip:port" (Endpoint.String()).

import type {
  Cluster,
  EndpointSlice,
  IPFamily,
  Service,
  ServicePort,
  ServicePortEndpoint,
} from '../scenario/cluster.js';
import { endpointString, serviceKey } from '../scenario/cluster.js';
import { addressFamily } from './ip.js';

/** The slices of every Service, keyed "namespace/name", in snapshot order. Built once per cluster. */
export interface EndpointSliceIndex {
  readonly slicesByService: ReadonlyMap<string, readonly EndpointSlice[]>;
}

const indexCache = new WeakMap<Cluster, EndpointSliceIndex>();

/**
 * The slice index of `cluster`, built on first use and cached for the lifetime of the cluster object, so a
 * lookup for one Service of a 10 000-Service cluster is a Map get rather than a scan of every slice.
 */
export function endpointSliceIndex(cluster: Cluster): EndpointSliceIndex {
  const cached = indexCache.get(cluster);
  if (cached) return cached;
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of cluster.endpointSlices) {
    const key = `${slice.namespace}/${slice.serviceName}`;
    const list = slicesByService.get(key);
    if (list) list.push(slice);
    else slicesByService.set(key, [slice]);
  }
  const index: EndpointSliceIndex = { slicesByService };
  indexCache.set(cluster, index);
  return index;
}

/**
 * The Service's primary IP family: `spec.ipFamilies[0]`, else the family of its first ClusterIP, else IPv4
 * (what the API server defaults a single-stack Service to).
 */
export function primaryIPFamily(svc: Service): IPFamily {
  const first = svc.ipFamilies[0];
  if (first) return first;
  const ip = svc.clusterIPs[0];
  return ip ? addressFamily(ip) : 'IPv4';
}

export interface EndpointsOptions {
  /** Address family of the proxier (default: the Service's primary family). */
  family?: IPFamily;
  /**
   * The node whose kube-proxy assembles the list. When two slices carry the same "ip:port", kube-proxy keeps
   * the first copy it sees unless a later one is local to its own node (endpointslicecache.go addEndpoints:
   * `if !exists || isLocal`). Without a node the first copy wins.
   */
  localNode?: string | null;
}

/**
 * The endpoints of `port` of `svc`, deduplicated by "ip:port", in EndpointSlice order (slices in snapshot
 * order, endpoints in slice order); `index` numbers the result 0..n-1 in that order.
 *
 * Faithful to endpointslicecache.go: FQDN slices and slices of the other address family are ignored (the
 * dual-stack MetaProxier routes slices by addressType), as are endpoints whose address is of the wrong
 * family; a slice contributes once per matching port (same name and protocol, port number non-zero),
 * ports taken in ascending port-number order (`sort.Sort(byPort(...))`). kube-proxy walks the slices of a
 * Service in Go map order, so which duplicate it meets first is unspecified; snapshot order stands in for
 * it here, deterministically.
 */
export function endpointsForServicePort(
  cluster: Cluster,
  svc: Service,
  port: ServicePort,
  opts: EndpointsOptions = {},
): ServicePortEndpoint[] {
  const family = opts.family ?? primaryIPFamily(svc);
  const localNode = opts.localNode ?? null;
  const slices = endpointSliceIndex(cluster).slicesByService.get(serviceKey(svc)) ?? [];
  const out: ServicePortEndpoint[] = [];
  const byKey = new Map<string, number>();
  for (const slice of slices) {
    if (slice.addressType !== family) continue;
    const ports = slice.ports
      .filter((p) => p.name === port.name && p.protocol === port.protocol && p.port !== 0)
      .sort((a, b) => a.port - b.port);
    for (const slicePort of ports) {
      for (const ep of slice.endpoints) {
        if (ep.address === '' || addressFamily(ep.address) !== family) continue;
        const key = endpointString(ep.address, slicePort.port);
        const at = byKey.get(key);
        const isLocal = localNode !== null && ep.nodeName === localNode;
        if (at === undefined) {
          byKey.set(key, out.length);
          out.push({ ...ep, port: slicePort.port, index: out.length, slice: slice.name });
        } else if (isLocal) {
          out[at] = { ...ep, port: slicePort.port, index: at, slice: slice.name };
        }
      }
    }
  }
  return out;
}

/** Go's string `<` on ASCII: code-unit order, which is byte order for the strings compared here. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order kube-proxy programs endpoints in: sorted by Endpoint.String() ("ip:port", "[v6]:port") in
 * byte order (endpointslicecache.go endpointsMapFromEndpointInfo: `sort.Sort(byEndpoint(...))`), so
 * "10.0.0.10:80" precedes "10.0.0.2:80" and even "10.0.0.1:80" (':' sorts after the digits). This
 * decides which endpoint each iptables probability rule and each nftables numgen slot belongs to.
 * Returns a new array; `index` keeps the EndpointSlice order.
 */
export function sortedForKubeProxy(eps: readonly ServicePortEndpoint[]): ServicePortEndpoint[] {
  const keyed = eps.map((ep) => ({ ep, key: endpointString(ep.address, ep.port) }));
  keyed.sort((a, b) => compareStrings(a.key, b.key));
  return keyed.map((k) => k.ep);
}
