import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/scenario/cluster.js';
import { ingestCluster, SnapshotError } from '../../src/scenario/ingest.js';
import { ClusterSnapshot } from '../../src/scenario/snapshot.js';
import { resolveTarget, type TargetSpec } from '../../src/scenario/target.js';
import { fixtureCluster } from '../fixtures/index.js';

const cluster = fixtureCluster();

function compact(services: unknown[]): Cluster {
  return ingestCluster(ClusterSnapshot.parse({ services }));
}

function failure(c: Cluster, target?: TargetSpec): { path: string; message: string } {
  try {
    resolveTarget(c, target);
  } catch (e) {
    if (e instanceof SnapshotError && e.issues.length === 1 && e.status === 422) return e.issues[0]!;
    throw e;
  }
  throw new Error('expected a SnapshotError');
}

const ALL =
  '"data/postgres", "default/demo-svc", "default/kubernetes", "kube-system/kube-dns", "shop/api-gateway", "shop/cart", "shop/catalog", "shop/checkout", "shop/frontend", "shop/search"';

describe('resolveTarget finds the Service', () => {
  it('by namespace/name and by a name unique across namespaces', () => {
    const a = resolveTarget(cluster, { service: 'default/demo-svc', port: 'http' });
    const b = resolveTarget(cluster, { service: 'demo-svc' });
    expect([a.service.name, a.port.port, a.port.targetPort]).toEqual(['demo-svc', 80, 8080]);
    expect(b).toEqual(a);
  });

  it('defaults to the only Service and its first port', () => {
    const c = compact([
      {
        name: 'web',
        ports: [
          { name: 'http', port: 80 },
          { name: 'admin', port: 9000 },
        ],
      },
    ]);
    const t = resolveTarget(c);
    expect([t.service.name, t.port.name]).toEqual(['web', 'http']);
  });

  it('without a name, refuses to pick among several Services and names them', () => {
    expect(failure(cluster)).toEqual({
      path: 'target.service',
      message: `the snapshot has 10 Services; name one as namespace/name: ${ALL}`,
    });
  });

  it('names at most 10 Services and counts the rest', () => {
    const many = compact(Array.from({ length: 12 }, (_, i) => ({ name: `s${i}`, ports: [{ port: 80 }] })));
    expect(failure(many, { service: 'default/x' }).message).toBe(
      'no Service "default/x" in the snapshot; its Services: "default/s0", "default/s1", "default/s2", "default/s3", "default/s4", "default/s5", "default/s6", "default/s7", "default/s8", "default/s9" and 2 more',
    );
  });

  it('says when there is no Service at all', () => {
    expect(failure(compact([]))).toEqual({ path: 'target.service', message: 'the snapshot has no Services' });
    expect(failure(compact([]), { service: 'web' })).toEqual({
      path: 'target.service',
      message: 'no Service "web": the snapshot has no Services',
    });
  });

  it('points to the namespace where a Service of that name exists', () => {
    expect(failure(cluster, { service: 'shop/demo-svc' })).toEqual({
      path: 'target.service',
      message: 'no Service "shop/demo-svc"; a Service of that name exists as "default/demo-svc"',
    });
  });

  it('lists the Services when a bare name matches none', () => {
    expect(failure(cluster, { service: 'demo' })).toEqual({
      path: 'target.service',
      message: `no Service named "demo" in any namespace; the snapshot's Services: ${ALL}`,
    });
  });

  it('asks for a namespace when a bare name is ambiguous', () => {
    const c = compact([
      { name: 'api', ports: [{ port: 80 }] },
      { name: 'api', namespace: 'shop', ports: [{ port: 80 }] },
    ]);
    expect(failure(c, { service: 'api' })).toEqual({
      path: 'target.service',
      message: '"api" names a Service in several namespaces ("default/api", "shop/api"); write namespace/name',
    });
  });

  it('refuses a headless Service and an ExternalName Service, for which kube-proxy programs nothing', () => {
    expect(failure(cluster, { service: 'data/postgres' })).toEqual({
      path: 'target.service',
      message: 'Service "data/postgres" is headless (clusterIP None): kube-proxy programs no rules for it',
    });
    const ext = ingestCluster(
      ClusterSnapshot.parse({
        services: [{ metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } }],
      }),
    );
    expect(failure(ext)).toEqual({
      path: 'target.service',
      message: 'Service "default/db" is an ExternalName Service: kube-proxy programs no rules for it',
    });
  });
});

describe('resolveTarget finds the port', () => {
  const dns = { service: 'kube-system/kube-dns' };

  it('by name, by Service port number, and by a number written as a string', () => {
    expect(resolveTarget(cluster, { ...dns, port: 'dns-tcp' }).port).toEqual({
      name: 'dns-tcp',
      protocol: 'TCP',
      port: 53,
      targetPort: 53,
      nodePort: 0,
    });
    expect(resolveTarget(cluster, { ...dns, port: 9153 }).port.name).toBe('metrics');
    expect(resolveTarget(cluster, { ...dns, port: '9153' }).port.name).toBe('metrics');
    expect(resolveTarget(cluster, { service: 'shop/checkout', port: 9090 }).port.nodePort).toBe(30082);
  });

  it('defaults to the first port', () => {
    expect(resolveTarget(cluster, dns).port.name).toBe('dns');
  });

  it('asks for the name when a number serves several protocols', () => {
    expect(failure(cluster, { ...dns, port: 53 })).toEqual({
      path: 'target.port',
      message:
        'Service "kube-system/kube-dns" has port 53 for several protocols ("dns 53/UDP", "dns-tcp 53/TCP"); name the port',
    });
  });

  it('matches Service ports, not target ports, and says so', () => {
    expect(failure(cluster, { service: 'default/demo-svc', port: 8080 })).toEqual({
      path: 'target.port',
      message:
        'Service "default/demo-svc" has no port 8080 (8080 is the targetPort of "http 80/TCP -> 8080"; target.port takes the Service port); its ports: "http 80/TCP -> 8080"',
    });
    expect(failure(cluster, { service: 'default/demo-svc', port: 81 })).toEqual({
      path: 'target.port',
      message: 'Service "default/demo-svc" has no port 81; its ports: "http 80/TCP -> 8080"',
    });
  });

  it('lists the ports when a name matches none', () => {
    expect(failure(cluster, { ...dns, port: 'grpc' })).toEqual({
      path: 'target.port',
      message:
        'Service "kube-system/kube-dns" has no port named "grpc"; its ports: "dns 53/UDP", "dns-tcp 53/TCP", "metrics 9153/TCP"',
    });
  });

  it('says when the Service has no ports', () => {
    expect(failure(compact([{ name: 'empty', ports: [] }]))).toEqual({
      path: 'target.port',
      message: 'Service "default/empty" has no ports',
    });
  });
});
