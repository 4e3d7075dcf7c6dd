import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Scenario } from '../../scenario/schema.js';
import { SimResult } from '../../sim/result.js';
import type { RouteContext } from '../context.js';
import { budgetFor, clientGone, runSimulation } from '../run-task.js';
import { problemResponses } from '../schemas.js';

export function simulateRoutes(ctx: RouteContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/simulate',
      {
        schema: {
          summary: 'Simulate one scenario under one data-plane configuration',
          description:
            "Runs the discrete-event simulation of kube-proxy's data plane for the scenario's `proxy` settings and returns the per-endpoint distribution, latency percentiles and data-plane costs. Same body and seed ⇒ same bytes, apart from `meta.wallMs`.",
          tags: ['simulation'],
          body: Scenario,
          response: { 200: SimResult, ...problemResponses },
        },
      },
      async (request, reply) => {
        const scenario = request.body;
        const maxEvents = budgetFor(scenario.budget.maxEvents, ctx.options);
        return runSimulation(ctx.pool, { kind: 'simulate', scenario, maxEvents }, clientGone(request, reply));
      },
    );
  };
}
