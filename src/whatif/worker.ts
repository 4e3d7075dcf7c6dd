// The worker thread's entry: one task per call. Errors that are the request's fault come back as values
// (class identity does not survive the thread boundary), so the API can map them to 4xx problems.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { renderRules } from '../render/index.js';
import { type RulesBody, type RulesResult, toRulesResult } from '../render/schema.js';
import type { Cluster } from '../scenario/cluster.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import { ingestCluster } from '../scenario/ingest.js';
import type { Scenario } from '../scenario/schema.js';
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

export interface RulesTask {
  kind: 'rules';
  body: RulesBody;
}

export type WorkerTask = SimulateTask | RulesTask;

export type TaskResult =
  | { ok: true; kind: 'simulate'; result: SimResult }
  | { ok: true; kind: 'rules'; rules: RulesResult }
  | { ok: false; error: 'budget'; estimate: number; budget: number; message: string }
  | { ok: false; error: 'scenario'; status: 400 | 422; issues: ScenarioIssue[] };

export default function runTask(task: WorkerTask): TaskResult {
  try {
    if (task.kind === 'rules') return { ok: true, kind: 'rules', rules: renderRulesFor(task.body) };
    const result = simulate({
      scenario: task.scenario,
      maxEvents: task.maxEvents,
      ...(task.candidate === undefined ? {} : { candidate: task.candidate }),
      ...(task.cluster === undefined ? {} : { cluster: task.cluster }),
    });
    return { ok: true, kind: 'simulate', result };
  } catch (err) {
    if (err instanceof BudgetError) {
      return { ok: false, error: 'budget', estimate: err.estimate, budget: err.budget, message: err.message };
    }
    if (err instanceof ScenarioError) return { ok: false, error: 'scenario', status: err.status, issues: err.issues };
    throw err;
  }
}

function renderRulesFor(body: RulesBody): RulesResult {
  const cluster = ingestCluster(body.cluster);
  const p = body.proxy;
  const rendered = renderRules(cluster, body.node, {
    renderings: body.renderings,
    ...(body.target === undefined ? {} : { target: body.target }),
    ...(p.clusterCIDR === undefined ? {} : { clusterCIDR: p.clusterCIDR }),
    ...(p.nodePortAddresses === undefined ? {} : { nodePortAddresses: p.nodePortAddresses }),
    masqueradeAll: p.masqueradeAll,
    ipvs: { scheduler: p.ipvs.scheduler, schedulerFlags: p.ipvs.flags },
  });
  return toRulesResult(rendered);
}
