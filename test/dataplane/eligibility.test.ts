import { describe, expect, it } from 'vitest';
import { categorizeEndpoints, decideForNode } from '../../src/dataplane/eligibility.js';
import { node, port, service, spe } from './fixtures.js';

const nodeA = node('a', 'z1');
const nodeB = node('b', 'z2');
const terminating = { ready: false, serving: true, terminating: true };
const gone = { ready: false, serving: false, terminating: true };
const clusterIPOnly = service('web');
const nodePortSvc = (extra = {}) => service('web', { type: 'NodePort', ports: [port({ nodePort: 30080 })], ...extra });

describe('categorizeEndpoints: readiness', () => {
  it('uses every ready endpoint when nothing else applies', () => {
    const eps = [spe(0, '10.0.0.1', 'a', 'z1'), spe(1, '10.0.0.2', 'b', 'z2')];
    const cat = categorizeEndpoints(eps, clusterIPOnly, nodeA);
    expect(cat.clusterEndpoints).toEqual([0, 1]);
    expect(cat.localEndpoints).toBeNull();
    expect(cat.allReachableEndpoints).toEqual([0, 1]);
    expect(cat.hasAnyEndpoints).toBe(true);
  });

  it('ignores serving+terminating endpoints while any endpoint is ready', () => {
    const eps = [spe(0, '10.0.0.1', 'a', 'z1', { conditions: terminating }), spe(1, '10.0.0.2', 'b', 'z2')];
    expect(categorizeEndpoints(eps, clusterIPOnly, nodeA).clusterEndpoints).toEqual([1]);
  });

  it('falls back to serving+terminating endpoints when none is ready; non-serving ones are never used', () => {
    const eps = [
      spe(0, '10.0.0.1', 'a', 'z1', { conditions: terminating }),
      spe(1, '10.0.0.2', 'b', 'z2', { conditions: gone }),
      spe(2, '10.0.0.3', 'b', 'z2', { conditions: terminating }),
    ];
    const cat = categorizeEndpoints(eps, clusterIPOnly, nodeA);
    expect(cat.clusterEndpoints).toEqual([0, 2]);
    expect(cat.hasAnyEndpoints).toBe(true);
  });

  it('reports no endpoints (REJECT) when nothing is ready or serving', () => {
    const eps = [spe(0, '10.0.0.1', 'a', 'z1', { conditions: gone })];
    const cat = categorizeEndpoints(eps, clusterIPOnly, nodeA);
    expect(cat.hasAnyEndpoints).toBe(false);
    expect(decideForNode(cat, clusterIPOnly, port(), 'clusterIP', 'pod', { localDetector: false })).toEqual({
      kind: 'drop',
      reason: 'noEndpoints',
      action: 'REJECT',
    });
  });
});

