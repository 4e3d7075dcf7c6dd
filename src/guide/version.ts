// IPVS mode's deprecation, against the cluster's Kubernetes version (spec/guide.md "What the document
// does not say"; reference/kube-proxy.md §6): KEP-5495 — v1.35 logs a deprecation warning when kube-proxy
// runs in IPVS mode; v1.37 adds the feature gate `KubeProxyIPVS` (deprecated, default on); the plan is
// default off in v1.40 and removal in v1.43. nftables mode (beta v1.31, GA v1.33) is the successor.
import type { ClusterVersion, SnapshotFacts } from '../traffic/profile.js';

export const IPVS_DEPRECATED_MINOR = 35;
export const IPVS_GATE_MINOR = 37;
export const IPVS_GATE_OFF_MINOR = 40;
export const IPVS_REMOVED_MINOR = 43;
export const NFTABLES_GA_MINOR = 33;

export type IpvsStatus = 'supported' | 'deprecated' | 'gated' | 'gated-off' | 'removed' | 'unknown';

export interface IpvsAvailability {
  status: IpvsStatus;
  /** The version judged (the newest on the nodes: upgrades move that way), or null when unknown. */
  version: string | null;
  /** IPVS mode can run on this version (possibly with the feature gate set); true when unknown. */
  available: boolean;
  /** One sentence on IPVS at this version. */
  summary: string;
}

const PLAN =
  'IPVS mode is deprecated (KEP-5495): Kubernetes v1.35 logs a deprecation warning, v1.37 puts it behind the KubeProxyIPVS feature gate (on by default), and the plan is to turn the gate off by default in v1.40 and remove IPVS mode in v1.43, with nftables mode as its successor';

function minorOf(v: ClusterVersion): number {
  // Kubernetes has been 1.x throughout; a later major would be past every date above.
  return v.major > 1 ? Number.POSITIVE_INFINITY : v.minor;
}

export function ipvsAvailability(versions: SnapshotFacts['versions']): IpvsAvailability {
  const v = versions.highest;
  if (v === null) {
    return {
      status: 'unknown',
      version: null,
      available: true,
      summary: `${PLAN}. The snapshot has no node versions (status.nodeInfo.kubeletVersion / kubeProxyVersion), so whether IPVS is still available in this cluster cannot be said.`,
    };
  }
  const spread =
    versions.lowest !== null && versions.lowest.text !== v.text
      ? ` (nodes run ${versions.lowest.text} to ${v.text})`
      : '';
  const minor = minorOf(v);
  const at = `The cluster runs ${v.text}${spread}`;
  if (minor < IPVS_DEPRECATED_MINOR)
    return {
      status: 'supported',
      version: v.text,
      available: true,
      summary: `${PLAN}. ${at}: IPVS mode is still fully supported there.`,
    };
  if (minor < IPVS_GATE_MINOR)
    return {
      status: 'deprecated',
      version: v.text,
      available: true,
      summary: `${PLAN}. ${at}: IPVS mode works but kube-proxy logs the deprecation warning.`,
    };
  if (minor < IPVS_GATE_OFF_MINOR)
    return {
      status: 'gated',
      version: v.text,
      available: true,
      summary: `${PLAN}. ${at}: IPVS mode works while the KubeProxyIPVS gate stays on (its default there).`,
    };
  if (minor < IPVS_REMOVED_MINOR)
    return {
      status: 'gated-off',
      version: v.text,
      available: true,
      summary: `${PLAN}. ${at}: by the plan IPVS mode needs --feature-gates=KubeProxyIPVS=true there.`,
    };
  return {
    status: 'removed',
    version: v.text,
    available: false,
    summary: `${PLAN}. ${at}: by the plan IPVS mode no longer exists there.`,
  };
}

export const NFTABLES_BETA_MINOR = 31;

/** Whether nftables mode exists on the cluster's version (beta, on by default, v1.31; GA v1.33). */
export function nftablesSummary(versions: SnapshotFacts['versions']): string {
  const v = versions.lowest;
  if (v === null) return 'nftables mode is beta from Kubernetes v1.31 and GA from v1.33';
  const minor = minorOf(v);
  if (minor < NFTABLES_BETA_MINOR)
    return `nftables mode needs Kubernetes v1.31 or later (beta; GA in v1.33): the cluster runs ${v.text}`;
  if (minor < NFTABLES_GA_MINOR) return `nftables mode is beta in the cluster’s ${v.text} (GA from v1.33)`;
  return `nftables mode is GA in the cluster’s ${v.text}`;
}
