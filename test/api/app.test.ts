import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/api/app.js';
import { optionsFromEnv, parseSize } from '../../src/api/config.js';

let app: App;
beforeAll(async () => {
  app = await buildApp({ logLevel: false, workers: 1 });
  await app.ready();
});
afterAll(() => app.close());

describe('health and docs', () => {
  it('answers liveness and readiness', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('serves an OpenAPI 3.1 document and the browsable UI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const r = await app.inject({ method: 'GET', url: '/v9/nothing?x=1' });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ status: 404, title: 'Not found', instance: '/v9/nothing?x=1' });
    expect(r.json().detail).toContain('GET /v9/nothing');
  });
});

describe('configuration from the environment', () => {
  it('reads sizes and lists', () => {
    expect(parseSize('64mb')).toBe(64e6);
    expect(parseSize('256MiB')).toBe(256 * 1024 * 1024);
    expect(parseSize('1000')).toBe(1000);
    expect(() => parseSize('lots')).toThrow(/BODY_LIMIT/);
    const o = optionsFromEnv({ BODY_LIMIT: '1kb', CORS_ORIGINS: 'https://a.example, https://b.example', WORKERS: '3' });
    expect(o).toMatchObject({ bodyLimit: 1000, corsOrigins: ['https://a.example', 'https://b.example'], workers: 3 });
  });

  it('sends CORS headers for configured origins only', async () => {
    const corsApp = await buildApp({ logLevel: false, corsOrigins: ['https://dash.example'] });
    try {
      const ok = await corsApp.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://dash.example' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://dash.example');
      const other = await corsApp.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await corsApp.close();
    }
  });
});
