import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GuideThresholds, Recommendation } from '../../guide/index.js';
import { scenarioShape } from '../../scenario/schema.js';
import { recommend } from '../../whatif/recommend.js';
import { problemResponses } from '../schemas.js';

export const GuideSettings = z
  .strictObject({ thresholds: GuideThresholds.optional() })
  .describe('Overrides of the selection guide’s thresholds (spec: G1–G7, C1–C7); the answer states the values used.');

export const RecommendBody = z
  .strictObject({ ...scenarioShape, guide: GuideSettings.optional() })
  .describe('A scenario; only the snapshot, target, traffic profile and requirements are read.');

export const recommendRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/recommend',
    {
      schema: {
        summary: 'The selection guide’s recommendation, without a simulation',
        description:
          'Evaluates the guide’s rules G1–G7 and checks C1–C7 on the snapshot and the traffic profile’s analytic properties. Fast: no simulation runs.',
        tags: ['recommendation'],
        body: RecommendBody,
        response: { 200: Recommendation, ...problemResponses },
      },
    },
    async (request) => {
      const { guide, ...scenario } = request.body;
      return recommend(scenario, guide?.thresholds);
    },
  );
};
