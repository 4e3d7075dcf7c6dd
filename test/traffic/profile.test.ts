import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';
import { trafficProfile } from '../../src/traffic/profile.js';
import { prepare, threeNodes } from '../guide/helpers.js';

type Workload = ScenarioInput['traffic']['workloads'][number];

/** One node, one Service, round trips of 0 unless given: durations are then exactly the distributions'. */
function profileOf(workloads: Workload[], extra: Partial<ScenarioInput> = {}, duration = 60) {
  const p = prepare({
    cluster: {
      nodes: [{ name: 'a' }],
      services: [{ name: 'web', ports: [{ port: 80 }] }],
      endpointSlices: [{ service: 'web', endpoints: [{ address: '10.0.0.1', node: 'a' }] }],
    },
    calibration: { rtt: { crossNode: 0 } },
    ...extra,
    traffic: { duration, workloads },
  });
  return trafficProfile(p.scenario, p.cluster, p.target);
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** P(Erlang(n, mean) <= x): a sum of n exponentials of one mean. */
function erlangCdf(n: number, mean: number, x: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (Math.exp(-x / mean) * (x / mean) ** i) / factorial(i);
  return 1 - s;
}

function poissonCdf(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return sum;
}

/** Simpson's rule, n even. */
function simpson(f: (x: number) => number, a: number, b: number, n = 10_000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 0 ? 2 : 4) * f(a + i * h);
  return (s * h) / 3;
}

function first<T>(xs: readonly T[]): T {
  const x = xs[0];
  if (x === undefined) throw new Error('empty');
  return x;
}

describe('short connections', () => {
  it('one request lasts its service time plus a round trip: exact exponential CDF at 1 s', () => {
    const p = profileOf([{ class: 'short', rate: 200, serviceTime: { dist: 'exponential', mean: '400ms' } }], {
      calibration: { rtt: { crossNode: '0.2ms' } },
    });
    const w = first(p.workloads);
    expect(w.connectionsPerSecond).toBe(200);
    expect(w.requestsPerSecond).toBe(200);
    expect(w.meanDuration).toBeCloseTo(0.4002, 12);
    expect(w.durationCV).toBeCloseTo(0.4 / 0.4002, 12);
    expect(w.shortFraction).toBeCloseTo(1 - Math.exp(-(1 - 0.0002) / 0.4), 12);
    expect(p.shortConnectionShare).toBeCloseTo(w.shortFraction, 12);
  });

  it('backends.speed divides the service time', () => {
    const p = profileOf([{ class: 'short', rate: 10, serviceTime: { dist: 'exponential', mean: 1 } }], {
      backends: { speed: 2 },
    });
    const w = first(p.workloads);
    expect(w.serviceTime.mean).toBeCloseTo(0.5, 12);
    expect(w.shortFraction).toBeCloseTo(1 - Math.exp(-2), 12);
  });

  it('sequential requests and think times add up: within 0.005 of the exact Erlang CDF', () => {
    // 5 service times and 4 think times, all exponential with mean 100 ms: Erlang(9, 0.1). The grid
    // discretisation keeps the mean exactly; its error on the CDF is about 0.002 here.
    const p = profileOf([
      {
        class: 'short',
        rate: 50,
        requestsPerConnection: 5,
        serviceTime: { dist: 'exponential', mean: '100ms' },
        thinkTime: { dist: 'exponential', mean: '100ms' },
      },
    ]);
    const w = first(p.workloads);
    expect(w.connectionsPerSecond).toBe(10);
    expect(w.meanDuration).toBeCloseTo(0.9, 12);
    expect(w.durationVariance).toBeCloseTo(9 * 0.01, 12);
    expect(Math.abs(w.shortFraction - erlangCdf(9, 0.1, 1))).toBeLessThan(0.005);
  });

  it('constant parts add up exactly: ten 100 ms requests close within 1 s, ten of 100.1 ms do not', () => {
    const at = (serviceTime: string) =>
      first(profileOf([{ class: 'short', rate: 10, requestsPerConnection: 10, serviceTime }]).workloads).shortFraction;
    expect(at('100ms')).toBe(1);
    expect(at('100.1ms')).toBe(0);
  });

  it('more requests than the limit are never short', () => {
    const w = first(profileOf([{ class: 'short', rate: 11, requestsPerConnection: 11, serviceTime: '1ms' }]).workloads);
    expect(w.shortFraction).toBe(0);
  });

  it('keep-alive connections with think time are long: connection-seconds share within 0.005 of Erlang', () => {
    // 20 requests of exp(1 s) and 19 think times of exp(1 s): Erlang(39, 1); E[D 1{D>30}] / E[D] =
    // P(Erlang(40, 1) > 30).
    const w = first(
      profileOf(
        [
          {
            class: 'short',
            rate: 10,
            requestsPerConnection: 20,
            serviceTime: { dist: 'exponential', mean: 1 },
            thinkTime: { dist: 'exponential', mean: 1 },
          },
        ],
        {},
        600,
      ).workloads,
    );
    expect(w.meanDuration).toBeCloseTo(39, 10);
    expect(Math.abs(w.longFraction - (1 - erlangCdf(40, 1, 30)))).toBeLessThan(0.005);
    // Open at the end of a 600 s run: 0.5 connections/s × E[min(D, 600)] ≈ 0.5 × 39.
    expect(w.openAtEnd).toBeCloseTo(19.5, 1);
  });
});

