// A throwaway pair of network namespaces for loading rendered rules into a real kernel and sending real
// TCP connections through them. Isolation: both namespaces are new; the veth pair is created with its ends
// already inside them, so nothing is ever attached to, routed through, or configured in the host namespace.
//
//   client ns  (kpw-<pid>-<tag>-c)          server ns  (kpw-<pid>-<tag>-s) — plays the Kubernetes node
//   veth 192.168.250.1/24 (+ .101… extra   veth 192.168.250.2/24 (the node IP), forwarding on,
//   source addresses for affinity tests)   default route via .1; lo: every endpoint address as /32,
//   routes to the Service ranges via .2    one listener; rules: iptables-restore / nft -f of the rendering
//
// Connections enter the node from outside (nat PREROUTING), as a pod's traffic on another node or an
// external client's would; DNAT to an address on the node's lo then delivers them locally.

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const NODE_IP = '192.168.250.2';
export const CLIENT_IP = '192.168.250.1';
const PREFIX = 'kpw-';

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}

function which(tool: string): boolean {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'].some((d) =>
    existsSync(`${d}/${tool}`),
  );
}

/** Why the kernel tests cannot run here, or null when they can (root, ip, iptables-restore, nft, conntrack). */
export function kernelTestBlocker(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root';
  for (const tool of ['ip', 'iptables-restore', 'iptables-save', 'nft', 'conntrack']) {
    if (!which(tool)) return `${tool} is not installed`;
  }
  return null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Deletes namespaces with our prefix whose creating process is gone (left over from a killed run). */
export function deleteStaleNamespaces(): void {
  const list = run('ip', ['netns', 'list']);
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^kpw-(\d+)-[0-9a-f]+-[cs]$/.exec(name);
    if (m && !pidAlive(Number(m[1]))) run('ip', ['netns', 'del', name]);
  }
}

export interface Backend {
  /** Stops the listeners. */
  stop(): void;
}

export interface ConnectResult {
  /** Replies ("ip:port" of the backend that answered) → count. */
  byReply: Record<string, number>;
  /** Source address → reply → count. */
  bySource: Record<string, Record<string, number>>;
  /** Failure kind (timeout, ECONNREFUSED, …) → count. */
  errors: Record<string, number>;
}

export interface ConnectPlan {
  host: string;
  port: number;
  /** Source addresses to bind, each used for `perSource` connections. */
  sources: string[];
  perSource: number;
  concurrency: number;
  timeoutMs: number;
  /** Open one connection per source first, alone, so affinity entries exist before the rest race. */
  primeSources?: boolean;
}

// Runs in the client namespace: opens the planned connections and tallies who answered.
const CLIENT_SCRIPT = `
const net = require('node:net');
const plan = JSON.parse(process.argv[1]);
const out = { byReply: {}, bySource: {}, errors: {} };
const bump = (o, k) => { o[k] = (o[k] || 0) + 1; };
function once(source) {
  return new Promise((resolve) => {
    let data = '';
    let done = false;
    const finish = (reply, error) => {
      if (done) return;
      done = true;
      sock.destroy();
      if (error) bump(out.errors, error);
      else { bump(out.byReply, reply); bump(out.bySource[source] || (out.bySource[source] = {}), reply); }
      resolve();
    };
    const sock = net.connect({ host: plan.host, port: plan.port, localAddress: source });
    sock.setTimeout(plan.timeoutMs, () => finish(null, 'timeout'));
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => finish(data, data === '' ? 'empty' : null));
    sock.on('error', (e) => finish(null, e.code || 'error'));
  });
}
(async () => {
  const jobs = [];
  if (plan.primeSources) for (const s of plan.sources) await once(s);
  const left = plan.primeSources ? plan.perSource - 1 : plan.perSource;
  for (let i = 0; i < left; i++) for (const s of plan.sources) jobs.push(s);
  let next = 0;
  const worker = async () => { while (next < jobs.length) await once(jobs[next++]); };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  process.stdout.write(JSON.stringify(out));
})();
`;

// Runs in the server namespace: one listener per port on every address, answering with the address the
// connection arrived at (the endpoint the rules DNATed it to).
const SERVER_SCRIPT = `
const net = require('node:net');
const ports = JSON.parse(process.argv[1]);
let ready = 0;
for (const p of ports) {
  const srv = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.end(sock.localAddress + ':' + sock.localPort);
  });
  srv.listen(p, '0.0.0.0', () => { if (++ready === ports.length) process.stdout.write('ready\\n'); });
}
`;

export class NetnsPair {
  readonly client: string;
  readonly server: string;
  private readonly backends: ChildProcess[] = [];
  private readonly vethClient: string;
  private closed = false;

