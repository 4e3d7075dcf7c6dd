import { describe, expect, it } from 'vitest';
import { type NatInput, translateConnection } from '../../src/dataplane/nat.js';
import { node, port, service, spe } from './fixtures.js';

const nodeA = node('a', 'z1');
const nodeB = node('b', 'z2');
const onB = spe(0, '10.244.1.5', 'b', 'z2');
const onA = spe(1, '10.244.0.9', 'a', 'z1');
const base: NatInput = {
  client: 'pod',
  clientAddress: '10.244.0.7',
  entry: 'clusterIP',
  decidingNode: nodeA,
  endpoint: onB,
  service: service('web'),
  proxy: { masqueradeAll: false, clusterCIDR: null },
};
const nodePortSvc = (etp: 'Cluster' | 'Local') =>
  service('web', { type: 'NodePort', externalTrafficPolicy: etp, ports: [port({ nodePort: 30080 })] });

describe('translateConnection', () => {
  it('pod → ClusterIP keeps the pod source by default, crossing node and zone', () => {
    expect(translateConnection(base)).toEqual({
      snat: false,
      internalMasquerade: false,
      externalMasquerade: false,
      hairpin: false,
      sourceIPPreserved: true,
      crossNode: true,
      crossZone: true,
    });
  });

  it('--cluster-cidr masquerades ClusterIP traffic from outside the pod CIDR only', () => {
    const proxy = { masqueradeAll: false, clusterCIDR: '10.244.0.0/16' };
    expect(translateConnection({ ...base, proxy }).snat).toBe(false);
    const host = translateConnection({ ...base, proxy, client: 'host', clientAddress: '192.168.0.10' });
    expect(host).toMatchObject({ snat: true, internalMasquerade: true, sourceIPPreserved: false });
  });

  it('--masquerade-all masquerades every ClusterIP connection', () => {
    expect(translateConnection({ ...base, proxy: { masqueradeAll: true } })).toMatchObject({
      snat: true,
      internalMasquerade: true,
    });
  });

  it('external traffic is masqueraded under ETP=Cluster and keeps its source under ETP=Local', () => {
    const external = { ...base, client: 'external' as const, clientAddress: '203.0.113.9', entry: 'nodePort' as const };
    expect(translateConnection({ ...external, service: nodePortSvc('Cluster') })).toMatchObject({
      snat: true,
      externalMasquerade: true,
      sourceIPPreserved: false,
    });
    expect(translateConnection({ ...external, service: nodePortSvc('Local'), endpoint: onA })).toMatchObject({
      snat: false,
      sourceIPPreserved: true,
      crossNode: false,
      crossZone: false,
    });
  });

  it('under ETP=Local the node itself is masqueraded, pods short-circuited are not', () => {
    const svc = nodePortSvc('Local');
    const viaNodePort = {
      ...base,
      entry: 'nodePort' as const,
      service: svc,
      proxy: { masqueradeAll: false, clusterCIDR: '10.244.0.0/16' },
    };
    expect(translateConnection({ ...viaNodePort, client: 'host', clientAddress: '192.168.0.10' }).snat).toBe(true);
    expect(translateConnection(viaNodePort).snat).toBe(false);
  });

  it('a pod reaching its own Service and landing on itself is hairpinned (SNAT to the node)', () => {
    const self = translateConnection({ ...base, clientAddress: '10.244.0.9', endpoint: onA });
    expect(self).toMatchObject({ hairpin: true, snat: true, crossNode: false });
  });

  it('takes the endpoint zone from its node when the slice has none; unknown zones are not cross-zone', () => {
    const noZone = spe(2, '10.244.1.6', 'b', null);
    const nodesByName = new Map([
      ['a', nodeA],
      ['b', nodeB],
    ]);
    expect(translateConnection({ ...base, endpoint: noZone, nodesByName }).crossZone).toBe(true);
    expect(translateConnection({ ...base, endpoint: noZone }).crossZone).toBe(false);
  });
});