describe('long-lived connections', () => {
  it('Pareto sessions: long share (xm/30)^(α−1) in closed form', () => {
    const p = profileOf([
      {
        class: 'websocket',
        rate: 2,
        duration: { dist: 'pareto', alpha: 1.5, xm: '5s' },
        messageRate: 0.5,
        serviceTime: '1ms',
      },
    ]);
    const w = first(p.workloads);
    expect(w.meanDuration).toBeCloseTo(15, 12);
    expect(w.longFraction).toBeCloseTo(Math.sqrt(5 / 30), 12);
    expect(w.shortFraction).toBe(0);
    expect(w.durationCV).toBe(Number.POSITIVE_INFINITY);
    expect(w.requestsPerSecond).toBeCloseTo(2 * 0.5 * 15, 12);
    expect(p.longConnectionSecondsShare).toBeCloseTo(Math.sqrt(5 / 30), 12);
  });

  it('an infinite mean makes every connection-second long and counts what the run holds', () => {
    const alpha = 0.9;
    const p = profileOf(
      [{ class: 'websocket', rate: 1, duration: { dist: 'pareto', alpha, xm: '1s' }, serviceTime: '1ms' }],
      {},
      100,
    );
    const w = first(p.workloads);
    expect(w.meanDuration).toBe(Number.POSITIVE_INFINITY);
    expect(p.longConnectionSecondsShare).toBe(1);
    expect(p.connectionDurationCV).toBe(Number.POSITIVE_INFINITY);
    // E[min(D, T)] = xm + xm^α (T^(1−α) − xm^(1−α)) / (1 − α) for T > xm.
    expect(w.openAtEnd).toBeCloseTo(1 + (100 ** (1 - alpha) - 1) / (1 - alpha), 9);
  });

  it('HTTP/2 connections live the whole run by default', () => {
    const long = first(profileOf([{ class: 'http2', connections: 12, streamRate: 400, serviceTime: '5ms' }]).workloads);
    expect(long.connectionsPerSecond).toBeCloseTo(12 / 60, 12);
    expect(long.connectionSeconds).toBe(12);
    expect(long.longFraction).toBe(1);
    expect(long.shortFraction).toBe(0);
    const shortRun = first(
      profileOf([{ class: 'http2', connections: 12, streamRate: 400, serviceTime: '5ms' }], {}, 20).workloads,
    );
    expect(shortRun.longFraction).toBe(0);
  });

  it('HTTP/2 lifetimes: connections reconnect at connections / E[min(lifetime, run)]', () => {
    const w = first(
      profileOf([
        {
          class: 'http2',
          connections: 10,
          lifetime: { dist: 'exponential', mean: '10s' },
          streamRate: 100,
          serviceTime: '5ms',
        },
      ]).workloads,
    );
    expect(w.connectionsPerSecond).toBeCloseTo(10 / (10 * (1 - Math.exp(-6))), 9);
    // Length-biased: E[L 1{L>30}] / E[L] = (1 + 30/10) e^(−3) for an exponential.
    expect(w.longFraction).toBeCloseTo(4 * Math.exp(-3), 12);
  });

  it('WebSocket sessions count as short when they close within 1 s with at most 10 messages', () => {
    // D ~ exp(mean 0.5 s), messages Poisson(20 · D): ∫_0^1 f(x) P(Poisson(20x) <= 10) dx.
    const w = first(
      profileOf([
        {
          class: 'websocket',
          rate: 5,
          duration: { dist: 'exponential', mean: '500ms' },
          messageRate: 20,
          serviceTime: '1ms',
        },
      ]).workloads,
    );
    const expected = simpson((x) => 2 * Math.exp(-2 * x) * poissonCdf(10, 20 * x), 0, 1);
    expect(w.shortFraction).toBeCloseTo(expected, 4);
  });
});

