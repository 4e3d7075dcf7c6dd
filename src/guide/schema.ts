// The shapes the guide answers with, as zod schemas (for the OpenAPI document) with their inferred types.
import { z } from 'zod';

export const RuleId = z
  .enum(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7'])
  .describe('Stable ID of a guide rule (spec/guide.md).');
export type RuleId = z.infer<typeof RuleId>;

export const CheckId = z
  .enum(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7'])
  .describe('Stable ID of a guide check (spec/guide.md).');
export type CheckId = z.infer<typeof CheckId>;

export const DocumentSource = z
  .strictObject({
    section: z.string().describe('Section of the source document (kube-proxy-iptables-ipvs-guide.ko.md), e.g. "§5".'),
    ko: z.string().describe('The document’s words, in Korean as written.'),
    en: z.string().describe('English translation.'),
  })
  .describe('Where a rule or check comes from in the source document.');
export type DocumentSource = z.infer<typeof DocumentSource>;

export const GuideChoice = z
  .strictObject({
    mode: z.enum(['iptables', 'nftables', 'ipvs']).describe('kube-proxy mode.'),
    scheduler: z
      .enum(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh'])
      .nullable()
      .describe('IPVS scheduler; null unless mode is ipvs.'),
    sessionAffinity: z.enum(['None', 'ClientIP']).describe('The target Service’s sessionAffinity.'),
    externalTrafficPolicy: z.enum(['Cluster', 'Local']).describe('The target Service’s externalTrafficPolicy.'),
    trafficDistribution: z.string().nullable().describe('The target Service’s trafficDistribution (null: none).'),
  })
  .describe('A data-plane configuration: the proxy mode and the target Service’s options.');
export type GuideChoice = z.infer<typeof GuideChoice>;

export const Recommends = z
  .strictObject({
    mode: GuideChoice.shape.mode.optional().describe('The proxy mode the rule asks for.'),
    scheduler: z.enum(['rr', 'wrr', 'lc', 'wlc', 'sh']).optional().describe('The IPVS scheduler the rule asks for.'),
    sessionAffinity: z.literal('ClientIP').optional().describe('G3: ClientIP affinity (the alternative to sh).'),
    externalTrafficPolicy: z.literal('Local').optional().describe('G6: keep the client source IP.'),
  })
  .describe('What a fired rule asks for; the guide combines these into its choice.');
export type Recommends = z.infer<typeof Recommends>;

const Measured = z
  .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
  .describe('The values the trigger compared, by name (shares 0..1, seconds, counts; null where infinite or unknown).');

export const RuleResult = z
  .strictObject({
    id: RuleId,
    title: z.string().describe('What the rule says, in short.'),
    fired: z.boolean().describe('Whether its measurable trigger held.'),
    because: z.string().describe('Why it fired or not, quoting the measured values and the thresholds.'),
    recommends: Recommends.optional().describe('What it asks for (fired rules only).'),
    measured: Measured,
    source: z.array(DocumentSource).describe('The document’s words the rule encodes.'),
  })
  .describe('One rule of the guide, evaluated.');
export type RuleResult = z.infer<typeof RuleResult>;

export const Severity = z
  .enum(['ok', 'info', 'warning', 'critical'])
  .describe(
    'ok: nothing to report; info: worth knowing; warning: costs performance or a requirement; critical: traffic is lost.',
  );
export type Severity = z.infer<typeof Severity>;

export const CheckResult = z
  .strictObject({
    id: CheckId,
    title: z.string().describe('What the check looks at.'),
    fired: z.boolean().describe('Whether the problem applies to the current configuration or to the guide’s choice.'),
    because: z.string().describe('What was found, with the numbers, and which configuration it applies to.'),
    severity: Severity,
    appliesTo: z
      .array(z.enum(['current', 'choice']))
      .describe('Configurations the problem applies to: the scenario as given, the guide’s choice, or both.'),
    details: z
      .record(z.string(), z.unknown())
      .describe('The figures behind `because` (shares 0..1, seconds, counts, node names).'),
    source: z.array(DocumentSource).describe('The document’s words the check encodes.'),
  })
  .describe('One check of the guide’s troubleshooting list, evaluated.');
export type CheckResult = z.infer<typeof CheckResult>;

export const GuideNote = z
  .strictObject({
    id: z
      .enum([
        'nftables-alternative',
        'ipvs-deprecated',
        'ipvs-weights',
        'per-node-state',
        'per-node-stickiness',
        'ipvs-idle-timeout',
      ])
      .describe('What the note is about (things the source document does not say).'),
    severity: z.enum(['info', 'warning']).describe('warning: the recommendation has a cost or a risk to act on.'),
    message: z.string().describe('The note in plain words, with the numbers it rests on.'),
    details: z.record(z.string(), z.unknown()).describe('The figures behind the message.'),
  })
  .describe('Something the answer adds beyond the source document (spec/guide.md, last section).');
export type GuideNote = z.infer<typeof GuideNote>;
