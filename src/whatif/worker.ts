// The worker thread's entry: one task per call. Errors that are the request's fault come back as values
// (class identity does not survive the thread boundary), so the API can map them to 4xx problems.

import type { Cluster } from '../scenario/cluster.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import type { Scenario } from '../scenario/schema.js';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { BudgetError, simulate } from '../sim/index.js';
import type { Candidate } from '../sim/model.js';
import type { SimResult } from '../sim/result.js';

/**
 * Simulation threads run at a lower CPU priority than the event loop, so that on a busy machine /healthz
 * and new requests are answered promptly while every core simulates. Linux applies setpriority() to a
 * single thread when given its thread id (/proc/thread-self names it); elsewhere this is skipped.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not permitted: the OS scheduler's defaults apply.
  }
}
lowerThreadPriority();

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