describe('categorizeEndpoints: traffic policies', () => {
  const eps = [spe(0, '10.0.0.1', 'a', 'z1'), spe(1, '10.0.0.2', 'b', 'z2'), spe(2, '10.0.0.3', 'b', 'z2')];

  it("internalTrafficPolicy Local keeps only the deciding node's endpoints; none there → DROP", () => {
    const svc = service('web', { internalTrafficPolicy: 'Local' });
    const onB = categorizeEndpoints(eps, svc, nodeB);
    expect(onB.clusterEndpoints).toBeNull();
    expect(onB.localEndpoints).toEqual([1, 2]);
    expect(decideForNode(onB, svc, port(), 'clusterIP', 'pod', { localDetector: false })).toMatchObject({
      kind: 'forward',
      chain: 'local',
      candidates: [1, 2],
    });
    const onC = categorizeEndpoints(eps, svc, node('c', 'z3'));
    expect(onC.hasAnyEndpoints).toBe(true);
    expect(decideForNode(onC, svc, port(), 'clusterIP', 'pod', { localDetector: false })).toEqual({
      kind: 'drop',
      reason: 'noLocalEndpoint',
      action: 'DROP',
    });
  });

  it("ITP=Local falls back to the node's serving+terminating endpoints, not to remote ready ones", () => {
    const svc = service('web', { internalTrafficPolicy: 'Local' });
    const mixed = [spe(0, '10.0.0.1', 'a', 'z1', { conditions: terminating }), spe(1, '10.0.0.2', 'b', 'z2')];
    expect(categorizeEndpoints(mixed, svc, nodeA).localEndpoints).toEqual([0]);
  });

  it('externalTrafficPolicy Local: external clients use local endpoints only, or are dropped', () => {
    const svc = nodePortSvc({ externalTrafficPolicy: 'Local' });
    const onA = categorizeEndpoints(eps, svc, nodeA, { port: svc.ports[0]! });
    expect(onA.clusterEndpoints).toEqual([0, 1, 2]);
    expect(onA.localEndpoints).toEqual([0]);
    expect(decideForNode(onA, svc, svc.ports[0]!, 'nodePort', 'external', { localDetector: true })).toMatchObject({
      kind: 'forward',
      chain: 'local',
      candidates: [0],
    });
    const onC = categorizeEndpoints(eps, svc, node('c', 'z3'), { port: svc.ports[0]! });
    expect(decideForNode(onC, svc, svc.ports[0]!, 'nodePort', 'external', { localDetector: true })).toMatchObject({
      kind: 'drop',
      reason: 'noLocalEndpoint',
    });
  });

  it('ETP=Local: pods (with a local detector) and the host short-circuit to the cluster chain', () => {
    const svc = nodePortSvc({ externalTrafficPolicy: 'Local' });
    const onC = categorizeEndpoints(eps, svc, node('c', 'z3'), { port: svc.ports[0]! });
    const pod = decideForNode(onC, svc, svc.ports[0]!, 'nodePort', 'pod', { localDetector: true });
    expect(pod).toMatchObject({ kind: 'forward', chain: 'cluster', candidates: [0, 1, 2], shortCircuit: true });
    const host = decideForNode(onC, svc, svc.ports[0]!, 'nodePort', 'host', { localDetector: false });
    expect(host).toMatchObject({ kind: 'forward', chain: 'cluster', shortCircuit: true });
    // Without --cluster-cidr there is no "pod traffic" rule: the pod is treated like an external client.
    const podNoDetector = decideForNode(onC, svc, svc.ports[0]!, 'nodePort', 'pod', { localDetector: false });
    expect(podNoDetector).toMatchObject({ kind: 'drop', reason: 'noLocalEndpoint' });
  });

  it('ETP=Local does not affect ClusterIP traffic; ETP=Cluster sends external traffic to the cluster chain', () => {
    const local = nodePortSvc({ externalTrafficPolicy: 'Local' });
    const onC = categorizeEndpoints(eps, local, node('c', 'z3'), { port: local.ports[0]! });
    expect(decideForNode(onC, local, local.ports[0]!, 'clusterIP', 'pod', { localDetector: false })).toMatchObject({
      chain: 'cluster',
      candidates: [0, 1, 2],
    });
    const clusterPolicy = nodePortSvc();
    const cat = categorizeEndpoints(eps, clusterPolicy, node('c', 'z3'), { port: clusterPolicy.ports[0]! });
    expect(cat.localEndpoints).toBeNull();
    expect(
      decideForNode(cat, clusterPolicy, clusterPolicy.ports[0]!, 'nodePort', 'external', { localDetector: false }),
    ).toMatchObject({
      chain: 'cluster',
      candidates: [0, 1, 2],
    });
  });

  it('ETP is ignored for a ClusterIP-type Service (ExternalPolicyLocal needs NodePort or LoadBalancer)', () => {
    const svc = service('web', { externalTrafficPolicy: 'Local', externalIPs: ['192.0.2.10'] });
    const cat = categorizeEndpoints(eps, svc, node('c', 'z3'));
    expect(cat.localEndpoints).toBeNull();
    expect(decideForNode(cat, svc, port(), 'externalIP', 'external', { localDetector: false })).toMatchObject({
      chain: 'cluster',
    });
  });
});

