// One run of the discrete-event simulation (spec/model.md §4, §6): traffic from the client groups,
// kube-proxy's data plane on each deciding node, and the endpoint servers, wired on the engine's event
// queue. Everything per connection and per request lives in typed arrays indexed by integer ids (free
// lists, no objects per event), and the loop is one switch on the event kind.

import { EndpointServers, LevelIntegral } from '../backend/servers.js';
import { CLOSE_ESTABLISHED, CLOSE_IPVS_EXPIRED, CLOSE_NEVER_ESTABLISHED, Dataplane } from '../dataplane/kubeproxy.js';
import { grownF64, grownI32 } from '../engine/arrays.js';
import type { Dist } from '../engine/dist.js';
import { EventQueue } from '../engine/queue.js';
import type { Rng } from '../engine/rng.js';
import { Streams } from '../engine/rng.js';
import { CLIENT_EXTERNAL, type ResolvedClientGroup } from '../traffic/clients.js';
import { LatencyRecorder } from './latency.js';
import type { SimModel } from './model.js';

// Event kinds.
const K_SHORT_ARRIVAL = 0; // a: workload
const K_REQ_ARRIVE = 1; // a: request — reaches its endpoint
const K_REQ_DONE = 2; // a: request — its endpoint finished serving it
const K_H2_OPEN = 3; // a: workload — (re)open one long-lived connection
const K_H2_EXPIRE = 4; // a: connection, b: generation — lifetime over: drain and reconnect
const K_H2_STREAM = 5; // a: workload — a new stream
const K_WS_ARRIVAL = 6; // a: workload
const K_WS_END = 7; // a: connection, b: generation
const K_WS_MESSAGE = 8; // a: connection, b: generation
const K_ESTABLISHED = 9; // a: connection, b: generation — handshake done (IPVS: inactive → active)
const K_IDLE_EXPIRE = 10; // a: connection, b: generation — IPVS ESTABLISHED idle timeout fired
const K_H2_RETRY = 11; // a: workload — reconnect after a dropped connection attempt

export const CLASS_SHORT = 0;
export const CLASS_HTTP2 = 1;
export const CLASS_WEBSOCKET = 2;

/** How long an HTTP/2 client waits before retrying a connection the data plane dropped (s). */
const H2_RETRY_DELAY = 1;

// Failure reasons (request-level).
export const FAIL_CONNECTION_DROPPED = 0;
export const FAIL_QUEUE_FULL = 1;
export const FAIL_IPVS_IDLE = 2;

export interface RunMeasurements {
  events: number;
  budgetExhausted: boolean;
  simulatedSeconds: number;
  latency: LatencyRecorder;
  endpointConnections: Float64Array;
  endpointRequests: Float64Array;
  endpointRejected: Float64Array;
  activeConns: LevelIntegral;
  busy: LevelIntegral;
  failures: Float64Array;
  dataplane: Dataplane;
  measuredSeconds: number;
}

/** Growable pools of connections and requests, struct-of-arrays. */
class Pools {
  // Connections.
  cEndpoint = new Int32Array(1024);
  cNode = new Int32Array(1024);
  cWorkload = new Int32Array(1024);
  cGen = new Int32Array(1024);
  cRemaining = new Int32Array(1024); // short: requests left to send; http2: streams in flight
  cWaitHead = new Int32Array(1024); // http2: streams waiting client-side (request ids, linked by rNext)
  cWaitTail = new Int32Array(1024);
  cFlags = new Int32Array(1024);
  cReady = new Float64Array(1024); // time the handshake completes
  cRtt = new Float64Array(1024); // network round trip to the endpoint
  cEnd = new Float64Array(1024); // websocket: session end; http2: lifetime end
  cNextMsg = new Float64Array(1024); // websocket: next message time
  cLast = new Float64Array(1024); // websocket: last packet seen by the deciding node (IPVS idle timer)
  cSlot = new Int32Array(1024); // http2: position in the workload's open list
  cSrc = new Float64Array(1024); // client source address (u32)
  cFree = new Int32Array(1024);
  cFreeTop = 0;
  cFresh = 0;
  // Requests.
  rConn = new Int32Array(1024);
  rStart = new Float64Array(1024);
  rService = new Float64Array(1024);
  rNext = new Int32Array(1024);
  rFree = new Int32Array(1024);
  rFreeTop = 0;
  rFresh = 0;

