// RFC 9457 problem details: every 4xx/5xx this API sends is `application/problem+json` with `type`,
// `title`, `status`, `detail`, and for validation failures `errors: [{ path, message }]` where `path` is
// the field path in the body as a user writes it (`traffic.workloads[1].rate`).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Problem type URIs: relative references (RFC 9457 §3.1.1) that identify the kind of problem. */
export const PROBLEM_TYPES = {
  validation: '/problems/validation-error',
  malformed: '/problems/malformed-body',
  unsupportedMediaType: '/problems/unsupported-media-type',
  tooLarge: '/problems/body-too-large',
  notFound: '/problems/not-found',
  methodNotAllowed: '/problems/method-not-allowed',
  overBudget: '/problems/over-event-budget',
  unprocessable: '/problems/unprocessable-scenario',
  overloaded: '/problems/overloaded',
  cancelled: '/problems/cancelled',
  internal: '/problems/internal-error',
} as const;

/** An error that carries its problem document; thrown by models and mapped as is by the error handler. */
export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
    this.problem = problem;
  }
}

/** Formats a zod / JSON path as a user writes it: `traffic.workloads[1].rate`, `cluster.items[3]["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const k = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(k)) out += out === '' ? k : `.${k}`;
      else out += `[${JSON.stringify(k)}]`;
    }
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/**
 * A union's failure lists every branch's issues; report the branch the user evidently meant: the one that
 * got furthest (longest issue path), preferring branches that did not fail on the value's type itself.
 */
function flattenIssue(issue: Issue, base: readonly PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: Issue[] | undefined;
    let bestScore = -1;
    for (const branch of issue.errors) {
      const depth = Math.max(0, ...branch.map((i) => i.path.length));
      const typeMiss = branch.every((i) => i.code === 'invalid_type' && i.path.length === 0);
      const score = depth * 2 + (typeMiss ? 0 : 1);
      if (score > bestScore) {
        bestScore = score;
        best = branch;
      }
    }
    if (best !== undefined && bestScore > 0) return best.flatMap((i) => flattenIssue(i, path));
    return [{ path, message: issue.message }];
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ path: [...path, k], message: `unknown field "${k}"` }));
  }
  return [{ path, message: issue.message }];
}

export function zodIssuesToFieldErrors(issues: readonly Issue[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    for (const e of flattenIssue(issue, [])) {
      const fe = { path: formatPath(e.path, prefix), message: e.message };
      const key = `${fe.path}\u0000${fe.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(fe);
      }
    }
  }
  return out;
}

export function validationProblem(errors: FieldError[], detail?: string): Problem {
  const first = errors[0];
  return {
    type: PROBLEM_TYPES.validation,
    title: 'Invalid request',
    status: 400,
    detail:
      detail ??
      (first === undefined
        ? 'The request is invalid.'
        : `${first.path === '' ? 'body' : first.path}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`),
    errors,
  };
}

/** The validation error a route's body schema raises; fastify passes it to the error handler unchanged. */
export class BodyValidationError extends Error {
  readonly statusCode = 400;
  readonly problem: Problem;
  constructor(issues: readonly Issue[]) {
    const errors = zodIssuesToFieldErrors(issues);
    const problem = validationProblem(errors);
    super(problem.detail);
    this.name = 'BodyValidationError';
    this.problem = problem;
  }
}

const FASTIFY_CODES: Record<string, { status: number; type: string; title: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    type: PROBLEM_TYPES.unsupportedMediaType,
    title: 'Unsupported media type',
    detail: 'Send the body as application/json or application/yaml.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, type: PROBLEM_TYPES.malformed, title: 'Malformed request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    type: PROBLEM_TYPES.malformed,
    title: 'Malformed request',
    detail: 'The body is empty; send a JSON or YAML document.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, type: PROBLEM_TYPES.malformed, title: 'Malformed JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, type: PROBLEM_TYPES.tooLarge, title: 'Body too large' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, type: PROBLEM_TYPES.unsupportedMediaType, title: 'Unsupported media type' },
  FST_ERR_NOT_FOUND: { status: 404, type: PROBLEM_TYPES.notFound, title: 'Not found' },
};

/** Maps any error to a problem document. Unknown errors are 500s whose detail does not leak internals. */
export function toProblem(err: FastifyError | Error, bodyLimit: number): Problem {
  if (err instanceof ProblemError || err instanceof BodyValidationError) return err.problem;
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      type: PROBLEM_TYPES.tooLarge,
      title: 'Body too large',
      status: 413,
      detail: `The body is larger than the server's limit of ${bodyLimit} bytes (BODY_LIMIT).`,
    };
  }
  const known = fe.code === undefined ? undefined : FASTIFY_CODES[fe.code];
  if (known !== undefined) {
    return { type: known.type, title: known.title, status: known.status, detail: known.detail ?? fe.message };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { type: 'about:blank', title: 'Bad request', status, detail: fe.message };
  }
  if (status === 503) {
    return { type: PROBLEM_TYPES.overloaded, title: 'Service unavailable', status, detail: fe.message };
  }
  return {
    type: PROBLEM_TYPES.internal,
    title: 'Internal server error',
    status: 500,
    detail: 'The server failed to handle the request; the error was logged.',
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  const body: Problem = { ...problem, instance: problem.instance ?? request.url };
  return reply.code(problem.status).type('application/problem+json').send(body);
}
