import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Recommendation } from '../../guide/index.js';
import { scenarioShape } from '../../scenario/schema.js';
import { SimResult } from '../../sim/result.js';
import { CandidateSpec, candidateLabel, toCandidate } from '../../whatif/candidates.js';
import { Objective, RankingRow } from '../../whatif/rank.js';
import { recommend } from '../../whatif/recommend.js';
import { runWhatif } from '../../whatif/run.js';
import type { RouteContext } from '../context.js';
import { ProblemError, validationProblem } from '../problem.js';
import { budgetFor, clientGone, problemFromTask } from '../run-task.js';
import { problemResponses } from '../schemas.js';
import { GuideSettings } from './recommend.js';

export const WhatifBody = z
  .strictObject({
    ...scenarioShape,
    replications: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(3)
      .describe('Replications per candidate (default 3); the ranking compares candidates pairwise across them.'),
    candidates: z
      .array(CandidateSpec)
      .min(1)
      .max(50)
      .optional()
      .describe(
        'Configurations to compare. Default: iptables, nftables, and ipvs with each of rr wrr lc wlc sed nq sh dh mh.',
      ),
    objective: Objective.default('p99'),
    guide: GuideSettings.optional(),
  })
  .describe('A scenario and the candidate configurations to compare.');

export const WhatifResult = z
  .strictObject({
    objective: Objective,
    candidates: z.array(z.string()).describe('Candidate labels, in request order (the order of `results`).'),
    results: z.array(SimResult),
    ranking: z.array(RankingRow),
    recommendation: Recommendation,
  })
  .describe('Every candidate’s simulation, and the ranking on the objective.');

export function whatifRoutes(ctx: RouteContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/whatif',
      {
        schema: {
          summary: 'Simulate the scenario under every candidate configuration and rank them',
          description:
            'Runs every candidate with the same seeds (common random numbers) on the worker pool, in parallel, and ranks them on the objective with paired 95 % intervals.',
          tags: ['simulation'],
          body: WhatifBody,
          response: { 200: WhatifResult, ...problemResponses },
        },
      },
      async (request, reply) => {
        const { candidates: specs, objective, guide, ...scenario } = request.body;
        const maxEvents = budgetFor(scenario.budget.maxEvents, ctx.options);
        const candidates = specs?.map(toCandidate);
        if (candidates !== undefined) {
          const labels = candidates.map((c) => candidateLabel(c, scenario.proxy.ipvs.scheduler));
          const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
          if (dup >= 0) {
            throw new ProblemError(
              validationProblem([{ path: `candidates[${dup}]`, message: `duplicate candidate "${labels[dup]}"` }]),
            );
          }
        }
        const outcome = await runWhatif(
          ctx.pool,
          scenario,
          candidates,
          objective,
          maxEvents,
          clientGone(request, reply),
        );
        if ('ok' in outcome) throw problemFromTask(outcome);
        return {
          objective,
          candidates: outcome.labels,
          results: outcome.results,
          ranking: outcome.ranking,
          recommendation: recommend(scenario, guide?.thresholds, { outcome, objective }),
        };
      },
    );
  };
}