  constructor() {
    const tag = randomBytes(3).toString('hex');
    this.client = `${PREFIX}${process.pid}-${tag}-c`;
    this.server = `${PREFIX}${process.pid}-${tag}-s`;
    const vc = `kpw${tag}c`;
    const vs = `kpw${tag}s`;
    this.vethClient = vc;
    run('ip', ['netns', 'add', this.client]);
    run('ip', ['netns', 'add', this.server]);
    try {
      // Both ends are created directly inside the namespaces.
      run('ip', ['link', 'add', vc, 'netns', this.client, 'type', 'veth', 'peer', 'name', vs, 'netns', this.server]);
      this.inClient('ip', ['link', 'set', 'lo', 'up']);
      this.inServer('ip', ['link', 'set', 'lo', 'up']);
      this.inClient('ip', ['addr', 'add', `${CLIENT_IP}/24`, 'dev', vc]);
      this.inServer('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', vs]);
      this.inClient('ip', ['link', 'set', vc, 'up']);
      this.inServer('ip', ['link', 'set', vs, 'up']);
      // Like a real node: forwarding on and a default route, so a packet to a ClusterIP that is not DNATed is
      // routed to FORWARD, where kube-proxy's filter rules REJECT or DROP it.
      // That route leaves by the interface the packet came in on, so the kernel would answer with an ICMP
      // redirect and then rate-limit the REJECT's port-unreachable to the same host; a node forwards pod
      // traffic between different interfaces and sees neither.
      this.inServer('sysctl', [
        '-q',
        '-w',
        'net.ipv4.ip_forward=1',
        'net.ipv4.conf.all.send_redirects=0',
        `net.ipv4.conf.${vs}.send_redirects=0`,
        'net.ipv4.icmp_ratelimit=0',
      ]);
      this.inServer('ip', ['route', 'add', 'default', 'via', CLIENT_IP]);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  inClient(cmd: string, args: readonly string[], input?: string): string {
    return run('ip', ['netns', 'exec', this.client, cmd, ...args], input);
  }

  inServer(cmd: string, args: readonly string[], input?: string): string {
    return run('ip', ['netns', 'exec', this.server, cmd, ...args], input);
  }

  /** Extra client source addresses on the client's veth. */
  addClientSources(addresses: readonly string[]): void {
    for (const a of addresses) this.inClient('ip', ['addr', 'add', `${a}/24`, 'dev', this.vethClient]);
  }

  /** Routes, in the client namespace only, that send `cidrs` to the node. */
  routeViaNode(cidrs: readonly string[]): void {
    for (const c of cidrs) this.inClient('ip', ['route', 'add', c, 'via', NODE_IP]);
  }

  /** Puts the endpoint addresses on the node's lo. */
  addEndpointAddresses(addresses: readonly string[]): void {
    for (const a of new Set(addresses)) this.inServer('ip', ['addr', 'add', `${a}/32`, 'dev', 'lo']);
  }

  /** Starts the answering listeners in the node namespace and waits until they accept. */
  async startBackends(ports: readonly number[]): Promise<Backend> {
    const child = spawn(
      'ip',
      ['netns', 'exec', this.server, process.execPath, '-e', SERVER_SCRIPT, JSON.stringify([...new Set(ports)])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.backends.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`backend exited with ${code}`)));
    });
    return { stop: () => child.kill() };
  }

  /** Opens the planned connections from the client namespace. */
  async connect(plan: ConnectPlan): Promise<ConnectResult> {
    const { stdout } = await execFileAsync(
      'ip',
      ['netns', 'exec', this.client, process.execPath, '-e', CLIENT_SCRIPT, JSON.stringify(plan)],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return JSON.parse(stdout) as ConnectResult;
  }

  /** Empties the node's ruleset and connection tracking table. */
  resetNode(): void {
    this.inServer('nft', ['flush', 'ruleset']);
    this.inServer('conntrack', ['-F']);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const b of this.backends) b.kill();
    for (const ns of [this.client, this.server]) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        // Already gone.
      }
    }
  }
}

/** Runs `fn` with a fresh namespace, deleting it afterwards (used to time the kernel tools). */
export function withThrowawayNamespace<T>(
  fn: (exec: (cmd: string, args: readonly string[], input?: string) => string) => T,
): T {
  const ns = `${PREFIX}${process.pid}-${randomBytes(3).toString('hex')}-s`;
  run('ip', ['netns', 'add', ns]);
  try {
    return fn((cmd, args, input) => run('ip', ['netns', 'exec', ns, cmd, ...args], input));
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
}

/** Checks `text` with `iptables-restore --test` or `nft -c -f` in a fresh namespace; throws with the tool's message. */
export function checkInThrowawayNamespace(kind: 'iptables' | 'nftables', text: string): void {
  withThrowawayNamespace((exec) =>
    kind === 'iptables' ? exec('iptables-restore', ['--test'], text) : exec('nft', ['-c', '-f', '-'], text),
  );
}