describe('categorizeEndpoints: topology hints', () => {
  const hinted = [
    spe(0, '10.0.0.1', 'a', 'z1', { zoneHints: ['z1'] }),
    spe(1, '10.0.0.2', 'b', 'z2', { zoneHints: ['z2'] }),
    spe(2, '10.0.0.3', 'b', 'z2', { zoneHints: ['z2'] }),
  ];

  it("keeps the endpoints hinted for the node's zone when every ready endpoint is hinted", () => {
    const cat = categorizeEndpoints(hinted, clusterIPOnly, nodeB);
    expect(cat.topologyMode).toBe('PreferSameZone');
    expect(cat.clusterEndpoints).toEqual([1, 2]);
  });

  it('ignores hints when one ready endpoint has none (partial hints)', () => {
    const partial = [...hinted.slice(0, 2), spe(2, '10.0.0.3', 'b', 'z2')];
    const cat = categorizeEndpoints(partial, clusterIPOnly, nodeB);
    expect(cat.topologyMode).toBe('');
    expect(cat.clusterEndpoints).toEqual([0, 1, 2]);
  });

  it('a not-ready endpoint without hints does not disable them', () => {
    const withNotReady = [...hinted, spe(3, '10.0.0.4', 'a', 'z1', { conditions: gone })];
    expect(categorizeEndpoints(withNotReady, clusterIPOnly, nodeA).clusterEndpoints).toEqual([0]);
  });

  it("ignores hints when no endpoint is hinted for the node's zone, or the node has no zone", () => {
    const inZ3 = categorizeEndpoints(hinted, clusterIPOnly, node('c', 'z3'));
    expect(inZ3.topologyMode).toBe('');
    expect(inZ3.clusterEndpoints).toEqual([0, 1, 2]);
    const noZone = categorizeEndpoints(hinted, clusterIPOnly, node('d', null));
    expect(noZone.clusterEndpoints).toEqual([0, 1, 2]);
  });

  it('PreferSameNode node hints win over zone hints when the feature gate is on', () => {
    const nodeHinted = hinted.map((ep) => ({ ...ep, nodeHints: [ep.nodeName ?? ''] }));
    expect(categorizeEndpoints(nodeHinted, clusterIPOnly, nodeA).clusterEndpoints).toEqual([0]);
    const gateOff = categorizeEndpoints(nodeHinted, clusterIPOnly, nodeB, { preferSameTrafficDistribution: false });
    expect(gateOff.topologyMode).toBe('PreferSameZone');
    // A node without any node-hinted endpoint falls back to its zone's endpoints.
    const nodeB2 = node('b2', 'z2');
    const fallback = categorizeEndpoints(nodeHinted, clusterIPOnly, nodeB2);
    expect(fallback.topologyMode).toBe('PreferSameZone');
    expect(fallback.clusterEndpoints).toEqual([1, 2]);
  });

  it('topology applies to cluster endpoints only; allReachable is then the union with local ones', () => {
    const svc = nodePortSvc({ externalTrafficPolicy: 'Local' });
    const cat = categorizeEndpoints(hinted, svc, nodeA, { port: svc.ports[0]! });
    expect(cat.clusterEndpoints).toEqual([0]);
    expect(cat.localEndpoints).toEqual([0]);
    const onB = categorizeEndpoints(hinted, svc, nodeB, { port: svc.ports[0]! });
    expect(onB.allReachableEndpoints).toEqual([1, 2]);
    const crossHinted = hinted.map((ep, i) => ({ ...ep, zoneHints: [i === 0 ? 'z2' : 'z1'] }));
    const onA = categorizeEndpoints(crossHinted, svc, nodeA, { port: svc.ports[0]! });
    expect(onA.clusterEndpoints).toEqual([1, 2]);
    expect(onA.localEndpoints).toEqual([0]);
    expect(onA.allReachableEndpoints).toEqual([0, 1, 2]);
  });
});
