// C7 (§9): the conntrack table close to nf_conntrack_max. Every connection a node translates holds an
// entry while open plus TIME_WAIT after it closes (src/dataplane/conntrack.ts); kube-proxy sizes the table
// max(maxPerCore × CPUs, min) (cmd/kube-proxy/app/conntrack.go). A full table drops new connections.
import { conntrackMax, nodeCPUs } from '../dataplane/conntrack.js';
import { dur, int, pct } from './format.js';
import type { Check } from './types.js';

export const C7: Check = {
  id: 'C7',
  title: 'conntrack table close to nf_conntrack_max',
  source: [
    {
      section: '§9 커넥션/세션',
      ko: 'ss -ntp | head; sudo conntrack -L | head',
      en: 'Connections and sessions: inspect the sockets and the conntrack table (ss -ntp, conntrack -L).',
    },
    {
      section: '§8',
      ko: 'sudo modprobe nf_conntrack',
      en: 'Load the nf_conntrack module (the table kube-proxy relies on in every mode).',
    },
  ],
  dependsOn: [],
  evaluate(ctx) {
    const p = ctx.profile;
    const t = ctx.thresholds;
    const ct = ctx.scenario.proxy.conntrack;
    const linger = Math.min(ct.timeWait, p.runSeconds);
    // Expected entries per deciding node at the end of the run: connections open then, plus those that
    // closed within TIME_WAIT (at most the connection rate times TIME_WAIT).
    const entries = new Map<string, number>();
    const groupIndex = new Map(p.clients.map((c, i) => [c.name, i]));
    for (const w of p.workloads) {
      const group = p.clients[groupIndex.get(w.client) ?? 0];
      if (group === undefined) continue;
      const perWorkload = w.openAtEnd + w.connectionsPerSecond * linger;
      for (const n of group.nodes) entries.set(n.node, (entries.get(n.node) ?? 0) + perWorkload * n.share);
    }
    let worst: { node: string; entries: number; max: number; fill: number } | null = null;
    for (const [name, count] of entries) {
      const node = ctx.nodesByName.get(name);
      if (node === undefined) continue;
      const max = conntrackMax(ct, nodeCPUs(node));
      if (max === null) continue;
      const fill = count / max;
      if (worst === null || fill > worst.fill) worst = { node: name, entries: count, max, fill };
    }
    let measured: { peakEntries: number; conntrackMax: number; fill: number; dropped: number } | null = null;
    let dropped = 0;
    for (const r of ctx.results) {
      const d = r.dataplane;
      dropped = Math.max(dropped, d.dropped.byReason.conntrackFull);
      const fill = d.conntrackMax > 0 ? d.conntrackPeakEntries / d.conntrackMax : 0;
      if (measured === null || fill > measured.fill)
        measured = { peakEntries: d.conntrackPeakEntries, conntrackMax: d.conntrackMax, fill, dropped: 0 };
    }
    if (measured !== null) measured.dropped = dropped;
    const measuredFill = measured?.fill ?? 0;
    const details = { worst, measured, thresholdFill: t.conntrackFill };
    const base =
      worst === null
        ? 'kube-proxy leaves nf_conntrack_max to the kernel (conntrack.maxPerCore 0), so the table size is unknown'
        : `the busiest deciding node, ${worst.node}, would hold about ${int(worst.entries)} conntrack entries (open connections plus ${dur(
            linger,
          )} of TIME_WAIT) of nf_conntrack_max ${int(worst.max)}: ${pct(worst.fill)} (threshold ${pct(t.conntrackFill)})`;
    const measuredText =
      measured === null
        ? ''
        : `; the simulation peaked at ${int(measured.peakEntries)} of ${int(measured.conntrackMax)} (${pct(measuredFill)})${
            measured.dropped > 0 ? ` and dropped ${int(measured.dropped)} new connections (conntrackFull)` : ''
          }`;
    const fired =
      (worst !== null && worst.fill >= t.conntrackFill) ||
      measuredFill >= t.conntrackFill ||
      (measured?.dropped ?? 0) > 0;
    const full = (worst !== null && worst.fill >= 1) || (measured?.dropped ?? 0) > 0;
    return {
      fired,
      reason: fired
        ? `${base}${measuredText}. ${full ? 'A full table drops new connections' : 'Close to full'}: raise conntrack.maxPerCore / conntrack.min, or reuse connections (keep-alive) to cut TIME_WAIT churn`
        : `${base}${measuredText}`,
      severity: full ? 'critical' : 'warning',
      details,
    };
  },
};
