// The request and answer of POST /v1/rules.
import { z } from 'zod';
import { Backends, ClusterSnapshotField, IpvsSchedulerName, Target, Traffic } from '../scenario/schema.js';
import type { RenderedRules } from './index.js';

export const RulesBody = z
  .strictObject({
    cluster: ClusterSnapshotField,
    node: z.string().min(1).describe('The node whose kube-proxy rules to render.'),
    renderings: z
      .array(z.enum(['iptables', 'nftables', 'ipvs']))
      .min(1)
      .default(['iptables', 'nftables', 'ipvs'])
      .describe('Which texts to render (default all three).'),
    target: Target.optional().describe('A Service port whose first-packet traversal is counted.'),
    proxy: z
      .strictObject({
        clusterCIDR: z
          .string()
          .optional()
          .describe('`--cluster-cidr` (enables the `! -s <clusterCIDR>` masquerade rules).'),
        masqueradeAll: z.boolean().default(false),
        nodePortAddresses: z.array(z.string()).optional().describe('`--nodeport-addresses` CIDRs, or ["primary"].'),
        ipvs: z
          .strictObject({
            scheduler: IpvsSchedulerName.default('rr'),
            flags: z.array(z.enum(['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'])).default([]),
          })
          .default({ scheduler: 'rr', flags: [] }),
      })
      .default({ masqueradeAll: false, ipvs: { scheduler: 'rr', flags: [] } }),
    simulation: z
      .strictObject({
        traffic: Traffic,
        backends: Backends.default({ concurrency: 32, speed: 1, queueLimit: null, overrides: [] }),
      })
      .optional()
      .describe(
        'Simulate this traffic to the target in IPVS mode first: `ipvsadm -Ln` then shows the node’s ActiveConn / InActConn at the end of the run and `--stats` its Conns, to compare with your node under similar load.',
      ),
  })
  .describe('A snapshot and a node: what that node’s kube-proxy would program.');
export type RulesBody = z.output<typeof RulesBody>;

const Text = z.string();
export const RulesResult = z
  .strictObject({
    node: z.string(),
    iptables: z
      .strictObject({
        text: Text.describe('`iptables-save` of the filter and nat tables, loadable with iptables-restore.'),
        counts: z
          .record(z.string(), z.unknown())
          .describe('Rules and chains per table and chain; rules a new connection to the target traverses.'),
      })
      .optional(),
    nftables: z
      .strictObject({
        text: Text.describe('`nft list ruleset` of the `ip kube-proxy` table, loadable with nft -f.'),
        counts: z.record(z.string(), z.unknown()),
      })
      .optional(),
    ipvs: z
      .strictObject({
        text: Text.describe('`ipvsadm -Ln` (sorted, as ipvsadm prints by default).'),
        statsText: Text.describe('`ipvsadm -Ln --stats`.'),
        nosortText: Text.describe('`ipvsadm -Ln --nosort`: real servers in the kernel’s list order.'),
        counts: z.record(z.string(), z.unknown()),
      })
      .optional(),
  })
  .describe('The rendered rules of one node.');
export type RulesResult = z.output<typeof RulesResult>;

/** The API's view of a rendering: the texts and their counts (the IPVS virtual-server objects stay internal). */
export function toRulesResult(r: RenderedRules): RulesResult {
  const out: RulesResult = { node: r.node };
  if (r.iptables) out.iptables = { text: r.iptables.text, counts: { ...r.iptables.counts } };
  if (r.nftables) out.nftables = { text: r.nftables.text, counts: { ...r.nftables.counts } };
  if (r.ipvs)
    out.ipvs = {
      text: r.ipvs.text,
      statsText: r.ipvs.statsText,
      nosortText: r.ipvs.nosortText,
      counts: { ...r.ipvs.counts },
    };
  return out;
}
