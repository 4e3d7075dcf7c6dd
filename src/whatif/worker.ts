// The worker thread's entry: one task per call. Errors that are the request's fault come back as values
// (class identity does not survive the thread boundary), so the API can map them to 4xx problems.

import type { Cluster } from '../scenario/cluster.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema.js';
import { BudgetError, simulate } from '../sim/index.js';
import type { Candidate } from '../sim/model.js';
import type { SimResult } from '../sim/result.js';

export interface SimulateTask {
  kind: 'simulate';
  scenario: Scenario;
  candidate?: Candidate;
  cluster?: Cluster;
  maxEvents: number;
}

export type WorkerTask = SimulateTask;

export type TaskResult =
  | { ok: true; result: SimResult }
  | { ok: false; error: 'budget'; estimate: number; budget: number; message: string }
  | { ok: false; error: 'scenario'; status: 400 | 422; issues: ScenarioIssue[] };

export default function runTask(task: WorkerTask): TaskResult {
  try {
    const result = simulate({
      scenario: task.scenario,
      maxEvents: task.maxEvents,
      ...(task.candidate === undefined ? {} : { candidate: task.candidate }),
      ...(task.cluster === undefined ? {} : { cluster: task.cluster }),
    });
    return { ok: true, result };
  } catch (err) {
    if (err instanceof BudgetError) {
      return { ok: false, error: 'budget', estimate: err.estimate, budget: err.budget, message: err.message };
    }
    if (err instanceof ScenarioError) return { ok: false, error: 'scenario', status: err.status, issues: err.issues };
    throw err;
  }
}
