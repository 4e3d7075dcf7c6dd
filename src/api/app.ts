// The application factory: no globals, so every test and both entries (server.ts, lambda.ts) build their
// own app. Small core; routes are plugins under ./routes.
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import './components.js';
import { ScenarioError } from '../scenario/errors.js';
import { API_VERSION } from '../version.js';
import { createPool } from '../whatif/pool.js';
import { type AppOptions, DEFAULT_OPTIONS } from './config.js';
import { registerYamlParser } from './content.js';
import type { RouteContext } from './context.js';
import { PROBLEM_TYPES, sendProblem, toProblem } from './problem.js';
import { healthRoutes } from './routes/health.js';
import { recommendRoutes } from './routes/recommend.js';
import { rulesRoutes } from './routes/rules.js';
import { simulateRoutes } from './routes/simulate.js';
import { whatifRoutes } from './routes/whatif.js';
import { scenarioProblem } from './run-task.js';
import { jsonSerializerCompiler, zodValidatorCompiler } from './validation.js';

export type App = FastifyInstance;

export async function buildApp(overrides: Partial<AppOptions> = {}): Promise<App> {
  const options: AppOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel },
    bodyLimit: options.bodyLimit,
    // Simulations can take a while; the connection must outlive them (the client may cancel by closing it).
    requestTimeout: 0,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  registerYamlParser(app, options.bodyLimit);

  app.setErrorHandler((err: FastifyError, request, reply) => {
    // A run cancelled because its client went away: nobody is listening for the answer.
    if (err.name === 'AbortError') {
      request.log.info('run cancelled');
      return reply.code(499).send();
    }
    const problem = err instanceof ScenarioError ? scenarioProblem(err).problem : toProblem(err, options.bodyLimit);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    if (problem.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, {
      type: PROBLEM_TYPES.notFound,
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}; see GET /openapi.json for the API.`,
    }),
  );

  await app.register(cors, {
    origin: options.corsOrigins.includes('*') ? true : options.corsOrigins.length === 0 ? false : options.corsOrigins,
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    retryAfter: 5,
    exposeStatusRoute: false,
    pressureHandler: (request, reply, type, value) => {
      reply.header('retry-after', '5');
      sendProblem(reply, request, {
        type: PROBLEM_TYPES.overloaded,
        title: 'Service unavailable',
        status: 503,
        detail: `The server is overloaded (${type}: ${value}); retry later.`,
      });
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'kube-proxy what-if API',
        version: API_VERSION,
        description:
          "Simulates kube-proxy's data plane (iptables, nftables, IPVS and its schedulers) on a cluster snapshot and a traffic profile, and recommends a proxy mode, scheduler and Service options.",
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const pool = createPool(options.workers, (err) => app.log.error({ err }, 'worker pool error'));
  app.addHook('onClose', () => pool.close());
  const ctx: RouteContext = { options, pool };

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes);
  await app.register(simulateRoutes(ctx));
  await app.register(whatifRoutes(ctx));
  await app.register(rulesRoutes(ctx));
  await app.register(recommendRoutes);
  return app;
}
