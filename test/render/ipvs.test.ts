import { describe, expect, it } from 'vitest';
import { RenderInputError } from '../../src/render/errors.js';
import { renderIpvs } from '../../src/render/ipvs.js';
import { buildNodeView } from '../../src/render/servicePorts.js';
import type { Cluster } from '../../src/scenario/cluster.js';
import { endpoint, node, port, service, slice } from './fixtures.js';

const TERMINATING = { ready: false, serving: true, terminating: true };

function cluster(): Cluster {
  const dns = service('kube-system', 'dns', {
    clusterIP: '10.96.0.10',
    ports: [port('dns', 53, 0, 'UDP'), port('dns-tcp', 53)],
  });
  const web = service('default', 'web', {
    type: 'NodePort',
    clusterIP: '10.96.0.20',
    ports: [port('http', 80, 30080)],
    sessionAffinity: 'ClientIP',
    sessionAffinityTimeoutSeconds: 10800,
  });
  return {
    nodes: [node('node-a', '192.168.1.10')],
    services: [dns, web],
    endpointSlices: [
      slice(
        dns,
        [endpoint('10.244.2.4'), endpoint('10.244.1.3')],
        [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53 },
        ],
      ),
      slice(
        web,
        [endpoint('10.244.1.5'), endpoint('10.244.2.6', { conditions: TERMINATING })],
        [{ name: 'http', port: 8080 }],
      ),
    ],
  };
}

