import { describe, expect, it } from 'vitest';
import { renderNftables } from '../../src/render/nftables.js';
import { buildNodeView, resolveTarget } from '../../src/render/servicePorts.js';
import type { Cluster } from '../../src/scenario/cluster.js';
import { endpoint, node, overallCluster, port, service, slice, TEST_NODE, TEST_NODE_IP } from './fixtures.js';
import { NFTABLES_OVERALL } from './goldens.js';
import { comparable, parseNftListing, parseNftTransaction } from './normalise.js';

/** The FakeProxier of pkg/proxy/nftables/proxier_test.go. */
const FAKE_PROXIER = {
  clusterCIDR: '10.0.0.0/8',
  nodePortAddresses: [`${TEST_NODE_IP}/32`],
  serviceCIDRs: ['172.30.0.0/16'],
} as const;

describe('nftables rendering against kube-proxy TestOverallNFTablesRules', () => {
  it('has the golden chains with the golden rules in order, and the golden set and map elements', () => {
    const { text } = renderNftables(buildNodeView(overallCluster(), TEST_NODE), FAKE_PROXIER);
    expect(comparable(parseNftListing(text))).toEqual(comparable(parseNftTransaction(NFTABLES_OVERALL)));
  });

  it('prints the table as nft list ruleset does: sets first, base chain headers, affinity set with timeout', () => {
    const { text } = renderNftables(buildNodeView(overallCluster(), TEST_NODE), FAKE_PROXIER);
    expect(text.startsWith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n\tset cluster-ips {\n')).toBe(
      true,
    );
    expect(text).toContain(
      '\tchain nat-prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n\t}',
    );
    expect(text).toContain(
      '\tset affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 {\n\t\ttype ipv4_addr\n\t\tsize 65535\n\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}',
    );
    expect(text.indexOf('\tmap service-nodeports {')).toBeLessThan(text.indexOf('\tchain '));
    expect(text.endsWith('\t}\n}\n')).toBe(true);
  });
});

describe('nftables rule semantics', () => {
  function cluster(n: number): Cluster {
    const svc = service('default', 'web', { clusterIP: '10.96.0.10', ports: [port('http', 80, 30080)] });
    const eps = Array.from({ length: n }, (_, i) => endpoint(`10.244.${i + 1}.7`));
    return {
      nodes: [node('node-a', '192.168.1.10')],
      services: [svc],
      endpointSlices: [slice(svc, eps, [{ name: 'http', port: 8080 }])],
    };
  }

  it('spreads n endpoints with one numgen verdict map of n slots, in ip:port string order', () => {
    const { text } = renderNftables(buildNodeView(cluster(3), 'node-a'));
    const numgen = text.split('\n').find((l) => l.includes('numgen')) ?? '';
    expect(numgen.trim()).toMatch(
      /^numgen random mod 3 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__10\.244\.1\.7\/8080, 1 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__10\.244\.2\.7\/8080, 2 : goto endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__10\.244\.3\.7\/8080 \}$/,
    );
  });

  it('defaults --nodeport-addresses to the node IP (primary) and lists set elements by little-endian key', () => {
    const { text } = renderNftables(buildNodeView(cluster(1), 'node-a'));
    expect(text).toContain(
      '\tset nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment "IPs that accept NodePort traffic"\n\t\telements = { 192.168.1.10 }\n\t}',
    );
    expect(text).toContain('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports');
    const all = renderNftables(buildNodeView(cluster(1), 'node-a'), { nodePortAddresses: ['0.0.0.0/0'] }).text;
    expect(all).not.toContain('nodeport-ips');
    expect(all).toContain(
      'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    );
  });

  it('costs the same few rules whatever the endpoint: a hash lookup, then numgen', () => {
    const c = cluster(4);
    const view = buildNodeView(c, 'node-a');
    const target = resolveTarget(view, c, { service: 'web' });
    const t = renderNftables(view, { clusterCIDR: '10.244.0.0/16' }, target).counts.rulesTraversedToTarget;
    // jump services + vmap @service-ips + masquerade check + numgen + hairpin + dnat.
    expect(t?.perEndpoint.map((e) => e.rules)).toEqual([6, 6, 6, 6]);
  });
});
