import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocumentText } from '../../src/api/openapi.js';

const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');

describe('the OpenAPI document', () => {
  it('is generated from the zod schemas and the committed file is up to date (run `npm run openapi`)', async () => {
    expect(committed).toBe(await openApiDocumentText());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(committed));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(JSON.parse(committed).openapi).toBe('3.1.0');
  });

  it('documents every route with descriptions and examples users see in /docs', () => {
    const doc = JSON.parse(committed);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/v1/simulate', '/v1/whatif']),
    );
    const traffic = doc.components.schemas.TrafficInput;
    expect(traffic.description).toBe('The traffic profile.');
    expect(traffic.properties.duration.description).toContain('default 60 s');
    expect(doc.components.schemas.ProxySettingsInput.properties.masqueradeAll.description).toContain(
      '--masquerade-all',
    );
    expect(JSON.stringify(doc.components.schemas.WorkloadInput)).toContain('requestsPerConnection');
  });
});
