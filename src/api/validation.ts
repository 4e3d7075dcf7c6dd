// Route schemas are zod values; fastify runs them through this compiler. Our own compiler (not the type
// provider's) so that a failure carries the zod issues and becomes a problem document with field paths.
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { BodyValidationError } from './problem.js';

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: new BodyValidationError(result.error.issues) };
  };

/** Responses are plain data built by our own code: serialise without re-validating (deterministic, fast). */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
