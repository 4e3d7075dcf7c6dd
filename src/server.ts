// Listens on HOST:PORT (default 0.0.0.0:8080) and shuts down gracefully on SIGTERM / SIGINT.
import { buildApp } from './api/app.js';
import { optionsFromEnv } from './api/config.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const app = await buildApp(optionsFromEnv());

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port, host });
