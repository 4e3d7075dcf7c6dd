// Fuzzing the request bodies: random mutations of valid scenarios (wrong types, missing and extra fields,
// extreme numbers, odd strings, deep nesting) must always get a 2xx or a 4xx problem document — never a
// 500, a crash or a hang. Deterministic: the mutations come from a seeded generator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { Rng } from '../../src/engine/rng.js';
import { compactCluster } from '../helpers/scenario.js';

let app: App;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 2, defaultMaxEvents: 2_000_000, maxEvents: 5_000_000 });
});
afterAll(() => app.close());

const base = () => ({
  cluster: compactCluster({ zones: { a: ['node-a', 'node-b'] }, endpointsPerNode: { 'node-a': 2, 'node-b': 1 } }),
  target: { service: 'demo', port: 'http' },
  proxy: { mode: 'ipvs', ipvs: { scheduler: 'lc' } },
  traffic: {
    seed: 1,
    duration: 3,
    clients: [{ name: 'web', kind: 'pod', sourceIPs: 5 }],
    workloads: [
      { class: 'short', client: 'web', rate: 20, serviceTime: { dist: 'exponential', mean: '5ms' } },
      { class: 'http2', client: 'web', connections: 2, streamRate: 10, serviceTime: '2ms' },
      { class: 'websocket', client: 'web', rate: 1, duration: '1s', messageRate: 1, serviceTime: '1ms' },
    ],
  },
  backends: { concurrency: 2, overrides: [{ endpoint: '10.244.0.2', speed: 0.5 }] },
});

const WEIRD: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  0.5,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '1e9h',
  '-5ms',
  'NaN',
  '∞',
  '10.0.0.0/33',
  '0',
  '9999999999999999999',
  [],
  {},
  [[[]]],
  { a: { b: { c: {} } } },
  'x'.repeat(5000),
  '\u0000',
  '__proto__',
];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)] as T;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths to every value in the document. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) paths(x, [...prefix, i], out);
  } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function mutate(doc: Json, rng: Rng): Json {
  const all = paths(doc).filter((p) => p.length > 0);
  const path = pick(rng, all);
  const parentPath = path.slice(0, -1);
  let parent: Json = doc;
  for (const k of parentPath) parent = (parent as Record<string | number, Json>)[k] as Json;
  const key = path[path.length - 1] as string | number;
  const container = parent as Record<string | number, Json>;
  switch (rng.int(5)) {
    case 0: // replace with a weird value
      container[key] = pick(rng, WEIRD) as Json;
      break;
    case 1: // delete
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key];
      break;
    case 2: // add an unknown sibling field
      if (!Array.isArray(container)) container[`x${rng.int(100)}`] = pick(rng, WEIRD) as Json;
      break;
    case 3: // numbers: scale wildly
      if (typeof container[key] === 'number')
        container[key] = (container[key] as number) * pick(rng, [0, -1, 1e6, 1e-9, 1e12]);
      else container[key] = pick(rng, WEIRD) as Json;
      break;
    default: // deep nesting
      container[key] = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) as Json;
  }
  return doc;
}

describe('fuzzed bodies', () => {
  it('get 200 or a 4xx problem document, never a 500', async () => {
    const rng = new Rng(20261125, 'fuzz');
    const statuses = new Map<number, number>();
    for (let i = 0; i < 250; i++) {
      let doc = base() as unknown as Json;
      const n = 1 + rng.int(3);
      for (let k = 0; k < n; k++) doc = mutate(doc, rng);
      const url = pick(rng, ['/v1/simulate', '/v1/whatif', '/v1/rules']);
      const payload =
        url === '/v1/rules' ? { cluster: (doc as { cluster?: Json }).cluster ?? null, node: 'node-a' } : doc;
      const res = await app.inject({ method: 'POST', url, payload: payload as object });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 400) {
        expect(
          res.statusCode,
          `${url} ${JSON.stringify(payload).slice(0, 300)} → ${res.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
        const body = res.json();
        expect(typeof body.detail).toBe('string');
        if (res.statusCode === 400 && body.errors !== undefined) {
          for (const e of body.errors) expect(typeof e.path).toBe('string');
        }
      } else expect(res.statusCode).toBe(200);
    }
    // The fuzzer reaches both outcomes.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
  });

  it('random bytes as JSON and YAML are malformed-body 400s', async () => {
    const rng = new Rng(7, 'bytes');
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + rng.int(300) }, () => rng.int(256)));
      const type = i % 2 === 0 ? 'application/json' : 'application/yaml';
      const res = await app.inject({
        method: 'POST',
        url: '/v1/simulate',
        payload: bytes,
        headers: { 'content-type': type },
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});
