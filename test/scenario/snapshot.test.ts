import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodIssuesToFieldErrors } from '../../src/api/problem.js';
import { ingestCluster } from '../../src/scenario/ingest.js';
import { CLUSTER_SNAPSHOT_EXAMPLE, ClusterSnapshot } from '../../src/scenario/snapshot.js';
import { type Json, loadFixture, setPath } from '../fixtures/index.js';

// Item indices in cluster.kubectl.json: 0-6 Nodes (0 = control-plane-1, 1 = node-a1), 7-16 Services
// (8 = default/demo-svc), 17-26 EndpointSlices (18 = demo-svc's), 27-28 Endpoints, 29-30 Pods.
const NODE_A1 = 1;
const DEMO_SVC = 8;
const DEMO_SLICE = 18;

function issues(value: unknown) {
  const result = ClusterSnapshot.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path, message: i.message }));
}

function kubectlWith(path: (string | number)[], value: Json | undefined): Json {
  return setPath(loadFixture('cluster.kubectl'), path, value);
}

function compactWith(path: (string | number)[], value: Json | undefined): Json {
  return setPath(loadFixture('cluster.compact'), path, value);
}

describe('ClusterSnapshot accepts both forms', () => {
  it('validates the kubectl List and keeps every item of a known kind', () => {
    const result = ClusterSnapshot.parse(loadFixture('cluster.kubectl'));
    expect(result.items).toHaveLength(31);
    const kinds = result.items?.map((i) => i?.kind);
    expect(kinds?.filter((k) => k === 'Node')).toHaveLength(7);
    expect(kinds?.filter((k) => k === 'Service')).toHaveLength(10);
    expect(kinds?.filter((k) => k === 'EndpointSlice')).toHaveLength(10);
    expect(kinds?.filter((k) => k === 'Endpoints')).toHaveLength(2);
    expect(kinds?.filter((k) => k === 'Pod')).toHaveLength(2);
  });

  it('validates the compact form, with shorthands and full objects mixed', () => {
    const result = ClusterSnapshot.parse(loadFixture('cluster.compact'));
    expect(result.nodes).toHaveLength(7);
    expect(result.services).toHaveLength(10);
    expect(result.endpointSlices).toHaveLength(10);
  });

  it('reads a bare array of objects (a YAML stream) as a List', () => {
    const list = loadFixture('cluster.kubectl') as { items: Json[] };
    const result = ClusterSnapshot.parse(list.items);
    expect(result.items).toHaveLength(31);
  });

  it('ignores items of other kinds and unknown fields inside Kubernetes objects, as kubectl does', () => {
    const list = loadFixture('cluster.kubectl') as { items: Json[] };
    list.items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
    list.items.push({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'three' } });
    setPath(list, ['items', DEMO_SVC, 'spec', 'someFutureField'], { nested: true });
    setPath(list, ['items', DEMO_SLICE, 'endpoints', 0, 'deprecatedTopology'], { zone: 'x' });
    const result = ClusterSnapshot.parse(list);
    expect(result.items).toHaveLength(33);
    expect(result.items?.[31]).toBeUndefined();
    expect(result.items?.[32]).toBeUndefined();
  });

  it('accepts a hand-written object with nulls where YAML leaves a key empty', () => {
    const result = ClusterSnapshot.parse({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 's', labels: { 'kubernetes.io/service-name': 'a' }, annotations: null },
          addressType: 'IPv4',
          endpoints: null,
          ports: [{ name: null, port: 80, protocol: null }],
        },
      ],
    });
    expect(result.items).toHaveLength(1);
  });
});

