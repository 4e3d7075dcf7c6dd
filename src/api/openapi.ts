import { buildApp } from './app.js';

/** The OpenAPI 3.1 document as committed in openapi/openapi.json: generated from the routes' zod schemas. */
export async function openApiDocumentText(): Promise<string> {
  const app = await buildApp({ logLevel: false, workers: 1 });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