  allocConn(): number {
    if (this.cFreeTop > 0) return this.cFree[--this.cFreeTop] as number;
    if (this.cFresh === this.cEndpoint.length) this.growConns();
    return this.cFresh++;
  }

  freeConn(c: number): void {
    this.cGen[c] = (this.cGen[c] as number) + 1;
    this.cFree[this.cFreeTop++] = c;
  }

  allocReq(): number {
    if (this.rFreeTop > 0) return this.rFree[--this.rFreeTop] as number;
    if (this.rFresh === this.rConn.length) this.growReqs();
    return this.rFresh++;
  }

  freeReq(r: number): void {
    this.rFree[this.rFreeTop++] = r;
  }

  private growConns(): void {
    const n = this.cEndpoint.length * 2;
    this.cEndpoint = grownI32(this.cEndpoint, n);
    this.cNode = grownI32(this.cNode, n);
    this.cWorkload = grownI32(this.cWorkload, n);
    this.cGen = grownI32(this.cGen, n);
    this.cRemaining = grownI32(this.cRemaining, n);
    this.cWaitHead = grownI32(this.cWaitHead, n);
    this.cWaitTail = grownI32(this.cWaitTail, n);
    this.cFlags = grownI32(this.cFlags, n);
    this.cReady = grownF64(this.cReady, n);
    this.cRtt = grownF64(this.cRtt, n);
    this.cEnd = grownF64(this.cEnd, n);
    this.cNextMsg = grownF64(this.cNextMsg, n);
    this.cLast = grownF64(this.cLast, n);
    this.cSlot = grownI32(this.cSlot, n);
    this.cSrc = grownF64(this.cSrc, n);
    this.cFree = grownI32(this.cFree, n);
  }

  private growReqs(): void {
    const n = this.rConn.length * 2;
    this.rConn = grownI32(this.rConn, n);
    this.rStart = grownF64(this.rStart, n);
    this.rService = grownF64(this.rService, n);
    this.rNext = grownI32(this.rNext, n);
    this.rFree = grownI32(this.rFree, n);
  }
}

// Connection flags.
const F_IPVS_EXPIRED = 1; // IPVS dropped the idle entry: later packets of this connection fail
const F_CLOSING = 2; // http2: lifetime over, draining in-flight streams
const F_ESTABLISHED = 4;

