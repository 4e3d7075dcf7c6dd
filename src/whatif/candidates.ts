// What-if candidates: a proxy mode, an IPVS scheduler, and variants of the target Service's options.
import { z } from 'zod';
import { IpvsSchedulerName, ProxyMode } from '../scenario/schema.js';
import type { Candidate } from '../sim/model.js';

export const CandidateSpec = z
  .strictObject({
    mode: ProxyMode,
    scheduler: IpvsSchedulerName.optional().describe(
      'IPVS scheduler (mode ipvs only); default the scenario’s `proxy.ipvs.scheduler`.',
    ),
    sessionAffinity: z.enum(['None', 'ClientIP']).optional().describe('Override the target Service’s sessionAffinity.'),
    externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
    internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
    trafficDistribution: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Override spec.trafficDistribution (e.g. PreferClose; null removes it); hints are recomputed as the EndpointSlice controller would.',
      ),
  })
  .refine((c) => c.scheduler === undefined || c.mode === 'ipvs', {
    message: 'scheduler applies to mode ipvs only',
    path: ['scheduler'],
  })
  .meta({
    description: 'One data-plane configuration to simulate.',
    examples: [
      { mode: 'ipvs', scheduler: 'lc' },
      { mode: 'nftables', sessionAffinity: 'ClientIP' },
    ],
  });
export type CandidateSpec = z.output<typeof CandidateSpec>;

export const IPVS_SCHEDULERS = IpvsSchedulerName.options;

/** The default what-if: iptables, nftables, and ipvs with every scheduler (11 candidates). */
export function defaultCandidates(): Candidate[] {
  return [
    { mode: 'iptables' },
    { mode: 'nftables' },
    ...IPVS_SCHEDULERS.map((s) => ({ mode: 'ipvs' as const, scheduler: s })),
  ];
}

/** A short, unique, human-readable name: "ipvs/lc", "nftables+ClientIP", "iptables etp=Local". */
export function candidateLabel(c: Candidate, defaultScheduler: string): string {
  let label = c.mode === 'ipvs' ? `ipvs/${c.scheduler ?? defaultScheduler}` : c.mode;
  if (c.sessionAffinity !== undefined) label += ` affinity=${c.sessionAffinity}`;
  if (c.externalTrafficPolicy !== undefined) label += ` etp=${c.externalTrafficPolicy}`;
  if (c.internalTrafficPolicy !== undefined) label += ` itp=${c.internalTrafficPolicy}`;
  if (c.trafficDistribution !== undefined) label += ` trafficDistribution=${c.trafficDistribution ?? 'none'}`;
  return label;
}

export function toCandidate(spec: CandidateSpec): Candidate {
  const c: Candidate = { mode: spec.mode };
  if (spec.mode === 'ipvs' && spec.scheduler !== undefined) c.scheduler = spec.scheduler;
  if (spec.sessionAffinity !== undefined) c.sessionAffinity = spec.sessionAffinity;
  if (spec.externalTrafficPolicy !== undefined) c.externalTrafficPolicy = spec.externalTrafficPolicy;
  if (spec.internalTrafficPolicy !== undefined) c.internalTrafficPolicy = spec.internalTrafficPolicy;
  if (spec.trafficDistribution !== undefined) c.trafficDistribution = spec.trafficDistribution;
  return c;
}