describe('mixtures', () => {
  it('the connection-duration CV mixes workloads by connection rate', () => {
    // 300/s of 0.1 s and 100/s of 0.3 s: mean 0.15, E[D²] = 0.03, CV = √0.0075 / 0.15.
    const p = profileOf([
      { class: 'short', rate: 300, serviceTime: '100ms' },
      { class: 'short', rate: 100, serviceTime: '300ms' },
    ]);
    expect(p.meanConnectionDuration).toBeCloseTo(0.15, 12);
    expect(p.connectionDurationCV).toBeCloseTo(Math.sqrt(0.0075) / 0.15, 12);
  });

  it('the HTTP/2 share of requests and the request-weighted service-time CV', () => {
    // 700 short requests of exactly 10 ms and 300 streams of exp(10 ms): E[S²] = 0.7e-4 + 0.3 · 2e-4.
    const p = profileOf([
      { class: 'short', rate: 700, serviceTime: '10ms' },
      { class: 'http2', connections: 4, streamRate: 300, serviceTime: { dist: 'exponential', mean: '10ms' } },
    ]);
    expect(p.http2RequestShare).toBeCloseTo(0.3, 12);
    expect(p.serviceTimeMean).toBeCloseTo(0.01, 12);
    expect(p.serviceTimeCV).toBeCloseTo(Math.sqrt(3e-5) / 0.01, 9);
  });
});

describe('WebSocket idle gaps against the IPVS timeout', () => {
  it('gap probability exp(−mT), sessions outliving T, expected expiries in closed form', () => {
    // Exponential sessions (mean 1200 s) are memoryless: E[(1 + m(D − T)) 1{D > T}] = e^(−T/μ)(1 + mμ).
    const w = first(
      profileOf(
        [
          {
            class: 'websocket',
            rate: 1,
            duration: { dist: 'exponential', mean: '20m' },
            messageRate: 0.001,
            serviceTime: '1ms',
          },
        ],
        { proxy: { mode: 'ipvs', ipvs: { tcpTimeout: '15m' } } },
      ).workloads,
    );
    const idle = w.idle;
    expect(idle).not.toBeNull();
    expect(idle?.timeoutSeconds).toBe(900);
    expect(idle?.gapOverTimeout).toBeCloseTo(Math.exp(-0.9), 12);
    expect(idle?.sessionsLongerThanTimeout).toBeCloseTo(Math.exp(-0.75), 12);
    expect(idle?.expiriesPerSession).toBeCloseTo(Math.exp(-0.9) * Math.exp(-0.75) * 2.2, 12);
  });
});

