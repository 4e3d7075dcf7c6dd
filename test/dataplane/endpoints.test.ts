import { describe, expect, it } from 'vitest';
import {
  endpointSliceIndex,
  endpointsForServicePort,
  primaryIPFamily,
  sortedForKubeProxy,
} from '../../src/dataplane/endpoints.js';
import { cluster, endpoint, node, port, service, slice } from './fixtures.js';

describe('endpointsForServicePort', () => {
  const svc = service('web');
  const other = service('api', { clusterIPs: ['10.96.0.11'] });

  it('takes the slices of the Service, the port matched by name and protocol, in slice order', () => {
    const c = cluster(
      [node('a', 'z1')],
      [svc, other],
      [
        slice('web-1', 'web', [endpoint('10.0.0.2', 'a', 'z1'), endpoint('10.0.0.10', 'a', 'z1')]),
        slice('api-1', 'api', [endpoint('10.0.9.9', 'a', 'z1')]),
        slice('web-2', 'web', [endpoint('10.0.0.3', 'a', 'z1')], {
          ports: [
            { name: 'http', protocol: 'UDP', port: 53 },
            { name: 'http', protocol: 'TCP', port: 8080 },
            { name: 'metrics', protocol: 'TCP', port: 9090 },
          ],
        }),
      ],
    );
    const eps = endpointsForServicePort(c, svc, port());
    expect(eps.map((e) => `${e.address}:${e.port}`)).toEqual(['10.0.0.2:8080', '10.0.0.10:8080', '10.0.0.3:8080']);
    expect(eps.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(eps.map((e) => e.slice)).toEqual(['web-1', 'web-1', 'web-2']);
  });

  it('ignores FQDN slices, slices and addresses of the other family, and port 0', () => {
    const c = cluster(
      [node('a', 'z1')],
      [svc],
      [
        slice('web-fqdn', 'web', [endpoint('db.example.com', 'a', 'z1')], { addressType: 'FQDN' }),
        slice('web-v6', 'web', [endpoint('fd00::1', 'a', 'z1')], { addressType: 'IPv6' }),
        slice('web-mixed', 'web', [endpoint('fd00::2', 'a', 'z1'), endpoint('10.0.0.5', 'a', 'z1')]),
        slice('web-zero', 'web', [endpoint('10.0.0.6', 'a', 'z1')], {
          ports: [{ name: 'http', protocol: 'TCP', port: 0 }],
        }),
      ],
    );
    expect(endpointsForServicePort(c, svc, port()).map((e) => e.address)).toEqual(['10.0.0.5']);
    const v6 = endpointsForServicePort(c, svc, port(), { family: 'IPv6' });
    expect(v6.map((e) => e.address)).toEqual(['fd00::1']);
  });

  it('deduplicates by ip:port: the first copy wins unless a later one is local to the deciding node', () => {
    const first = endpoint('10.0.0.7', 'a', 'z1', { podName: 'first' });
    const local = endpoint('10.0.0.7', 'b', 'z2', { podName: 'local-to-b' });
    const c = cluster(
      [node('a', 'z1'), node('b', 'z2')],
      [svc],
      [slice('web-1', 'web', [first, endpoint('10.0.0.8', 'a', 'z1')]), slice('web-2', 'web', [local])],
    );
    const plain = endpointsForServicePort(c, svc, port());
    expect(plain).toHaveLength(2);
    expect(plain[0]?.podName).toBe('first');
    const onB = endpointsForServicePort(c, svc, port(), { localNode: 'b' });
    expect(onB).toHaveLength(2);
    expect(onB[0]?.podName).toBe('local-to-b');
    expect(onB[0]?.index).toBe(0);
  });

  it('builds the slice index once per cluster and finds one Service among 10 000 directly', () => {
    const services = [];
    const slices = [];
    for (let i = 0; i < 10_000; i++) {
      services.push(service(`s${i}`, { clusterIPs: [`10.96.${i >> 8}.${i & 255}`] }));
      slices.push(slice(`s${i}-abc`, `s${i}`, [endpoint(`10.1.${i >> 8}.${i & 255}`, 'a', 'z1')]));
    }
    const c = cluster([node('a', 'z1')], services, slices);
    expect(endpointSliceIndex(c)).toBe(endpointSliceIndex(c));
    const target = services[7777]!;
    expect(endpointsForServicePort(c, target, port()).map((e) => e.address)).toEqual(['10.1.30.97']);
    expect(endpointSliceIndex(c).slicesByService.size).toBe(10_000);
  });

  it('primary family comes from ipFamilies, then the ClusterIP', () => {
    expect(primaryIPFamily(service('x', { ipFamilies: ['IPv6', 'IPv4'] }))).toBe('IPv6');
    expect(primaryIPFamily(service('x', { ipFamilies: [], clusterIPs: ['fd00::10'] }))).toBe('IPv6');
    expect(primaryIPFamily(service('x', { ipFamilies: [], clusterIPs: [] }))).toBe('IPv4');
  });
});

describe('sortedForKubeProxy', () => {
  it('orders by the "ip:port" string, as endpointslicecache does: "10.0.0.10:8080" < "10.0.0.1:8080" < "10.0.0.2:8080"', () => {
    const c = cluster(
      [node('a', 'z1')],
      [service('web')],
      [
        slice('web-1', 'web', [
          endpoint('10.0.0.2', 'a', 'z1'),
          endpoint('10.0.0.10', 'a', 'z1'),
          endpoint('10.0.0.1', 'a', 'z1'),
          endpoint('9.0.0.1', 'a', 'z1'),
        ]),
      ],
    );
    const eps = endpointsForServicePort(c, service('web'), port());
    const sorted = sortedForKubeProxy(eps);
    // '0' (0x30) sorts before ':' (0x3a), so the longer address comes first.
    expect(sorted.map((e) => e.address)).toEqual(['10.0.0.10', '10.0.0.1', '10.0.0.2', '9.0.0.1']);
    expect(sorted.map((e) => e.index)).toEqual([1, 2, 0, 3]);
    expect(eps.map((e) => e.address)).toEqual(['10.0.0.2', '10.0.0.10', '10.0.0.1', '9.0.0.1']);
  });

  it('sorts IPv6 endpoints by their bracketed form', () => {
    const c = cluster(
      [node('a', 'z1')],
      [service('web', { ipFamilies: ['IPv6'], clusterIPs: ['fd00::10'] })],
      [
        slice('web-1', 'web', [endpoint('fd00::b', 'a', 'z1'), endpoint('fd00::a', 'a', 'z1')], {
          addressType: 'IPv6',
        }),
      ],
    );
    const eps = endpointsForServicePort(c, c.services[0]!, port());
    expect(sortedForKubeProxy(eps).map((e) => e.address)).toEqual(['fd00::a', 'fd00::b']);
  });
});
