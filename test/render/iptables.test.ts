import { describe, expect, it } from 'vitest';
import { renderIptables } from '../../src/render/iptables.js';
import { buildNodeView, resolveTarget } from '../../src/render/servicePorts.js';
import type { Cluster } from '../../src/scenario/cluster.js';
import { endpoint, node, overallCluster, port, service, slice, TEST_NODE } from './fixtures.js';
import { IPTABLES_OVERALL } from './goldens.js';
import { sortIptablesLikeKubeProxyTest } from './normalise.js';

/** The FakeProxier of pkg/proxy/iptables/proxier_test.go. */
const FAKE_PROXIER = { clusterCIDR: '10.0.0.0/8', nfacct: true, randomFully: false } as const;

function threeEndpointCluster(extra: Partial<Parameters<typeof service>[2]> = {}): Cluster {
  const svc = service('default', 'web', { clusterIP: '10.96.0.10', ports: [port('http', 80)], ...extra });
  return {
    nodes: [node('node-a', '192.168.1.10'), node('node-b', '192.168.1.11')],
    services: [svc],
    endpointSlices: [
      slice(
        svc,
        [
          endpoint('10.244.1.2', { nodeName: 'node-a' }),
          endpoint('10.244.2.2', { nodeName: 'node-b' }),
          endpoint('10.244.1.10', { nodeName: 'node-a' }),
        ],
        [{ name: 'http', port: 8080 }],
      ),
    ],
  };
}

describe('iptables rendering against kube-proxy TestOverallIPTablesRules', () => {
  it('writes exactly the golden filter and nat rules (after the test’s own order normalisation)', () => {
    const view = buildNodeView(overallCluster(), TEST_NODE);
    const { text } = renderIptables(view, FAKE_PROXIER);
    // The fake proxier injects masqueradeMark "0x4000"; kube-proxy itself formats 1<<14 with %#08x.
    const ours = sortIptablesLikeKubeProxyTest(text.replaceAll('0x00004000', '0x4000'));
    expect(ours).toBe(sortIptablesLikeKubeProxyTest(IPTABLES_OVERALL));
  });

  it('names chains with the hashes of the kube-proxy test (ns1/svc1:p80 + tcp)', () => {
    const { text } = renderIptables(buildNodeView(overallCluster(), TEST_NODE), FAKE_PROXIER);
    expect(text).toContain(':KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]');
    expect(text).toContain(
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80',
    );
  });

  it('is a complete, loadable iptables-save document: built-in chains, jumps, canary, COMMIT per table', () => {
    const { text, counts } = renderIptables(buildNodeView(overallCluster(), TEST_NODE), FAKE_PROXIER);
    const lines = text.split('\n');
    expect(lines.filter((l) => l === 'COMMIT')).toHaveLength(2);
    expect(lines).toContain(':PREROUTING ACCEPT [0:0]');
    expect(lines).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    // Prepended one by one, so the last jump kube-proxy ensures in INPUT comes first.
    const input = lines.filter((l) => l.startsWith('-A INPUT '));
    expect(input).toEqual([
      '-A INPUT -j KUBE-FIREWALL',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    ]);
    expect(counts.rules.nat).toBe(lines.filter((l) => l.startsWith('-A ')).length - counts.rules.filter);
    expect(counts.rulesPerChain.nat['KUBE-SVC-4SW47YFZTEDKD3PK']).toBe(3);
    // The nodeports jump is the last rule of nat KUBE-SERVICES.
    const natServices = lines.filter((l) => l.startsWith('-A KUBE-SERVICES ') && !l.includes('REJECT'));
    expect(natServices.at(-1)).toContain('kubernetes service nodeports; NOTE: this must be the last rule');
  });
});