describe('ipvsadm -Ln rendering', () => {
  it('prints ipvsadm 1.31 columns: services and real servers sorted, persistence, weight 0 while draining', () => {
    const stats = {
      '10.96.0.20:80/TCP': { '10.244.1.5:8080': { activeConn: 3, inActConn: 7 }, '10.244.2.6:8080': { activeConn: 1 } },
    };
    const r = renderIpvs(buildNodeView(cluster(), 'node-a'), {}, { realServerStats: stats });
    // libipvs compares addresses with a wrapping int subtraction: 192.168.x sorts before 10.x.
    expect(r.text).toBe(
      [
        'IP Virtual Server version 1.2.1 (size=4096)',
        'Prot LocalAddress:Port Scheduler Flags',
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
        'TCP  192.168.1.10:30080 rr persistent 10800',
        '  -> 10.244.1.5:8080              Masq    1      0          0         ',
        '  -> 10.244.2.6:8080              Masq    0      0          0         ',
        'TCP  10.96.0.10:53 rr',
        '  -> 10.244.1.3:53                Masq    1      0          0         ',
        '  -> 10.244.2.4:53                Masq    1      0          0         ',
        'TCP  10.96.0.20:80 rr persistent 10800',
        '  -> 10.244.1.5:8080              Masq    1      3          7         ',
        '  -> 10.244.2.6:8080              Masq    0      1          0         ',
        'UDP  10.96.0.10:53 rr',
        '  -> 10.244.1.3:53                Masq    1      0          0         ',
        '  -> 10.244.2.4:53                Masq    1      0          0         ',
        '',
      ].join('\n'),
    );
    expect(r.counts).toMatchObject({ virtualServers: 4, realServers: 8 });
  });

  it('drops a draining real server once the counters say it has no connection left; UDP never drains', () => {
    const stats = { '10.96.0.20:80/TCP': { '10.244.1.5:8080': { activeConn: 2 } } };
    const r = renderIpvs(buildNodeView(cluster(), 'node-a'), {}, { realServerStats: stats });
    const vs = r.virtualServers.find((v) => v.key === '10.96.0.20:80/TCP');
    expect(vs?.realServers.map((rs) => `${rs.address}:${rs.weight}`)).toEqual(['10.244.1.5:1']);
  });

  it('keeps the kernel list order for --nosort: reverse of the sorted insertion by default, or the caller’s', () => {
    const view = buildNodeView(cluster(), 'node-a');
    const byDefault = renderIpvs(view).virtualServers.find((v) => v.key === '10.96.0.10:53/UDP');
    expect(byDefault?.realServers.map((rs) => rs.address)).toEqual(['10.244.2.4', '10.244.1.3']);
    const order = { 'kube-system/dns:dns': ['10.244.1.3:53', '10.244.2.4:53'] };
    const custom = renderIpvs(view, {}, { realServerOrder: order });
    expect(
      custom.virtualServers.find((v) => v.key === '10.96.0.10:53/UDP')?.realServers.map((rs) => rs.address),
    ).toEqual(['10.244.1.3', '10.244.2.4']);
    const nosort = custom.nosortText.split('\n');
    const udp = nosort.indexOf('UDP  10.96.0.10:53 rr');
    expect(nosort.slice(udp + 1, udp + 3).map((l) => l.slice(5, 18))).toEqual(['10.244.1.3:53', '10.244.2.4:53']);
    expect(() => renderIpvs(view, {}, { realServerOrder: { 'kube-system/dns:dns': ['10.244.1.3:53'] } })).toThrow(
      RenderInputError,
    );
    try {
      renderIpvs(view, {}, { realServerOrder: { 'kube-system/dns:dns': ['10.244.9.9:53', '10.244.1.3:53'] } });
    } catch (e) {
      expect((e as RenderInputError).path).toBe('ipvs.realServerOrder.kube-system/dns:dns');
    }
  });

  it('names scheduler flags as ipvsadm does, with the mh source-port flag kube-proxy always sets', () => {
    const view = buildNodeView(cluster(), 'node-a');
    expect(renderIpvs(view, {}, { scheduler: 'mh' }).text).toContain('UDP  10.96.0.10:53 mh (mh-port)\n');
    expect(renderIpvs(view, {}, { scheduler: 'sh', schedulerFlags: ['sh-fallback', 'sh-port'] }).text).toContain(
      'TCP  10.96.0.20:80 sh (sh-fallback,sh-port) persistent 10800\n',
    );
  });

  it('prints --stats with ipvsadm’s 9-character counters, abbreviating past 10^8', () => {
    const stats = {
      '10.96.0.10:53/UDP': {
        '10.244.1.3:53': { conns: 5, inPkts: 123_456_789, outPkts: 20, inBytes: 7e9, outBytes: 42 },
      },
    };
    const r = renderIpvs(buildNodeView(cluster(), 'node-a'), {}, { realServerStats: stats });
    const lines = r.statsText.split('\n');
    expect(lines[1]).toBe('Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes');
    expect(lines[2]).toBe('  -> RemoteAddress:Port');
    // "%-33s" then print_largenum's "%9llu" / "%8lluK" / "%8lluM" per counter.
    const counters = '        5  123456K       20    7000M       42';
    const udp = lines.indexOf(`${'UDP  10.96.0.10:53'.padEnd(33)}${counters}`);
    expect(udp).toBeGreaterThan(0);
    expect(lines[udp + 1]).toBe(`  -> ${'10.244.1.3:53'.padEnd(28)}${counters}`);
  });

  it('sends external traffic under ETP=Local to local endpoints, or to all when the node has none', () => {
    const svc = service('default', 'lb', {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      clusterIP: '10.96.0.30',
      loadBalancerIPs: ['203.0.113.10'],
      ports: [port('', 80, 31000)],
    });
    const c: Cluster = {
      nodes: [node('node-a', '192.168.1.10'), node('node-b', '192.168.1.11')],
      services: [svc],
      endpointSlices: [
        slice(
          svc,
          [endpoint('10.244.1.5', { nodeName: 'node-a' }), endpoint('10.244.2.5', { nodeName: 'node-b' })],
          [{ name: '', port: 80 }],
        ),
      ],
    };
    const onA = renderIpvs(buildNodeView(c, 'node-a')).virtualServers;
    expect(onA.find((v) => v.kind === 'loadBalancer')?.realServers.map((r) => r.address)).toEqual(['10.244.1.5']);
    expect(onA.find((v) => v.kind === 'clusterIP')?.realServers).toHaveLength(2);
    const noLocal: Cluster = { ...c, nodes: [...c.nodes, node('node-c', '192.168.1.12')] };
    const onC = renderIpvs(buildNodeView(noLocal, 'node-c')).virtualServers;
    expect(onC.find((v) => v.kind === 'nodePort')?.realServers).toHaveLength(2);
  });
});