/** Runs the model once with `seed`; the data plane and all state are fresh. */
export function runOnce(model: SimModel, seed: number): RunMeasurements {
  const streams = new Streams(seed);
  const q = new EventQueue(4096);
  q.maxEvents = model.maxEvents;
  const horizon = model.duration;
  const warmup = model.warmup;
  const E = model.endpoints.length;
  const dp = new Dataplane(model, streams);
  const servers = new EndpointServers(model.servers, warmup);
  const activeConns = new LevelIntegral(E, warmup);
  const latency = new LatencyRecorder(E);
  const endpointConnections = new Float64Array(E);
  const endpointRequests = new Float64Array(E);
  const failures = new Float64Array(3);
  const P = new Pools();
  const rtt = model.rtt; // [node * E + endpoint]
  const setupCost = model.firstPacketSecondsPerRule;
  const lookupCost = model.lookupSeconds;
  const ipvsIdle = model.ipvsIdleTimeout; // Infinity unless mode is ipvs

  const W = model.workloads.length;
  const wClass = new Int32Array(W);
  const wGroup: ResolvedClientGroup[] = [];
  const wArrivalRng: Rng[] = [];
  const wServiceRng: Rng[] = [];
  const wClientRng: Rng[] = [];
  const wAuxRng: Rng[] = [];
  const wService: Dist[] = [];
  const wAux: Dist[] = []; // short: think time; http2: lifetime; websocket: duration
  const wRate = new Float64Array(W); // short: connections/s; http2: streams/s; websocket: sessions/s
  const wPerConn = new Int32Array(W); // short: requests per connection; http2: max concurrent streams
  const wMsgRate = new Float64Array(W);
  const wHasAux = new Uint8Array(W);
  const wOpen: Int32Array[] = []; // http2: open connection ids
  const wOpenCount = new Int32Array(W);
  for (let w = 0; w < W; w++) {
    const wl = model.workloads[w]!;
    wClass[w] = wl.cls;
    wGroup.push(model.groups[wl.group]!);
    wArrivalRng.push(streams.get(`arrivals/${w}`));
    wServiceRng.push(streams.get(`service/${w}`));
    wClientRng.push(streams.get(`clients/${w}`));
    wAuxRng.push(streams.get(`aux/${w}`));
    wService.push(wl.serviceTime);
    wAux.push(wl.aux ?? wl.serviceTime);
    wHasAux[w] = wl.aux === null ? 0 : 1;
    wRate[w] = wl.rate;
    wPerConn[w] = wl.perConnection;
    wMsgRate[w] = wl.messageRate;
    wOpen.push(new Int32Array(Math.max(4, wl.cls === CLASS_HTTP2 ? wl.perConnectionCount * 2 : 4)));
  }

  // The helpers below read the clock from the queue and take integers only: V8 does not inline them into the
  // (large) loop, and a double argument to a call that is not inlined is a freshly allocated heap number.

  /** Opens a connection for workload w now: picks the client, asks the data plane. Returns the id or -1. */
  const connect = (w: number): number => {
    const now = q.now;
    const g = wGroup[w]!;
    const rng = wClientRng[w]!;
    const k = rng.int(g.sourceAddresses.length);
    let node: number;
    if (g.kind === CLIENT_EXTERNAL) {
      const cw = g.cumulativeWeights;
      if (cw.length === 0) node = g.nodes[rng.int(g.nodes.length)]!;
      else {
        const u = rng.next();
        let i = 0;
        while (i < cw.length - 1 && u >= cw[i]!) i++;
        node = g.nodes[i]!;
      }
    } else node = g.sourceNode[k]!;
    const srcPort = 32768 + rng.int(28232); // Linux ip_local_port_range 32768–60999
    const measured = now >= warmup;
    const src = g.sourceAddresses[k]!;
    const e = dp.connect(now, node, g.kind, g.entry, src, srcPort, g.sourceEndpoint[k]!, measured);
    if (e < 0) return -1;
    const c = P.allocConn();
    P.cSrc[c] = src;
    P.cEndpoint[c] = e;
    P.cNode[c] = node;
    P.cWorkload[c] = w;
    P.cFlags[c] = 0;
    P.cWaitHead[c] = -1;
    P.cWaitTail[c] = -1;
    P.cRemaining[c] = 0;
    const r = rtt[node * E + e]!;
    P.cRtt[c] = r;
    // Handshake: one round trip plus the first packet's walk through the rules (spec/model.md §4, §5).
    P.cReady[c] = now + r + dp.lastRules * setupCost + lookupCost;
    activeConns.add(e, now, 1);
    if (measured) endpointConnections[e] = endpointConnections[e]! + 1;
    return c;
  };

  const closeConn = (c: number): void => {
    const now = q.now;
    const e = P.cEndpoint[c]!;
    activeConns.add(e, now, -1);
    const flags = P.cFlags[c]!;
    const state =
      (flags & F_IPVS_EXPIRED) !== 0
        ? CLOSE_IPVS_EXPIRED
        : (flags & F_ESTABLISHED) !== 0
          ? CLOSE_ESTABLISHED
          : CLOSE_NEVER_ESTABLISHED;
    dp.close(now, P.cNode[c]!, wGroup[P.cWorkload[c]!]!.entry, e, P.cSrc[c]!, state);
    P.freeConn(c);
  };
  const establish = (c: number): void => {
    P.cFlags[c] = P.cFlags[c]! | F_ESTABLISHED;
    dp.established(P.cNode[c]!, wGroup[P.cWorkload[c]!]!.entry, P.cEndpoint[c]!);
  };

  /** Sends request r on connection c now (client side); it reaches the endpoint half a round trip later. */
  const send = (r: number, c: number, w: number): void => {
    const sendAt = q.now;
    P.rConn[r] = c;
    P.rStart[r] = sendAt;
    P.rService[r] = wService[w]!.sample(wServiceRng[w]!);
    const ready = P.cReady[c]!;
    q.schedule(Math.max(sendAt, ready) + P.cRtt[c]! * 0.5, K_REQ_ARRIVE, r, 0);
  };

  const fail = (reason: number, at: number): void => {
    if (at >= warmup) failures[reason] = failures[reason]! + 1;
  };

  const startH2Stream = (c: number, r: number, now: number): void => {
    P.cRemaining[c] = P.cRemaining[c]! + 1;
    const ready = P.cReady[c]!;
    q.schedule(Math.max(now, ready) + P.cRtt[c]! * 0.5, K_REQ_ARRIVE, r, 0);
  };

  const removeOpen = (w: number, c: number): void => {
    const list = wOpen[w]!;
    const slot = P.cSlot[c]!;
    const last = wOpenCount[w]! - 1;
    const moved = list[last]!;
    list[slot] = moved;
    P.cSlot[moved] = slot;
    wOpenCount[w] = last;
  };

  const openH2 = (w: number): void => {
    const now = q.now;
    const c = connect(w);
    if (c < 0) {
      q.schedule(now + H2_RETRY_DELAY, K_H2_RETRY, w, 0);
      return;
    }
    let list = wOpen[w]!;
    const n = wOpenCount[w]!;
    if (n === list.length) {
      list = grownI32(list, n * 2);
      wOpen[w] = list;
    }
    list[n] = c;
    P.cSlot[c] = n;
    wOpenCount[w] = n + 1;
    q.schedule(P.cReady[c]!, K_ESTABLISHED, c, P.cGen[c]!);
    const end = wHasAux[w] === 1 ? now + wAux[w]!.sample(wAuxRng[w]!) : Number.POSITIVE_INFINITY;
    P.cEnd[c] = end;
    if (end < horizon) q.schedule(end, K_H2_EXPIRE, c, P.cGen[c]!);
  };

  /** websocket: arms the IPVS idle timer when the gap to the next packet exceeds the ESTABLISHED timeout. */
  const armIdle = (c: number, lastPacket: number): void => {
    if (ipvsIdle === Number.POSITIVE_INFINITY) return;
    const next = Math.min(P.cNextMsg[c]!, P.cEnd[c]!);
    if (next - lastPacket > ipvsIdle && lastPacket + ipvsIdle < horizon) {
      q.schedule(lastPacket + ipvsIdle, K_IDLE_EXPIRE, c, P.cGen[c]!);
    }
  };

  // Start every workload.
  for (let w = 0; w < W; w++) {
    const cls = wClass[w]!;
    if (cls === CLASS_HTTP2) {
      // Long-lived connections open at start, staggered over the first second (spec/model.md §4).
      const n = model.workloads[w]!.perConnectionCount;
      const rng = wArrivalRng[w]!;
      for (let i = 0; i < n; i++) q.schedule((i + rng.next()) / n, K_H2_OPEN, w, 0);
      if (wRate[w]! > 0) q.schedule(rng.exp() / wRate[w]!, K_H2_STREAM, w, 0);
    } else {
      const kind = cls === CLASS_SHORT ? K_SHORT_ARRIVAL : K_WS_ARRIVAL;
      q.schedule(wArrivalRng[w]!.exp() / wRate[w]!, kind, w, 0);
    }
  }

  while (q.next(horizon)) {
    const now = q.now;
    switch (q.kind) {
      case K_REQ_ARRIVE: {
        const r = q.a;
        const c = P.rConn[r]!;
        const e = P.cEndpoint[c]!;
        if ((P.cFlags[c]! & F_IPVS_EXPIRED) !== 0) {
          // IPVS forgot the connection: the packet matches no entry and is not a SYN, so it is dropped
          // (ip_vs_proto_tcp.c tcp_conn_schedule only schedules SYNs).
          fail(FAIL_IPVS_IDLE, P.rStart[r]!);
          finishRequest(r, false);
          break;
        }
        if ((P.cFlags[c]! & F_ESTABLISHED) === 0) establish(c);
        const started = servers.arrive(e, now, r);
        if (started === 1) q.schedule(now + P.rService[r]! / servers.speed[e]!, K_REQ_DONE, r, e);
        else if (started < 0) {
          // 503 from the endpoint: the response still travels back.
          if (P.rStart[r]! >= warmup) servers.rejected[e] = servers.rejected[e]! + 1;
          fail(FAIL_QUEUE_FULL, P.rStart[r]!);
          finishRequest(r, false);
        }
        break;
      }
      case K_REQ_DONE: {
        const r = q.a;
        const e = q.b;
        const next = servers.complete(e, now);
        if (next >= 0) q.schedule(now + P.rService[next]! / servers.speed[e]!, K_REQ_DONE, next, e);
        finishRequest(r, true);
        break;
      }
      case K_SHORT_ARRIVAL: {
        const w = q.a;
        q.schedule(now + wArrivalRng[w]!.exp() / wRate[w]!, K_SHORT_ARRIVAL, w, 0);
        const c = connect(w);
        const n = wPerConn[w]!;
        if (c < 0) {
          if (now >= warmup) failures[FAIL_CONNECTION_DROPPED] = failures[FAIL_CONNECTION_DROPPED]! + n;
          break;
        }
        P.cRemaining[c] = n - 1;
        send(P.allocReq(), c, w);
        break;
      }
      case K_H2_OPEN:
      case K_H2_RETRY:
        openH2(q.a);
        break;
      case K_H2_EXPIRE: {
        const c = q.a;
        if (P.cGen[c] !== q.b) break;
        const w = P.cWorkload[c]!;
        removeOpen(w, c);
        P.cFlags[c] = P.cFlags[c]! | F_CLOSING;
        if (P.cRemaining[c] === 0 && P.cWaitHead[c] === -1) closeConn(c);
        openH2(w); // the client reconnects at once
        break;
      }
      case K_H2_STREAM: {
        const w = q.a;
        const rng = wArrivalRng[w]!;
        q.schedule(now + rng.exp() / wRate[w]!, K_H2_STREAM, w, 0);
        const open = wOpenCount[w]!;
        if (open === 0) {
          fail(FAIL_CONNECTION_DROPPED, now);
          break;
        }
        const c = wOpen[w]![open === 1 ? 0 : wClientRng[w]!.int(open)]!;
        const r = P.allocReq();
        P.rConn[r] = c;
        P.rStart[r] = now;
        P.rService[r] = wService[w]!.sample(wServiceRng[w]!);
        P.rNext[r] = -1;
        if (P.cRemaining[c]! < wPerConn[w]!) startH2Stream(c, r, now);
        else if (P.cWaitTail[c] === -1) {
          P.cWaitHead[c] = r;
          P.cWaitTail[c] = r;
        } else {
          P.rNext[P.cWaitTail[c]!] = r;
          P.cWaitTail[c] = r;
        }
        break;
      }
      case K_WS_ARRIVAL: {
        const w = q.a;
        q.schedule(now + wArrivalRng[w]!.exp() / wRate[w]!, K_WS_ARRIVAL, w, 0);
        const c = connect(w);
        if (c < 0) break;
        const end = now + wAux[w]!.sample(wAuxRng[w]!);
        P.cEnd[c] = end;
        const gen = P.cGen[c]!;
        q.schedule(P.cReady[c]!, K_ESTABLISHED, c, gen);
        if (end < horizon) q.schedule(end, K_WS_END, c, gen);
        const mr = wMsgRate[w]!;
        const first = mr > 0 ? P.cReady[c]! + wAuxRng[w]!.exp() / mr : Number.POSITIVE_INFINITY;
        P.cNextMsg[c] = first;
        if (first < end && first < horizon) q.schedule(first, K_WS_MESSAGE, c, gen);
        break;
      }
      case K_WS_MESSAGE: {
        const c = q.a;
        if (P.cGen[c] !== q.b) break;
        const w = P.cWorkload[c]!;
        const mr = wMsgRate[w]!;
        const next = now + wAuxRng[w]!.exp() / mr;
        P.cNextMsg[c] = next;
        if (next < P.cEnd[c]! && next < horizon) q.schedule(next, K_WS_MESSAGE, c, q.b);
        P.cRemaining[c] = P.cRemaining[c]! + 1;
        P.cLast[c] = now;
        send(P.allocReq(), c, w);
        break;
      }
      case K_WS_END: {
        const c = q.a;
        if (P.cGen[c] !== q.b) break;
        P.cEnd[c] = now;
        P.cFlags[c] = P.cFlags[c]! | F_CLOSING;
        if (P.cRemaining[c] === 0) closeConn(c);
        break;
      }
      case K_ESTABLISHED: {
        const c = q.a;
        if (P.cGen[c] !== q.b) break;
        if ((P.cFlags[c]! & F_ESTABLISHED) === 0) establish(c);
        if (wClass[P.cWorkload[c]!] === CLASS_WEBSOCKET) {
          P.cLast[c] = now;
          armIdle(c, now);
        }
        break;
      }
      case K_IDLE_EXPIRE: {
        const c = q.a;
        if (P.cGen[c] !== q.b || (P.cFlags[c]! & F_IPVS_EXPIRED) !== 0) break;
        // A packet since it was armed re-armed IPVS's timer (ip_vs_proto_tcp.c set_tcp_state): stale.
        if (now - P.cLast[c]! < ipvsIdle || P.cRemaining[c]! > 0) break;
        P.cFlags[c] = P.cFlags[c]! | F_IPVS_EXPIRED;
        dp.expireIdle(now, P.cNode[c]!, wGroup[P.cWorkload[c]!]!.entry, P.cEndpoint[c]!, P.cSrc[c]!, now >= warmup);
        break;
      }
    }
  }

  /**
   * The endpoint answered request r now (`ok`: served; false: a 503 or a packet IPVS no longer knows); the
   * client has the answer (or gives up) half a round trip later, at `back`. Records a served request's
   * latency, then continues or closes the connection.
   */
  function finishRequest(r: number, ok: boolean): void {
    const c = P.rConn[r]!;
    const back = q.now + P.cRtt[c]! * 0.5;
    const w = P.cWorkload[c]!;
    const cls = wClass[w]!;
    if (ok) {
      const start = P.rStart[r]!;
      if (start >= warmup) {
        const e = P.cEndpoint[c]!;
        endpointRequests[e] = endpointRequests[e]! + 1;
        latency.record(cls, e, back - start);
      }
    }
    P.freeReq(r);
    if (cls === CLASS_SHORT) {
      const left = P.cRemaining[c]!;
      // A 503 does not close the connection: the client sends its next request on it.
      if (left > 0) {
        P.cRemaining[c] = left - 1;
        const think = wHasAux[w] === 1 ? wAux[w]!.sample(wAuxRng[w]!) : 0;
        const r2 = P.allocReq();
        P.rConn[r2] = c;
        P.rStart[r2] = back + think;
        P.rService[r2] = wService[w]!.sample(wServiceRng[w]!);
        q.schedule(back + think + P.cRtt[c]! * 0.5, K_REQ_ARRIVE, r2, 0);
      } else {
        // HTTP/1.1 with `Connection: close`: the server closes once the last response is sent.
        closeConn(c);
      }
      return;
    }
    if (cls === CLASS_HTTP2) {
      P.cRemaining[c] = P.cRemaining[c]! - 1;
      const waiting = P.cWaitHead[c]!;
      if (waiting !== -1) {
        P.cWaitHead[c] = P.rNext[waiting]!;
        if (P.cWaitHead[c] === -1) P.cWaitTail[c] = -1;
        startH2Stream(c, waiting, back);
      } else if ((P.cFlags[c]! & F_CLOSING) !== 0 && P.cRemaining[c] === 0) closeConn(c);
      return;
    }
    P.cRemaining[c] = P.cRemaining[c]! - 1;
    if ((P.cFlags[c]! & F_CLOSING) !== 0) {
      if (P.cRemaining[c] === 0) closeConn(c);
    } else if (ok) {
      P.cLast[c] = back;
      armIdle(c, back);
    }
  }

  // Close the books at the horizon (or where the budget stopped the run).
  const end = q.budgetExhausted ? q.now : horizon;
  activeConns.finish(end);
  servers.busy.finish(end);
  return {
    events: q.events,
    budgetExhausted: q.budgetExhausted,
    simulatedSeconds: end,
    latency,
    endpointConnections,
    endpointRequests,
    endpointRejected: servers.rejected,
    activeConns,
    busy: servers.busy,
    failures,
    dataplane: dp,
    measuredSeconds: end - warmup,
  };
}
