import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NS_PER_RULE,
  expectedCascadeRules,
  firstPacketNs,
  IptablesRuleLayout,
  iptablesExpectedFirstPacketRules,
  iptablesFirstPacketRules,
  ipvsFirstPacketRules,
  nftablesFirstPacketRules,
  nodeRuleCounts,
  type PathSpec,
  summarizeServicePorts,
} from '../../src/dataplane/cost.js';
import { cascadeShares } from '../../src/dataplane/iptables.js';
import type { NatOutcome } from '../../src/dataplane/nat.js';
import { Rng } from '../../src/engine/rng.js';
import type { Service } from '../../src/scenario/cluster.js';
import { cluster, endpoint, node, port, service, slice } from './fixtures.js';

function servicesCluster(count: number, extra: (i: number) => Partial<Service> = () => ({})) {
  const services = [];
  const slices = [];
  for (let i = 0; i < count; i++) {
    services.push(service(`s${i}`, { clusterIPs: [`10.96.${i >> 8}.${i & 255}`], ...extra(i) }));
    slices.push(slice(`s${i}-x`, `s${i}`, [endpoint(`10.1.${i >> 8}.${i & 255}`, 'a', 'z1')]));
  }
  return cluster([node('a', 'z1'), node('b', 'z1')], services, slices);
}

const noNat: NatOutcome = {
  snat: false,
  internalMasquerade: false,
  externalMasquerade: false,
  hairpin: false,
  sourceIPPreserved: true,
  crossNode: false,
  crossZone: false,
};
const podToClusterIP: PathSpec = {
  entry: 'clusterIP',
  client: 'pod',
  chain: 'cluster',
  localDetector: false,
  masqueradeAll: false,
  affinity: false,
};

describe('KUBE-SERVICES rules per Service port', () => {
  it('counts the ClusterIP rule, one per external IP and one per LB IP', () => {
    const c = servicesCluster(1, () => ({
      type: 'LoadBalancer',
      externalIPs: ['192.0.2.1', '192.0.2.2'],
      loadBalancerIPs: ['198.51.100.7'],
      ports: [port({ nodePort: 30080 })],
    }));
    const [s] = summarizeServicePorts(c, 'IPv4');
    expect(s && nodeRuleCounts(s, 'a')).toEqual({
      natServices: 4,
      natNodePorts: 1,
      filterServices: 0,
      filterExternal: 0,
      firewall: 0,
    });
  });

  it('moves the rules of a Service without (local) endpoints to filter REJECT/DROP rules', () => {
    const c = servicesCluster(2, (i) =>
      i === 0
        ? { internalTrafficPolicy: 'Local' }
        : {
            type: 'NodePort',
            externalTrafficPolicy: 'Local',
            externalIPs: ['192.0.2.1'],
            ports: [port({ nodePort: 30081 })],
          },
    );
    const [itp, etp] = summarizeServicePorts(c, 'IPv4');
    // Endpoints live on node a only.
    expect(itp && nodeRuleCounts(itp, 'b')).toMatchObject({ natServices: 0, filterServices: 1 });
    expect(itp && nodeRuleCounts(itp, 'a')).toMatchObject({ natServices: 1, filterServices: 0 });
    expect(etp && nodeRuleCounts(etp, 'b')).toMatchObject({ natServices: 2, natNodePorts: 1, filterExternal: 2 });
  });

  it('skips headless and other-family Services', () => {
    const c = servicesCluster(3, (i) =>
      i === 0 ? { clusterIPs: [] } : i === 1 ? { clusterIPs: ['fd00::1'], ipFamilies: ['IPv6'] } : {},
    );
    expect(summarizeServicePorts(c, 'IPv4')).toHaveLength(1);
  });
});

