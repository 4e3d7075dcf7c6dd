// Builds services with named real servers, added in the given order (as kube-proxy would, one `ipvsadm -a` each).

import { IpvsService, type IpvsServiceOptions, ipv4ToU32 } from '../../../src/dataplane/ipvs/index.js';

export const VIP = ipv4ToU32('10.96.0.10');

export interface Named {
  svc: IpvsService;
  slot(name: string): number;
  name(slot: number): string | null;
  /** Schedule one connection (bound INACTIVE) and return the chosen real server's name, null for none. */
  pick(now?: number, src?: number, srcPort?: number): string | null;
  /**
   * Give `name` connections by making it the only usable real server for a moment, weights restored after. Only for
   * schedulers without dest hooks (lc, wlc, sed, nq), where weight edits leave no trace.
   */
  load(name: string, opts: { active?: number; inactive?: number; now?: number }): void;
  /** `ipvsadm -a` one more real server. */
  add(name: string, weight: number): number;
}

export function named(
  options: IpvsServiceOptions,
  dests: ReadonlyArray<readonly [name: string, weight: number]>,
  addrOf: (i: number) => number = (i) => ipv4ToU32(`10.244.0.${i + 1}`),
): Named {
  const svc = new IpvsService(options);
  const slots = new Map<string, number>();
  const names = new Map<number, string>();
  let endpoints = 0;
  const add = (name: string, weight: number): number => {
    const i = endpoints++;
    const s = svc.addDest(i, addrOf(i), 8080, weight);
    slots.set(name, s);
    names.set(s, name);
    return s;
  };
  for (const [name, weight] of dests) add(name, weight);
  const slot = (name: string): number => {
    const s = slots.get(name);
    if (s === undefined) throw new Error(`no dest ${name}`);
    return s;
  };
  const name = (s: number): string | null => (s < 0 ? null : (names.get(s) ?? null));
  let nextSrc = ipv4ToU32('192.168.0.1');
  const pick = (now = 0, src?: number, srcPort = 40000): string | null =>
    name(svc.schedule(now, src ?? nextSrc++, srcPort, VIP));
  const load = (target: string, opts: { active?: number; inactive?: number; now?: number }): void => {
    const saved = [...slots.entries()].map(([n, s]) => [n, s, svc.weights[s]!] as const);
    for (const [n, s] of saved) if (n !== target) svc.editWeight(s, 0);
    if (svc.weights[slot(target)] === 0) svc.editWeight(slot(target), 1);
    for (let k = 0; k < (opts.active ?? 0) + (opts.inactive ?? 0); k++) {
      const got = svc.schedule(opts.now ?? 0, nextSrc++, 40000, VIP);
      if (got !== slot(target)) throw new Error(`load(${target}) landed on ${name(got)}`);
      if (k < (opts.active ?? 0)) svc.established(got);
    }
    for (const [, s, w] of saved) svc.editWeight(s, w);
  };
  return { svc, slot, name, pick, load, add };
}

/** `n` picks as a list of names. */
export function picks(n: Named, count: number, now = 0): Array<string | null> {
  return Array.from({ length: count }, () => n.pick(now));
}