describe('a wrong value is reported at its own path', () => {
  const cases: { what: string; doc: () => Json; path: (string | number)[]; message: RegExp }[] = [
    {
      what: 'Service port out of range',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'port'], 70000),
      path: ['items', DEMO_SVC, 'spec', 'ports', 0, 'port'],
      message: /<=65535/,
    },
    {
      what: 'Service port as a string',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'port'], '80'),
      path: ['items', DEMO_SVC, 'spec', 'ports', 0, 'port'],
      message: /expected number/,
    },
    {
      what: 'named targetPort that is not an IANA name',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'targetPort'], 'Web_Port'),
      path: ['items', DEMO_SVC, 'spec', 'ports', 0, 'targetPort'],
      message: /IANA service name/,
    },
    {
      what: 'targetPort of the wrong type',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'targetPort'], true),
      path: ['items', DEMO_SVC, 'spec', 'ports', 0, 'targetPort'],
      message: /port number \(1-65535\) or a named container port/,
    },
    {
      what: 'protocol outside TCP/UDP/SCTP',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'protocol'], 'HTTP'),
      path: ['items', DEMO_SVC, 'spec', 'ports', 0, 'protocol'],
      message: /"TCP"\|"UDP"\|"SCTP"/,
    },
    {
      what: 'malformed cluster IP',
      doc: () => kubectlWith(['items', DEMO_SVC, 'spec', 'clusterIP'], '10.96.45.300'),
      path: ['items', DEMO_SVC, 'spec', 'clusterIP'],
      message: /must be an IP address, "None" or ""/,
    },
    {
      what: 'affinity timeout above the API maximum',
      doc: () =>
        kubectlWith(['items', DEMO_SVC, 'spec', 'sessionAffinityConfig'], { clientIP: { timeoutSeconds: 86401 } }),
      path: ['items', DEMO_SVC, 'spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'],
      message: /<=86400/,
    },
    {
      what: 'allocatable CPU that is not a quantity',
      doc: () => kubectlWith(['items', NODE_A1, 'status', 'allocatable', 'cpu'], '4 cores'),
      path: ['items', NODE_A1, 'status', 'allocatable', 'cpu'],
      message: /Kubernetes quantity/,
    },
    {
      what: 'endpoint condition that is not a boolean',
      doc: () => kubectlWith(['items', DEMO_SLICE, 'endpoints', 2, 'conditions', 'ready'], 'yes'),
      path: ['items', DEMO_SLICE, 'endpoints', 2, 'conditions', 'ready'],
      message: /expected boolean/,
    },
    {
      what: 'endpoint without addresses',
      doc: () => kubectlWith(['items', DEMO_SLICE, 'endpoints', 1, 'addresses'], []),
      path: ['items', DEMO_SLICE, 'endpoints', 1, 'addresses', 0],
      message: /an endpoint needs an address/,
    },
    {
      what: 'unknown addressType',
      doc: () => kubectlWith(['items', DEMO_SLICE, 'addressType'], 'IPv5'),
      path: ['items', DEMO_SLICE, 'addressType'],
      message: /"IPv4"\|"IPv6"\|"FQDN"/,
    },
    {
      what: 'EndpointSlice of the removed v1beta1 API',
      doc: () => kubectlWith(['items', DEMO_SLICE, 'apiVersion'], 'discovery.k8s.io/v1beta1'),
      path: ['items', DEMO_SLICE, 'apiVersion'],
      message: /discovery\.k8s\.io\/v1/,
    },
    {
      what: 'item without a kind',
      doc: () => kubectlWith(['items', DEMO_SVC, 'kind'], undefined),
      path: ['items', DEMO_SVC, 'kind'],
      message: /every item needs a kind/,
    },
    {
      what: 'object without a name',
      doc: () => kubectlWith(['items', DEMO_SVC, 'metadata', 'name'], undefined),
      path: ['items', DEMO_SVC, 'metadata', 'name'],
      message: /expected string/,
    },
    {
      what: 'typo in a shorthand node',
      doc: () => compactWith(['nodes', 1, 'zones'], 'eu-central-1a'),
      path: ['nodes', 1],
      message: /Unrecognized key: "zones"/,
    },
    {
      what: 'typo in a shorthand Service port',
      doc: () => compactWith(['services', 1, 'ports', 0, 'targetport'], 8080),
      path: ['services', 1, 'ports', 0],
      message: /Unrecognized key: "targetport"/,
    },
    {
      what: 'bad value in a shorthand endpoint',
      doc: () => compactWith(['endpointSlices', 1, 'endpoints', 3, 'address'], '10.244.4'),
      path: ['endpointSlices', 1, 'endpoints', 3, 'address'],
      message: /must be an IPv4 or IPv6 address/,
    },
    {
      what: 'shorthand CPU that is not a quantity',
      doc: () => compactWith(['nodes', 2, 'cpu'], 'lots'),
      path: ['nodes', 2, 'cpu'],
      message: /Kubernetes quantity/,
    },
    {
      what: 'bad value in a full object of the compact form',
      doc: () => compactWith(['services', 3, 'spec', 'ports', 1, 'port'], 0),
      path: ['services', 3, 'spec', 'ports', 1, 'port'],
      message: />=1/,
    },
    {
      what: 'shorthand Service without ports',
      doc: () => compactWith(['services', 0, 'ports'], undefined),
      path: ['services', 0, 'ports'],
      message: /expected array/,
    },
  ];

  for (const c of cases) {
    it(c.what, () => {
      const found = issues(c.doc());
      expect(found).toHaveLength(1);
      expect(found[0]?.path).toEqual(c.path);
      expect(found[0]?.message).toMatch(c.message);
    });
  }

  it('in a bare array, names the item as a List item', () => {
    const list = kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'port'], -1) as { items: Json[] };
    expect(issues(list.items).map((i) => i.path)).toEqual([['items', DEMO_SVC, 'spec', 'ports', 0, 'port']]);
  });

  it('becomes the body field path the API reports', () => {
    const result = ClusterSnapshot.safeParse(kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'port'], 70000));
    expect(result.success).toBe(false);
    const errors = zodIssuesToFieldErrors(result.error?.issues ?? [], 'cluster');
    expect(errors.map((e) => e.path)).toEqual([`cluster.items[${DEMO_SVC}].spec.ports[0].port`]);
  });

  it('reports every wrong value, not only the first', () => {
    const doc = kubectlWith(['items', DEMO_SVC, 'spec', 'ports', 0, 'port'], 0);
    setPath(doc, ['items', DEMO_SLICE, 'endpoints', 5, 'conditions', 'serving'], 1);
    expect(issues(doc).map((i) => i.path)).toEqual([
      ['items', DEMO_SVC, 'spec', 'ports', 0, 'port'],
      ['items', DEMO_SLICE, 'endpoints', 5, 'conditions', 'serving'],
    ]);
  });
});