describe('clients and the snapshot', () => {
  it('shares of deciding nodes: pods round-robin over nodes, external by weights, fromEndpoints by endpoint', () => {
    const p = prepare({
      cluster: threeNodes({ type: 'NodePort' }),
      traffic: {
        clients: [
          { name: 'web', kind: 'pod', nodes: ['node-a', 'node-b'], sourceIPs: 5 },
          { name: 'internet', kind: 'external', via: 'nodePort', nodes: ['node-b', 'node-c'], weights: [3, 1] },
          { name: 'peers', kind: 'pod', fromEndpoints: true },
        ],
        workloads: [
          { class: 'short', client: 'web', rate: 600, serviceTime: '1ms' },
          { class: 'short', client: 'internet', rate: 200, serviceTime: '1ms' },
          { class: 'short', client: 'peers', rate: 200, serviceTime: '1ms' },
        ],
      },
    });
    const prof = trafficProfile(p.scenario, p.cluster, p.target);
    const nodes = (name: string) =>
      Object.fromEntries((prof.clients.find((c) => c.name === name)?.nodes ?? []).map((n) => [n.node, n.share]));
    expect(nodes('web')).toEqual({ 'node-a': 0.6, 'node-b': 0.4 });
    expect(nodes('internet')).toEqual({ 'node-b': 0.75, 'node-c': 0.25 });
    expect(nodes('peers')).toEqual({ 'node-a': 0.5, 'node-b': 0.5 });
    expect(prof.externalConnectionShare).toBeCloseTo(0.2, 12);
    const deciding = Object.fromEntries(prof.decidingNodes.map((n) => [n.node, n.share]));
    // node-b: 600 × 0.4 + 200 × 0.75 + 200 × 0.5 of 1000 connections/s.
    expect(deciding['node-b']).toBeCloseTo(0.49, 12);
    expect(deciding['node-a']).toBeCloseTo(0.46, 12);
    expect(deciding['node-c']).toBeCloseTo(0.05, 12);
    expect(prof.decidingNodes[0]?.node).toBe('node-b');
  });

  it('counts programmed Service ports and endpoints, and the nodes’ version range', () => {
    const p = prepare({
      cluster: {
        nodes: [
          { name: 'a', kubeletVersion: 'v1.32.4' },
          { name: 'b', kubeletVersion: 'v1.33.0', kubeProxyVersion: 'v1.34.1-eks-1' },
          { name: 'c' },
        ],
        services: [
          { name: 'web', ports: [{ port: 80 }] },
          {
            name: 'api',
            ports: [
              { name: 'http', port: 80 },
              { name: 'grpc', port: 9090 },
            ],
          },
          { name: 'headless', clusterIP: 'None', ports: [{ port: 80 }] },
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'ext', namespace: 'default' },
            spec: { type: 'ExternalName', externalName: 'example.com' },
          },
        ],
        endpointSlices: [
          {
            service: 'web',
            endpoints: [
              { address: '10.0.0.1', node: 'a' },
              { address: '10.0.0.2', node: 'b' },
            ],
          },
          { service: 'api', ports: [{ name: 'http', port: 80 }], endpoints: [{ address: '10.0.1.1', node: 'c' }] },
        ],
      },
      target: { service: 'web' },
      traffic: { workloads: [{ class: 'short', rate: 1, serviceTime: '1ms' }] },
    });
    const s = trafficProfile(p.scenario, p.cluster, p.target).snapshot;
    expect(s.services).toBe(4);
    expect(s.servicePorts).toBe(3);
    expect(s.endpoints).toBe(3);
    expect(s.versions.lowest?.text).toBe('v1.32.4');
    // kube-proxy's version wins over the kubelet's on the same node.
    expect(s.versions.highest?.text).toBe('v1.34.1-eks-1');
    expect(s.versions.nodesWithVersion).toBe(2);
  });

  it('endpoint weights: kube-proxy’s 1 unless backends.overrides sets another', () => {
    const base = {
      cluster: threeNodes(),
      traffic: { workloads: [{ class: 'short', rate: 1, serviceTime: '1ms' }] },
    } satisfies ScenarioInput;
    const heavy = prepare({ ...base, backends: { overrides: [{ endpoint: 'web-a', weight: 3 }] } });
    const t = trafficProfile(heavy.scenario, heavy.cluster, heavy.target).target;
    expect(t.weights).toEqual([3, 1]);
    expect(t.weightsDiffer).toBe(true);
    const same = prepare({ ...base, backends: { overrides: [{ endpoint: '10.244.1.10', weight: 1, speed: 0.5 }] } });
    expect(trafficProfile(same.scenario, same.cluster, same.target).target.weightsDiffer).toBe(false);
  });

  it('rejects what the simulator rejects, naming the field', () => {
    const bad = prepare({
      cluster: threeNodes(),
      backends: { overrides: [{ endpoint: 'nope' }] },
      traffic: {
        clients: [{ name: 'web', nodes: ['node-a', 'node-z'] }],
        workloads: [{ class: 'short', client: 'mobile', rate: 1, serviceTime: '1ms' }],
      },
    });
    let error: unknown;
    try {
      trafficProfile(bad.scenario, bad.cluster, bad.target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues.map((i) => i.path).sort()).toEqual([
      'backends.overrides[0].endpoint',
      'traffic.clients[0].nodes[1]',
      'traffic.workloads[0].client',
    ]);
  });
});
