// The guide's first-packet cost reads the slices in one pass instead of summarizeServicePorts; on a
// snapshot with every kind of Service port it must give the data-plane cost model's numbers exactly.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOOKUP_NS,
  DEFAULT_NS_PER_RULE,
  expectedCascadeRules,
  IptablesRuleLayout,
  iptablesExpectedFirstPacketRules,
  summarizeServicePorts,
} from '../../src/dataplane/cost.js';
import type { NatOutcome } from '../../src/dataplane/nat.js';
import { Rng } from '../../src/engine/rng.js';
import { firstPacketCost } from '../../src/guide/cost.js';
import { trafficProfile } from '../../src/traffic/profile.js';
import { prepare } from './helpers.js';

function mixedCluster() {
  const nodes = ['node-a', 'node-b', 'node-c'].map((name) => ({ name, zone: 'z1', cpu: 4 }));
  const services: Record<string, unknown>[] = [];
  const endpointSlices: Record<string, unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    const type = (['ClusterIP', 'NodePort', 'LoadBalancer'] as const)[i % 3];
    const twoPorts = i % 7 === 0;
    services.push({
      name: `s${i}`,
      type,
      ...(type === 'LoadBalancer' ? { loadBalancerIPs: [`203.0.113.${i}`] } : {}),
      ...(i % 5 === 0 ? { externalIPs: [`192.0.2.${i}`] } : {}),
      ...(i % 4 === 1 && type !== 'ClusterIP' ? { externalTrafficPolicy: 'Local' } : {}),
      ...(i % 6 === 2 ? { internalTrafficPolicy: 'Local' } : {}),
      ...(type === 'LoadBalancer' && i % 2 === 0 ? { loadBalancerSourceRanges: ['198.51.100.0/24'] } : {}),
      ports: twoPorts
        ? [
            { name: 'http', port: 80 },
            { name: 'grpc', port: 9090 },
          ]
        : [{ port: 80 }],
    });
    // Every tenth Service has no endpoints; others sit on one or two nodes, some not ready.
    if (i % 10 === 9) continue;
    const endpoints = [
      { address: `10.244.${i}.1`, node: nodes[i % 3]?.name },
      { address: `10.244.${i}.2`, node: nodes[(i + 1) % 3]?.name, ready: i % 8 !== 3 },
    ];
    endpointSlices.push(
      twoPorts
        ? {
            service: `s${i}`,
            ports: [
              { name: 'http', port: 8080 },
              { name: 'grpc', port: 9090 },
            ],
            endpoints,
          }
        : { service: `s${i}`, endpoints },
    );
  }
  services.push({ name: 'headless', clusterIP: 'None', ports: [{ port: 80 }] });
  return { nodes, services, endpointSlices };
}

describe('first-packet cost', () => {
  it('equals the data-plane cost model built from summarizeServicePorts, per client group', () => {
    const p = prepare({
      cluster: mixedCluster(),
      target: { service: 's4' },
      traffic: {
        clients: [
          { name: 'web', kind: 'pod', nodes: ['node-b'] },
          { name: 'internet', kind: 'external', via: 'nodePort', nodes: ['node-c'] },
        ],
        workloads: [
          { class: 'short', client: 'web', rate: 300, serviceTime: '1ms' },
          { class: 'short', client: 'internet', rate: 100, serviceTime: '1ms' },
        ],
      },
    });
    const profile = trafficProfile(p.scenario, p.cluster, p.target);
    const nodes = new Map(p.cluster.nodes.map((n) => [n.name, n]));
    const cost = firstPacketCost(p.scenario, p.cluster, p.target.service, p.target.port, profile, nodes);
    expect(cost).not.toBeNull();

    const summaries = summarizeServicePorts(p.cluster, 'IPv4');
    const ti = summaries.findIndex((s) => s.service === p.target.service && s.port === p.target.port);
    const nat = (snat: boolean, external: boolean): NatOutcome => ({
      snat,
      internalMasquerade: false,
      externalMasquerade: external,
      hairpin: false,
      sourceIPPreserved: !snat,
      crossNode: false,
      crossZone: false,
    });
    // s4 is a NodePort Service (externalTrafficPolicy Cluster) with two ready endpoints, on node-b and node-c;
    // other Services have Local policies, so their rules differ between node-b and node-c.
    const cascade = expectedCascadeRules([0.5, 0.5]);
    const pod = iptablesExpectedFirstPacketRules(
      new IptablesRuleLayout(summaries, ti, 'node-b', new Rng(1)),
      {
        entry: 'clusterIP',
        client: 'pod',
        chain: 'cluster',
        localDetector: false,
        masqueradeAll: false,
        affinity: false,
      },
      cascade,
      nat(false, false),
    );
    const ext = iptablesExpectedFirstPacketRules(
      new IptablesRuleLayout(summaries, ti, 'node-c', new Rng(2)),
      {
        entry: 'nodePort',
        client: 'external',
        chain: 'cluster',
        localDetector: false,
        masqueradeAll: false,
        affinity: false,
      },
      cascade,
      nat(true, true),
    );
    expect(cost?.servicePorts).toBe(summaries.length);
    expect(cost?.iptablesRules).toBeCloseTo((300 * pod + 100 * ext) / 400, 9);
    expect(cost?.iptablesNs).toBeCloseTo(cost!.iptablesRules * DEFAULT_NS_PER_RULE, 9);
    expect(cost?.lookupNs).toBe(DEFAULT_LOOKUP_NS);
    // A NodePort's first packet misses every KUBE-SERVICES rule: it costs more than the ClusterIP path.
    expect(ext).toBeGreaterThan(pod);
  });
});
