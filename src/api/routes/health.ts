import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Status = z.strictObject({ status: z.string().meta({ examples: ['ok'] }) });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'], response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the app has loaded its routes and can take requests',
        tags: ['health'],
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ready' }),
  );
};
