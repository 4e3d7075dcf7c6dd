import { setMaxListeners } from 'node:events';
// Runs a worker task for a request: cancels it when the client goes away, and turns the task's
// request-level failures into problem documents.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScenarioError } from '../scenario/errors.js';
import type { SimResult } from '../sim/result.js';
import type { SimulationPool } from '../whatif/pool.js';
import type { TaskResult, WorkerTask } from '../whatif/worker.js';
import { PROBLEM_TYPES, ProblemError, validationProblem } from './problem.js';

/** An AbortSignal that fires when the client closes the connection before the response is sent. */
export function clientGone(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // One signal cancels every task of a what-if (up to 50 candidates), each adding an abort listener.
  setMaxListeners(64, controller.signal);
  // 'finish' means the whole response reached the socket; a 'close' before it means the client left.
  // (writableFinished is not reliable here: a destroyed response reports true on Node 20.)
  let finished = false;
  reply.raw.once('finish', () => {
    finished = true;
  });
  const gone = () => {
    if (!finished && !controller.signal.aborted) {
      request.log.info('client went away; cancelling its run');
      controller.abort();
    }
  };
  reply.raw.once('close', gone);
  // The client may have left while the body was still being parsed: 'close' was already emitted.
  if (request.raw.socket === null || request.raw.socket.destroyed) gone();
  return controller.signal;
}

export function problemFromTask(result: Exclude<TaskResult, { ok: true }>): ProblemError {
  if (result.error === 'budget') {
    return new ProblemError({
      type: PROBLEM_TYPES.overBudget,
      title: 'Over the event budget',
      status: 422,
      detail: `${result.message}. Shorten traffic.duration, lower the rates or replications, or raise budget.maxEvents (up to the server's MAX_EVENTS).`,
      estimate: result.estimate,
      budget: result.budget,
    });
  }
  return scenarioProblem(new ScenarioError(result.issues, result.status));
}

export function scenarioProblem(err: ScenarioError): ProblemError {
  const p = validationProblem(err.issues);
  return new ProblemError(
    err.status === 400
      ? p
      : { ...p, type: PROBLEM_TYPES.unprocessable, title: 'Scenario does not fit the snapshot', status: 422 },
  );
}

export async function runSimulation(pool: SimulationPool, task: WorkerTask, signal: AbortSignal): Promise<SimResult> {
  const result = await pool.run(task, signal);
  if (!result.ok) throw problemFromTask(result);
  if (result.kind !== 'simulate') throw new Error(`expected a simulation result, got ${result.kind}`);
  return result.result;
}

/** The budget a request may use: its own (lowered or raised up to the server's ceiling) or the default. */
export function budgetFor(
  requested: number | undefined,
  defaults: { defaultMaxEvents: number; maxEvents: number },
): number {
  if (requested === undefined) return defaults.defaultMaxEvents;
  if (requested > defaults.maxEvents) {
    throw new ProblemError({
      ...validationProblem([
        {
          path: 'budget.maxEvents',
          message: `at most ${defaults.maxEvents} (the server's MAX_EVENTS), got ${requested}`,
        },
      ]),
      status: 422,
      type: PROBLEM_TYPES.overBudget,
      title: 'Over the event budget',
    });
  }
  return requested;
}
