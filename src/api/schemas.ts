// Response schemas shared by routes (for the OpenAPI document).
import { z } from 'zod';

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI reference identifying the problem type.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string().meta({ examples: ['traffic.workloads[1].rate'] }), message: z.string() }))
      .optional()
      .describe('Field-level problems; `path` is the field path in the request body.'),
    estimate: z.number().optional().describe('Over-budget problems: the estimated events of the run.'),
    budget: z.number().optional().describe('Over-budget problems: the event budget in force.'),
  })
  .describe('RFC 9457 problem details (application/problem+json).');

export const problemResponses = {
  400: ProblemSchema.describe('Malformed or invalid request (`errors` names the fields).'),
  413: ProblemSchema.describe('Body larger than BODY_LIMIT.'),
  415: ProblemSchema.describe('Unsupported Content-Type (use application/json or application/yaml).'),
  422: ProblemSchema.describe('Well-formed but does not fit the snapshot, or over the event budget.'),
  503: ProblemSchema.describe('Overloaded; retry after `Retry-After` seconds.'),
};
