// Every kind of bad input gets a precise 4xx problem document naming the field — never a 500 or a hang.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { compactCluster } from '../helpers/scenario.js';

let app: App;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 1, bodyLimit: 200_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

const valid = () => ({
  cluster: compactCluster({ endpoints: 3 }),
  traffic: { duration: 5, workloads: [{ class: 'short', rate: 50, serviceTime: '5ms' }] },
});

async function post(body: unknown, contentType = 'application/json') {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return request(app.server).post('/v1/simulate').set('content-type', contentType).send(payload);
}

function expectProblem(res: request.Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe('validation errors name the field path', () => {
  it('a wrong value deep in the traffic profile', async () => {
    const body = valid();
    (body.traffic.workloads as unknown[]).push({ class: 'short', rate: -3, serviceTime: '5ms' });
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({
      path: 'traffic.workloads[1].rate',
      message: expect.stringMatching(/>0|greater/),
    });
    expect(res.body.detail).toContain('traffic.workloads[1].rate');
  });

  it('an unknown field (a typo) outside Kubernetes objects is rejected', async () => {
    const body = { ...valid(), trafic: {} };
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({ path: 'trafic', message: 'unknown field "trafic"' });
  });

  it('an unknown field inside an embedded Kubernetes object is ignored, as kubectl does', async () => {
    const body = valid();
    const cluster = body.cluster as { services: Record<string, unknown>[] };
    cluster.services = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'demo', namespace: 'default', somethingNew: 1 },
        spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }], futureField: true },
      },
    ];
    const res = await post(body);
    expect(res.status).toBe(200);
  });

  it('a bad duration string', async () => {
    const body = { ...valid(), traffic: { ...valid().traffic, duration: '10 minutes' } };
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('traffic.duration');
    expect(res.body.errors[0].message).toContain('Go duration');
  });

  it('a distribution with a bad parameter names the parameter', async () => {
    const body = valid();
    body.traffic.workloads[0] = {
      class: 'short',
      rate: 5,
      serviceTime: { dist: 'lognormal', median: '10ms', p99: '5ms' },
    } as never;
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('traffic.workloads[0].serviceTime.p99');
  });

  it('an unknown workload class', async () => {
    const body = valid();
    body.traffic.workloads[0] = { class: 'grpc', rate: 5, serviceTime: '5ms' } as never;
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('traffic.workloads[0].class');
  });

  it('a wrong type inside a kubectl List item names the item path', async () => {
    const body = {
      ...valid(),
      cluster: {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } }],
      },
    };
    const res = await post(body);
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('cluster.items[0].spec.ports[0].port');
  });
});

describe('scenario errors that only the snapshot reveals are 422 with the path', () => {
  it('an unknown target Service lists what exists', async () => {
    const res = await post({ ...valid(), target: { service: 'default/nope' } });
    expectProblem(res, 422);
    expect(res.body.errors[0].path).toBe('target.service');
    expect(res.body.errors[0].message).toContain('demo');
  });

  it('a client group on a node that does not exist', async () => {
    const body = valid();
    (body.traffic as Record<string, unknown>).clients = [{ name: 'web', nodes: ['node-zz'] }];
    const res = await post(body);
    expectProblem(res, 422);
    expect(res.body.errors[0]).toEqual({
      path: 'traffic.clients[0].nodes[0]',
      message: expect.stringContaining('"node-a"'),
    });
  });

  it('a workload naming an unknown client group', async () => {
    const body = valid();
    body.traffic.workloads[0] = { class: 'short', client: 'mobile', rate: 5, serviceTime: '5ms' } as never;
    const res = await post(body);
    expectProblem(res, 422);
    expect(res.body.errors[0].path).toBe('traffic.workloads[0].client');
  });

  it('over the event budget: 422 with the estimate, before running', async () => {
    const body = {
      ...valid(),
      traffic: { duration: 3600, workloads: [{ class: 'short', rate: 50_000, serviceTime: '1ms' }] },
    };
    const res = await post(body);
    expectProblem(res, 422);
    expect(res.body.estimate).toBeGreaterThan(50_000_000);
    expect(res.body.budget).toBe(50_000_000);
  });

  it('a budget above the server ceiling names budget.maxEvents', async () => {
    const res = await post({ ...valid(), budget: { maxEvents: 10 ** 12 } });
    expectProblem(res, 422);
    expect(res.body.errors[0].path).toBe('budget.maxEvents');
  });
});

