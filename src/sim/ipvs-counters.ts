// A simulation's IPVS counters on one node, as `ipvsadm -Ln` and `--stats` show them: ActiveConn and
// InActConn at the end of the run (after expiring what timed out), and Conns since the start, per virtual
// server (ClusterIP, NodePort on the node's address, LoadBalancer IP) and real server.
import { ENTRY_CLUSTER_IP, ENTRY_LOAD_BALANCER, ENTRY_NODE_PORT } from '../dataplane/kubeproxy.js';
import { endpointString } from '../scenario/cluster.js';
import type { SimModel } from './model.js';
import type { RunMeasurements } from './run.js';

export interface RealServerCounters {
  activeConn: number;
  inActConn: number;
  conns: number;
}

/** Keyed like kube-proxy's VirtualServer.String() ("10.96.0.10:80/TCP"), then real server "ip:port". */
export function ipvsCountersForNode(
  model: SimModel,
  run: RunMeasurements,
  nodeName: string,
): Record<string, Record<string, RealServerCounters>> {
  const out: Record<string, Record<string, RealServerCounters>> = {};
  const node = model.cluster.nodes.findIndex((n) => n.name === nodeName);
  if (node < 0) return out;
  const svc = model.service;
  const port = model.port;
  const vips: [number, string | undefined, number][] = [
    [ENTRY_CLUSTER_IP, svc.clusterIPs[0], port.port],
    [ENTRY_NODE_PORT, model.cluster.nodes[node]?.internalIPs[0], port.nodePort],
    [ENTRY_LOAD_BALANCER, svc.loadBalancerIPs[0], port.port],
  ];
  for (const [entry, address, vport] of vips) {
    const ipvs = run.dataplane.ipvsService(node, entry);
    if (ipvs === null || address === undefined || vport === 0) continue;
    const counters: Record<string, RealServerCounters> = {};
    for (const d of ipvs.snapshot(run.simulatedSeconds).dests) {
      counters[endpointString(d.address, d.port)] = {
        activeConn: d.activeConns,
        inActConn: d.inactConns,
        conns: run.dataplane.connectionsVia(node, entry, d.endpointId),
      };
    }
    out[`${endpointString(address, vport)}/${port.protocol}`] = counters;
  }
  return out;
}
