// Persistent services (`ipvsadm -p`, kube-proxy's sessionAffinity: ClientIP): ip_vs_core.c `ip_vs_sched_persist()`.

import type { Scheduler } from './scheduler.js';
import type { DestTable } from './table.js';

/** `ip_vs_conn_expire()` (ip_vs_conn.c): a template that still controls connections is re-armed for 60 s. */
const EXPIRE_LATER = 60;

/**
 * A connection template `<proto, client, 0, vaddr, vport>` (IP_VS_CONN_F_TEMPLATE). Its timer is lazy: `expires`
 * is the time it is armed for; `alive()` replays the firings that happened since.
 */
class Template {
  /** `ct->n_control`: live connections created through this template. */
  nControl = 0;
  /**
   * Time of the latest unbind of a controlled connection; while nControl is 0 that is when it fell to 0. (The FIN
   * and SYN_RECV queues are drained one after the other, so unbinds may be reported out of time order.)
   */
  lastUnbindAt = 0;

  constructor(
    readonly slot: number,
    /** `ct->timeout`: the service's persistence timeout, 60 s once the timer was re-armed by expire_later. */
    public timeout: number,
    public expires: number,
  ) {}
}

export class PersistenceTable {
  /** Templates by client address: the service netmask is /32 (kube-proxy never sets `-M`). */
  private readonly templates = new Map<number, Template>();
  private nextSweep = 0;

  constructor(
    /** `svc->timeout` in seconds. */
    readonly timeout: number,
    /**
     * sysctl net.ipv4.vs.expire_quiescent_template: when set, a template whose dest has weight 0 is invalidated at
     * the next lookup (`ip_vs_check_template`). The kernel default is 0; kube-proxy's IPVS proxier sets it to 1.
     */
    readonly expireQuiescentTemplate: boolean,
  ) {}

  /**
   * `ip_vs_sched_persist()`: look the client's template up; the scheduler runs only when there is none or it is
   * no longer valid, and a new template then binds to its choice (`persistconns++`). Either way the new connection
   * is bound to the template's dest as INACTIVE, counted in the template's `n_control`, and the template timer is
   * re-armed to now + ct->timeout (`ip_vs_conn_put(ct)`). A sticky client does not advance the scheduler (no rr
   * cursor move, no wrr step).
   */
  schedule(now: number, t: DestTable, sched: Scheduler, src: number, srcPort: number, dst: number): number {
    let ct = this.templates.get(src);
    if (ct !== undefined && (!this.alive(ct, now) || !this.valid(t, ct))) {
      this.drop(t, src, ct);
      ct = undefined;
    }
    if (ct === undefined) {
      const slot = sched.schedule(t, src, srcPort, dst);
      if (slot < 0) return -1;
      ct = new Template(slot, this.timeout, now);
      t.persistConns[slot]!++;
      this.templates.set(src, ct);
    }
    const slot = ct.slot;
    t.bindInactive(slot);
    ct.nControl++;
    ct.expires = now + ct.timeout;
    return slot;
  }

  /**
   * A connection of `client` bound to `slot` was unbound at time `at` (`ip_vs_control_del` from
   * `ip_vs_conn_expire`). Connections left over from an earlier, invalidated template of the same client are bound
   * to that template's dest; they are told apart by slot.
   */
  unbind(at: number, slot: number, client: number): void {
    const ct = this.templates.get(client);
    if (ct !== undefined && ct.slot === slot && ct.nControl > 0) {
      ct.nControl--;
      if (at > ct.lastUnbindAt) ct.lastUnbindAt = at;
    }
  }

  /** Drop the templates whose timers have run out (persistconns--); runs at most once a minute of sim time. */
  sweep(now: number, t: DestTable, force: boolean): void {
    if (!force && now < this.nextSweep) return;
    this.nextSweep = now + EXPIRE_LATER;
    for (const [client, ct] of this.templates) if (!this.alive(ct, now)) this.drop(t, client, ct);
  }

  /**
   * Replays the template timer up to `now`. When it fires (`ip_vs_conn_expire`) with `n_control > 0` it is re-armed
   * with `cp->timeout = 60*HZ` (and keeps that timeout for later refreshes); with no controlled connection left the
   * template is unlinked. Between lookups nControl only decreases, so a positive count now means every firing so
   * far found live connections, and a zero count means the template died at the first firing at or after the
   * moment the last one went away.
   */
  private alive(ct: Template, now: number): boolean {
    if (ct.expires > now) return true;
    if (ct.nControl > 0) {
      ct.expires += EXPIRE_LATER * (Math.floor((now - ct.expires) / EXPIRE_LATER) + 1);
      ct.timeout = EXPIRE_LATER;
      return true;
    }
    if (ct.lastUnbindAt <= ct.expires) return false;
    const death = ct.expires + EXPIRE_LATER * Math.ceil((ct.lastUnbindAt - ct.expires) / EXPIRE_LATER);
    if (death <= now) return false;
    ct.expires = death;
    ct.timeout = EXPIRE_LATER;
    return true;
  }

  /**
   * `ip_vs_check_template`: invalid when the dest was deleted (no longer AVAILABLE) or, with
   * expire_quiescent_template, when its weight is 0. OVERLOAD is not checked.
   */
  private valid(t: DestTable, ct: Template): boolean {
    if (t.pos[ct.slot]! < 0) return false;
    return !(this.expireQuiescentTemplate && t.weight[ct.slot] === 0);
  }

  /**
   * The kernel leaves an invalidated template in the table (under ports 0xffff, never matched again) until its
   * timer lets it go; it only holds the old dest's persistconns meanwhile, so it is dropped at once here.
   */
  private drop(t: DestTable, client: number, ct: Template): void {
    t.persistConns[ct.slot]!--;
    this.templates.delete(client);
  }
}
