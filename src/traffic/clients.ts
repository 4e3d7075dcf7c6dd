// Client groups (spec/model.md §1, §4): who sends, from which node, with which source address. The node
// whose rules meet the first packet decides: the client pod's node, or the entry node for external
// clients (a NodePort they dial, or the node a load balancer forwards to).

import { parseIPv4 } from '../dataplane/ip.js';
import type { Cluster } from '../scenario/cluster.js';
import { listNames, type ScenarioIssue } from '../scenario/errors.js';
import type { ClientGroup } from '../scenario/schema.js';

export const CLIENT_POD = 0;
export const CLIENT_EXTERNAL = 1;

/** A resolved group: node indices into `cluster.nodes`, cumulative weights, and how source addresses are made. */
export interface ResolvedClientGroup {
  name: string;
  kind: typeof CLIENT_POD | typeof CLIENT_EXTERNAL;
  via: 'nodePort' | 'loadBalancer';
  /** Where the first packet is addressed: 0 the ClusterIP (pods), 1 a NodePort, 2 the load-balancer IP. */
  entry: number;
  nodes: Int32Array;
  /** Cumulative entry weights (external) normalised to end at 1; empty = even. */
  cumulativeWeights: Float64Array;
  /** Distinct source addresses (u32). For pods, `sourceNode[k]` is the node pod k runs on. */
  sourceAddresses: Uint32Array;
  sourceNode: Int32Array;
  /** fromEndpoints: index of the endpoint each source pod is (-1 otherwise). */
  sourceEndpoint: Int32Array;
}

// Synthetic client addresses: pods from 10.128.0.0/9 and external clients from 100.64.0.0/10 (RFC 6598 space,
// never a real cluster's pod range in our fixtures). Each group gets its own /16-sized block.
const POD_BASE = parseIPv4('10.128.0.0');
const EXTERNAL_BASE = parseIPv4('100.64.0.0');

export interface EndpointPlacement {
  address: string;
  nodeIndex: number;
}

export function resolveClientGroups(
  groups: readonly ClientGroup[] | undefined,
  cluster: Cluster,
  endpoints: readonly EndpointPlacement[],
  issues: ScenarioIssue[],
): ResolvedClientGroup[] {
  const list: readonly ClientGroup[] = groups ?? [
    { name: 'pods', kind: 'pod', via: 'loadBalancer', fromEndpoints: false, sourceIPs: 100 },
  ];
  const nodeIndex = new Map(cluster.nodes.map((n, i) => [n.name, i]));
  const names = cluster.nodes.map((n) => n.name);
  const seen = new Set<string>();
  return list.map((g, gi) => {
    if (seen.has(g.name))
      issues.push({ path: `traffic.clients[${gi}].name`, message: `duplicate client group "${g.name}"` });
    seen.add(g.name);
    const idx: number[] = [];
    (g.nodes ?? names).forEach((name, ni) => {
      const i = nodeIndex.get(name);
      if (i === undefined) {
        issues.push({
          path: `traffic.clients[${gi}].nodes[${ni}]`,
          message: `no node "${name}" in the snapshot; nodes are ${listNames(names)}`,
        });
      } else idx.push(i);
    });
    if (idx.length === 0 && g.nodes === undefined) {
      issues.push({
        path: `traffic.clients[${gi}]`,
        message: 'the snapshot has no nodes for this client group to run on',
      });
    }
    const kind = g.kind === 'external' ? CLIENT_EXTERNAL : CLIENT_POD;
    const cumulativeWeights = new Float64Array(g.weights === undefined ? 0 : g.weights.length);
    if (g.weights !== undefined) {
      const total = g.weights.reduce((s, w) => s + w, 0);
      let acc = 0;
      g.weights.forEach((w, i) => {
        acc += w / total;
        cumulativeWeights[i] = acc;
      });
      cumulativeWeights[cumulativeWeights.length - 1] = 1;
    }
    let sourceAddresses: Uint32Array;
    let sourceNode: Int32Array;
    let sourceEndpoint: Int32Array;
    if (g.fromEndpoints) {
      // The Service's own pods call it; pods on nodes outside `nodes` are left out.
      const allowed = new Set(idx);
      const own = endpoints.map((e, i) => ({ ...e, i })).filter((e) => e.nodeIndex >= 0 && allowed.has(e.nodeIndex));
      if (own.length === 0) {
        issues.push({
          path: `traffic.clients[${gi}].fromEndpoints`,
          message: 'no endpoint of the target Service runs on the group’s nodes',
        });
      }
      sourceAddresses = Uint32Array.from(own, (e) => parseIPv4(e.address));
      sourceNode = Int32Array.from(own, (e) => e.nodeIndex);
      sourceEndpoint = Int32Array.from(own, (e) => e.i);
    } else {
      const base = (kind === CLIENT_POD ? POD_BASE : EXTERNAL_BASE) + gi * 65536 * 4;
      sourceAddresses = new Uint32Array(g.sourceIPs);
      sourceNode = new Int32Array(g.sourceIPs);
      sourceEndpoint = new Int32Array(g.sourceIPs).fill(-1);
      for (let k = 0; k < g.sourceIPs; k++) {
        sourceAddresses[k] = (base + 1 + k) >>> 0;
        // Pods are spread round-robin over the group's nodes, as a Deployment's replicas would be.
        sourceNode[k] = kind === CLIENT_POD && idx.length > 0 ? (idx[k % idx.length] as number) : -1;
      }
    }
    return {
      name: g.name,
      kind,
      via: g.via,
      entry: kind === CLIENT_POD ? 0 : g.via === 'nodePort' ? 1 : 2,
      nodes: Int32Array.from(idx),
      cumulativeWeights,
      sourceAddresses,
      sourceNode,
      sourceEndpoint,
    };
  });
}
