// What a rule and a check are, and what they read.
import type { Cluster, Node, Service, ServicePort } from '../scenario/cluster.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimResult } from '../sim/result.js';
import type { TrafficProfile } from '../traffic/profile.js';
import type { FirstPacketCost } from './cost.js';
import type { CheckId, DocumentSource, GuideChoice, Recommends, RuleId, Severity } from './schema.js';
import type { GuideThresholds } from './thresholds.js';
import type { IpvsAvailability } from './version.js';

/** Everything the rules and checks read. Built once per evaluation by `evaluateGuide`. */
export interface GuideContext {
  scenario: Scenario;
  cluster: Cluster;
  service: Service;
  port: ServicePort;
  profile: TrafficProfile;
  thresholds: GuideThresholds;
  /** Simulation results of the scenario (one per candidate configuration), when a what-if ran; else empty. */
  results: readonly SimResult[];
  /** The configuration the scenario describes: its proxy mode and scheduler, the Service's options. */
  current: GuideChoice;
  /** Whether the cluster's Kubernetes version still has IPVS mode. */
  ipvs: IpvsAvailability;
  nodesByName: ReadonlyMap<string, Node>;
  /** First-packet cost of iptables vs a hash lookup for this snapshot (computed once, on first use). */
  firstPacketCost(): FirstPacketCost | null;
}

export type Measured = Record<string, number | string | boolean | null>;

export interface RuleOutcome {
  fired: boolean;
  /** "G2 fired: …" / "G2 did not fire: …", quoting the measured values and thresholds. */
  because: string;
  recommends?: Recommends;
  measured: Measured;
}

/** One rule of the document's selection guide (sections 5 and 12). */
export interface Rule {
  id: RuleId;
  title: string;
  source: readonly DocumentSource[];
  evaluate(ctx: GuideContext): RuleOutcome;
}

/** A check's finding for one configuration. */
export interface CheckFinding {
  fired: boolean;
  /** The sentence after "C1 fired:" / "C1 did not fire:". */
  reason: string;
  /** Severity when fired. */
  severity: Exclude<Severity, 'ok'>;
  details: Record<string, unknown>;
}

/** One check of the document's troubleshooting list (sections 6, 7, 9). */
export interface Check {
  id: CheckId;
  title: string;
  source: readonly DocumentSource[];
  /** The configuration fields the finding depends on (the current configuration and the guide's choice are
   * evaluated separately only when they differ in one of these). */
  dependsOn: readonly (keyof GuideChoice)[];
  evaluate(ctx: GuideContext, config: GuideChoice): CheckFinding;
}
