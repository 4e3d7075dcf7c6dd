// The worker thread's entry: one task per call. Errors that are the request's fault come back as values
// (class identity does not survive the thread boundary), so the API can map them to 4xx problems.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { renderRules } from '../render/index.js';
import { type RulesBody, type RulesResult, toRulesResult } from '../render/schema.js';
import type { Cluster } from '../scenario/cluster.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import { ingestCluster } from '../scenario/ingest.js';
import { Calibration, Conntrack, Requirements, type Scenario } from '../scenario/schema.js';
import { resolveTarget } from '../scenario/target.js';
import { estimateEvents } from '../sim/budget.js';
import { BudgetError, simulate } from '../sim/index.js';
import { ipvsCountersForNode } from '../sim/ipvs-counters.js';
import type { Candidate } from '../sim/model.js';
import { prepareModel } from '../sim/model.js';
import type { SimResult } from '../sim/result.js';
import { runOnce } from '../sim/run.js';

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
  /** Budget of the optional simulation behind the IPVS counters. */
  maxEvents: number;
}

export type WorkerTask = SimulateTask | RulesTask;

export type TaskResult =
  | { ok: true; kind: 'simulate'; result: SimResult }
  | { ok: true; kind: 'rules'; rules: RulesResult }
  | { ok: false; error: 'budget'; estimate: number; budget: number; message: string }
  | { ok: false; error: 'scenario'; status: 400 | 422; issues: ScenarioIssue[] };

export default function runTask(task: WorkerTask): TaskResult {
  try {
    if (task.kind === 'rules') return { ok: true, kind: 'rules', rules: renderRulesFor(task.body, task.maxEvents) };
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

function renderRulesFor(body: RulesBody, maxEvents: number): RulesResult {
  const cluster = ingestCluster(body.cluster);
  const p = body.proxy;
  const stats =
    body.simulation !== undefined && body.renderings.includes('ipvs')
      ? simulatedIpvsCounters(body, cluster, maxEvents)
      : undefined;
  const rendered = renderRules(cluster, body.node, {
    renderings: body.renderings,
    ...(body.target === undefined ? {} : { target: body.target }),
    ...(p.clusterCIDR === undefined ? {} : { clusterCIDR: p.clusterCIDR }),
    ...(p.nodePortAddresses === undefined ? {} : { nodePortAddresses: p.nodePortAddresses }),
    masqueradeAll: p.masqueradeAll,
    ipvs: {
      scheduler: p.ipvs.scheduler,
      schedulerFlags: p.ipvs.flags,
      ...(stats === undefined ? {} : { realServerStats: stats }),
    },
  });
  return toRulesResult(rendered);
}

/** Runs the body's traffic in IPVS mode and reads the node's counters at the end (ipvsadm's columns). */
function simulatedIpvsCounters(body: RulesBody, cluster: Cluster, maxEvents: number) {
  const sim = body.simulation as NonNullable<RulesBody['simulation']>;
  const p = body.proxy;
  const scenario: Scenario = {
    cluster: body.cluster,
    ...(body.target === undefined ? {} : { target: body.target }),
    proxy: {
      mode: 'ipvs',
      ipvs: { scheduler: p.ipvs.scheduler, flags: p.ipvs.flags, tcpTimeout: 900, tcpFinTimeout: 120 },
      ...(p.clusterCIDR === undefined ? {} : { clusterCIDR: p.clusterCIDR }),
      masqueradeAll: p.masqueradeAll,
      conntrack: Conntrack.parse({}),
    },
    traffic: sim.traffic,
    backends: sim.backends,
    requirements: Requirements.parse({}),
    calibration: Calibration.parse({}),
    replications: 1,
    budget: {},
  };
  const target = resolveTarget(cluster, body.target);
  const model = prepareModel(scenario, cluster, target, { mode: 'ipvs', scheduler: p.ipvs.scheduler }, maxEvents);
  const estimate = estimateEvents(model.workloads, model.duration, 1);
  if (estimate > maxEvents) throw new BudgetError(estimate, maxEvents);
  const run = runOnce(model, sim.traffic.seed);
  if (run.budgetExhausted) throw new BudgetError(estimate, maxEvents, true);
  return ipvsCountersForNode(model, run, body.node);
}