describe('transport errors', () => {
  it('malformed JSON', async () => {
    const res = await post('{"cluster": ', 'application/json');
    expectProblem(res, 400);
    expect(res.body.title).toBe('Malformed JSON');
  });

  it('an empty body', async () => {
    const res = await request(app.server).post('/v1/simulate').set('content-type', 'application/json').send('');
    expectProblem(res, 400);
  });

  it('a wrong content type', async () => {
    const res = await post('cluster=1', 'application/x-www-form-urlencoded');
    expectProblem(res, 415);
  });

  it('an oversized body', async () => {
    const res = await post({ ...valid(), pad: 'x'.repeat(300_000) });
    expectProblem(res, 413);
    expect(res.body.detail).toContain('200000');
  });

  it('malformed YAML names the line', async () => {
    const res = await post('cluster:\n  nodes: [\ntraffic: x', 'application/yaml');
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/line \d+/);
  });

  it('a YAML alias bomb is refused, not expanded', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`,
      );
    const res = await post(bomb.join('\n'), 'application/yaml');
    expectProblem(res, 400);
  });
});

describe('YAML bodies', () => {
  it('are accepted under each YAML media type and give the same result as JSON', async () => {
    const yaml = [
      'cluster:',
      '  nodes: [{ name: node-a, zone: zone-a, cpu: 4, ip: 10.0.0.1 }]',
      '  services: [{ name: demo, clusterIP: 10.96.0.10, ports: [{ name: http, port: 80, targetPort: 8080 }] }]',
      '  endpointSlices:',
      '    - service: demo',
      '      endpoints: [{ address: 10.244.0.2, node: node-a }, { address: 10.244.0.3, node: node-a }, { address: 10.244.0.4, node: node-a }]',
      'traffic:',
      '  duration: 5s',
      '  workloads: [{ class: short, rate: 50, serviceTime: 5ms }]',
    ].join('\n');
    const json = await post(valid());
    for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml']) {
      const res = await post(yaml, type);
      expect(res.status).toBe(200);
      expect({ ...res.body, meta: null }).toEqual({ ...json.body, meta: null });
    }
  });

  it('a kubectl multi-document YAML stream is accepted as the cluster text', async () => {
    const stream = [
      'apiVersion: v1\nkind: Node\nmetadata: { name: node-a, labels: { topology.kubernetes.io/zone: zone-a } }\nstatus: { allocatable: { cpu: "4" }, addresses: [{ type: InternalIP, address: 10.0.0.1 }] }',
      'apiVersion: v1\nkind: Service\nmetadata: { name: demo, namespace: default }\nspec: { clusterIP: 10.96.0.10, ports: [{ name: http, port: 80, targetPort: 8080 }] }',
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: { name: demo-abc, namespace: default, labels: { kubernetes.io/service-name: demo } }\naddressType: IPv4\nports: [{ name: http, port: 8080, protocol: TCP }]\nendpoints: [{ addresses: [10.244.0.2], nodeName: node-a, conditions: { ready: true } }]',
    ].join('\n---\n');
    const res = await post({ cluster: stream, traffic: valid().traffic });
    expect(res.status).toBe(200);
    expect(res.body.endpoints).toHaveLength(1);
    expect(res.body.endpoints[0]).toMatchObject({ address: '10.244.0.2', node: 'node-a', zone: 'zone-a', port: 8080 });
  });
});