describe('iptables first-packet rules', () => {
  const five = summarizeServicePorts(servicesCluster(5), 'IPv4');

  it('pod → ClusterIP: PREROUTING, KUBE-SERVICES up to the target, the cascade, KUBE-SEP, POSTROUTING, filter FORWARD', () => {
    const layout = new IptablesRuleLayout(five, 2, 'a', new Rng(1, 'order'));
    expect(layout.natServicesRules).toBe(5);
    // 1 jump + (2 before + 1) + 1 cascade rule + 2 SEP + (1 + 1) POSTROUTING + FORWARD (1 + 3 + 1 + 2).
    expect(iptablesFirstPacketRules(layout, podToClusterIP, 1, noNat, 2)).toBe(16);
    // --masquerade-all: the chain's masquerade rule matches, KUBE-POSTROUTING masquerades, KUBE-FORWARD accepts.
    const masq = { ...noNat, snat: true, internalMasquerade: true, sourceIPPreserved: false };
    expect(iptablesFirstPacketRules(layout, { ...podToClusterIP, masqueradeAll: true }, 1, masq, 2)).toBe(17);
  });

  it('NodePort traffic passes every Service rule, then KUBE-NODEPORTS and KUBE-EXT', () => {
    const summaries = summarizeServicePorts(
      servicesCluster(100, (i) => (i === 7 ? { type: 'NodePort', ports: [port({ nodePort: 30007 })] } : {})),
      'IPv4',
    );
    const layout = new IptablesRuleLayout(summaries, 7, 'a', new Rng(2, 'order'));
    const spec: PathSpec = { ...podToClusterIP, entry: 'nodePort', client: 'external' };
    const snat = { ...noNat, snat: true, externalMasquerade: true, sourceIPPreserved: false };
    // 1 + (100 + 1) + (0 + 1) + EXT 3 + 1 + SEP 2 + POSTROUTING 4 + FORWARD (1 + 3) = 117.
    expect(iptablesFirstPacketRules(layout, spec, 1, snat)).toBe(117);
  });

  it('the target sits at a uniformly random place in KUBE-SERVICES, the middle on average', () => {
    const summaries = summarizeServicePorts(servicesCluster(1000), 'IPv4');
    const layout = new IptablesRuleLayout(summaries, 500, 'a', new Rng(3, 'order'));
    expect(layout.expectedKubeServicesBefore()).toBe(499.5);
    const rng = new Rng(4, 'sync');
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    const syncs = 20_000;
    for (let i = 0; i < syncs; i++) {
      layout.sampleSync(rng);
      sum += layout.kubeServicesBefore;
      min = Math.min(min, layout.kubeServicesBefore);
      max = Math.max(max, layout.kubeServicesBefore);
    }
    // Uniform on 0..999: sd 288.7, so 4 standard errors of the mean = 8.2.
    expect(Math.abs(sum / syncs - 499.5)).toBeLessThan(8.2);
    expect(min).toBe(0);
    expect(max).toBe(999);
  });

  it('grows with the number of Services while nftables and IPVS stay constant', () => {
    const cascade = expectedCascadeRules(cascadeShares(3));
    expect(cascade).toBeCloseTo(2, 8);
    const expected = (count: number) => {
      const summaries = summarizeServicePorts(servicesCluster(count), 'IPv4');
      const layout = new IptablesRuleLayout(summaries, 0, 'a', new Rng(5, 'order'));
      return iptablesExpectedFirstPacketRules(layout, podToClusterIP, cascade, noNat);
    };
    expect(expected(10_000) - expected(1_000)).toBeCloseTo(4500, 8);
    expect(expected(10_000)).toBeCloseTo(5014.5, 8);
    const svc = service('web');
    expect(nftablesFirstPacketRules(podToClusterIP, svc, 1, noNat)).toBe(14);
    expect(ipvsFirstPacketRules(podToClusterIP, noNat)).toBe(7);
    expect(firstPacketNs(expected(10_000))).toBeCloseTo(5014.5 * DEFAULT_NS_PER_RULE, 6);
  });

  it('nftables: NodePort misses the service map and takes the nodeport map; ETP=Cluster marks in the external chain', () => {
    const svc = service('web', { type: 'NodePort', ports: [port({ nodePort: 30080 })] });
    const snat = { ...noNat, snat: true, externalMasquerade: true, sourceIPPreserved: false };
    const spec: PathSpec = { ...podToClusterIP, entry: 'nodePort', client: 'external' };
    // 2 firewall-check + 1 jump + 2 maps + 3 external + 1 numgen + 2 endpoint + 4 postrouting + 5 filter.
    expect(nftablesFirstPacketRules(spec, svc, 1, snat)).toBe(20);
  });
});
