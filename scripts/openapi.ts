// Writes the OpenAPI document generated from the zod schemas to openapi/openapi.json (`npm run openapi`).
// test/api/openapi.test.ts fails when the committed file differs from what the code generates.
import { writeFileSync } from 'node:fs';
import { openApiDocumentText } from '../src/api/openapi.js';

const path = new URL('../openapi/openapi.json', import.meta.url);
writeFileSync(path, await openApiDocumentText());
console.log(`wrote ${path.pathname}`);