describe('iptables rule semantics', () => {
  it('spreads three endpoints with probabilities 1/3, 1/2 then an unconditional jump, in ip:port string order', () => {
    const { text } = renderIptables(buildNodeView(threeEndpointCluster(), 'node-a'), { clusterCIDR: '10.244.0.0/16' });
    const svc = text.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('->'));
    expect(svc).toHaveLength(3);
    // "10.244.1.10:8080" < "10.244.1.2:8080" < "10.244.2.2:8080" as strings (endpointslicecache byEndpoint).
    expect(svc[0]).toContain(
      '"default/web:http -> 10.244.1.10:8080" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-',
    );
    expect(svc[1]).toContain(
      '"default/web:http -> 10.244.1.2:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-',
    );
    expect(svc[2]).toMatch(/"default\/web:http -> 10\.244\.2\.2:8080" -j KUBE-SEP-[A-Z2-7]{16}$/);
  });

  it('adds ClientIP affinity: recent --rcheck per endpoint before the cascade, --set in each KUBE-SEP', () => {
    const cluster = threeEndpointCluster({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 });
    const { text } = renderIptables(buildNodeView(cluster, 'node-a'));
    const svc = text.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-'));
    expect(
      svc.slice(0, 3).every((l) => / -m recent --name (KUBE-SEP-\S+) --rcheck --seconds 600 --reap -j \1$/.test(l)),
    ).toBe(true);
    expect(svc.slice(3).every((l) => !l.includes('recent'))).toBe(true);
    expect(
      text
        .split('\n')
        .filter((l) => /^-A KUBE-SEP-\S+ .* -m recent --name KUBE-SEP-\S+ --set -m tcp -p tcp -j DNAT/.test(l)),
    ).toHaveLength(3);
  });

  it('drops comments on endpoint rules above the large-cluster threshold', () => {
    const view = buildNodeView(threeEndpointCluster(), 'node-a');
    const small = renderIptables(view, { largeClusterEndpointsThreshold: 3 });
    const large = renderIptables(view, { largeClusterEndpointsThreshold: 2 });
    expect(small.counts.largeClusterMode).toBe(false);
    expect(large.counts.largeClusterMode).toBe(true);
    const sepOrSvc = (t: string) => t.split('\n').filter((l) => /^-A KUBE-(SEP|SVC)-/.test(l));
    expect(sepOrSvc(small.text).every((l) => l.includes('-m comment'))).toBe(true);
    expect(sepOrSvc(large.text).filter((l) => l.includes('-m comment'))).toHaveLength(0);
    // Same rules otherwise.
    expect(large.counts.rules).toEqual(small.counts.rules);
  });

  it('drops ClusterIP traffic under internalTrafficPolicy Local on a node without a local endpoint', () => {
    const svc = service('default', 'local', {
      clusterIP: '10.96.0.20',
      internalTrafficPolicy: 'Local',
      ports: [port('', 80)],
    });
    const cluster: Cluster = {
      nodes: [node('node-a', '192.168.1.10'), node('node-b', '192.168.1.11')],
      services: [svc],
      endpointSlices: [slice(svc, [endpoint('10.244.2.5', { nodeName: 'node-b' })], [{ name: '', port: 80 }])],
    };
    const a = renderIptables(buildNodeView(cluster, 'node-a')).text;
    expect(a).toContain(
      '-A KUBE-SERVICES -m comment --comment "default/local has no local endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j DROP',
    );
    expect(a).not.toContain('KUBE-SVL-');
    const b = renderIptables(buildNodeView(cluster, 'node-b')).text;
    expect(b).toMatch(
      /-A KUBE-SERVICES -m comment --comment "default\/local cluster IP" -m tcp -p tcp -d 10\.96\.0\.20 --dport 80 -j KUBE-SVL-/,
    );
  });

  it('restricts NodePorts to --nodeport-addresses and blocks localhost NodePorts when 127/8 is not covered', () => {
    const svc = service('default', 'np', { type: 'NodePort', clusterIP: '10.96.0.30', ports: [port('', 80, 30080)] });
    const cluster: Cluster = {
      nodes: [node('node-a', '192.168.1.10')],
      services: [svc],
      endpointSlices: [slice(svc, [endpoint('10.244.1.5')], [{ name: '', port: 80 }])],
    };
    const view = buildNodeView(cluster, 'node-a');
    const some = renderIptables(view, { nodePortAddresses: ['192.168.1.0/24'] }).text;
    expect(some).toContain(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.1.10 -j KUBE-NODEPORTS',
    );
    expect(some).not.toContain('KUBE-FIREWALL');
    const noLocalhost = renderIptables(view, { localhostNodePorts: false }).text;
    expect(noLocalhost).toContain('-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS');
  });

  it('counts the rules a new ClusterIP connection walks: PREROUTING, KUBE-SERVICES, cascade, KUBE-SEP', () => {
    const cluster = threeEndpointCluster();
    const view = buildNodeView(cluster, 'node-a');
    const target = resolveTarget(view, cluster, { service: 'default/web', port: 'http' });
    const t = renderIptables(view, { clusterCIDR: '10.244.0.0/16' }, target).counts.rulesTraversedToTarget;
    // 1 PREROUTING jump + 1 KUBE-SERVICES rule + 1 masquerade check + (i+1) statistic rules + 2 KUBE-SEP rules.
    expect(t?.perEndpoint.map((e) => e.rules)).toEqual([6, 7, 8]);
    expect([t?.min, t?.mean, t?.max]).toEqual([6, 7, 8]);
    expect(t?.breakdown.cascade).toEqual([1, 2, 3]);
  });
});
