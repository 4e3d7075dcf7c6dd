// The Lambda entry adapts the same app: a fake API Gateway HTTP API (v2) event in, a proxy result out.
import { describe, expect, it } from 'vitest';
import { compactCluster } from '../helpers/scenario.js';

function event(method: string, path: string, body?: unknown) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'abc.execute-api.eu-central-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795000000000,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('Lambda adapter', () => {
  it('answers health, simulations and problems through API Gateway v2 events', async () => {
    process.env.LOG_LEVEL = 'silent';
    process.env.WORKERS = '1';
    const { handler } = await import('../../src/lambda.js');
    const health = await handler(event('GET', '/healthz') as never, {} as never);
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });

    const ok = await handler(
      event('POST', '/v1/simulate', {
        cluster: compactCluster({ endpoints: 2 }),
        traffic: { duration: 5, workloads: [{ class: 'short', rate: 20, serviceTime: '5ms' }] },
      }) as never,
      {} as never,
    );
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).endpoints).toHaveLength(2);

    const bad = await handler(event('POST', '/v1/simulate', { traffic: {} }) as never, {} as never);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers?.['content-type']).toContain('application/problem+json');
    expect(JSON.parse(bad.body).errors.map((e: { path: string }) => e.path)).toContain('cluster');
  });
});