describe('the shape of the snapshot itself', () => {
  it('rejects a List mixed with the compact form', () => {
    const doc = loadFixture('cluster.kubectl');
    setPath(doc, ['nodes'], []);
    expect(issues(doc)).toEqual([
      { path: ['nodes'], message: expect.stringMatching(/either a List \(items\) or the compact form/) },
    ]);
  });

  it('rejects a List header without items', () => {
    expect(issues({ apiVersion: 'v1', kind: 'List' })).toEqual([{ path: ['items'], message: 'a List needs items' }]);
  });

  it('rejects unknown top-level keys (typos of nodes/services/endpointSlices)', () => {
    expect(issues({ nodes: [], service: [] })).toEqual([{ path: [], message: 'Unrecognized key: "service"' }]);
  });

  it('rejects a single Kubernetes object in place of a List', () => {
    const list = loadFixture('cluster.kubectl') as { items: Json[] };
    expect(issues(list.items[DEMO_SVC]).map((i) => i.path[0])).toEqual(expect.arrayContaining(['kind']));
  });

  it('accepts an empty compact snapshot', () => {
    expect(issues({})).toEqual([]);
  });
});

describe('the OpenAPI contract generated from the schema', () => {
  const schema = z.toJSONSchema(ClusterSnapshot, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

  function walk(node: unknown, path: string, visit: (obj: Record<string, unknown>, path: string) => void): void {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`, visit);
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      visit(obj, path);
      for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`, visit);
    }
  }

  it('describes every property, with its default where it has one', () => {
    const undocumented: string[] = [];
    walk(schema, '$', (obj, path) => {
      const props = obj.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, prop] of Object.entries(props ?? {})) {
        const documented = typeof prop.description === 'string' && prop.description.length > 0;
        if (!documented) undocumented.push(`${path}.${name}`);
      }
    });
    expect(undocumented).toEqual([]);
  });

  it('gives examples for the shorthands and their fields', () => {
    const shorthands: Record<string, unknown>[] = [];
    walk(schema, '$', (obj) => {
      if (obj.additionalProperties === false && obj.properties !== undefined && obj !== schema) shorthands.push(obj);
    });
    expect(shorthands.length).toBeGreaterThanOrEqual(6);
    for (const s of shorthands) {
      for (const [name, prop] of Object.entries(s.properties as Record<string, Record<string, unknown>>)) {
        const isContainer = prop.type === 'array' || prop.type === 'object';
        if (!isContainer) expect({ name, examples: Array.isArray(prop.examples) }).toEqual({ name, examples: true });
      }
    }
  });

  it('documents an example that is a valid snapshot', () => {
    const c = ingestCluster(ClusterSnapshot.parse(CLUSTER_SNAPSHOT_EXAMPLE));
    expect(c.endpointSlices[0]?.endpoints.map((e) => [e.address, e.zone])).toEqual([
      ['10.244.1.7', 'eu-central-1a'],
      ['10.244.3.7', 'eu-central-1b'],
    ]);
  });

  it('marks shorthands strict and Kubernetes objects open', () => {
    const props = schema.properties as Record<string, { items: { anyOf: Record<string, unknown>[] } }>;
    const services = props.services?.items.anyOf ?? [];
    expect(services.map((s) => s.additionalProperties)).toEqual([{}, false]);
  });
});
