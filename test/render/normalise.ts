// Order-insensitive views of rendered rules, so they can be compared with kube-proxy's goldens (which are
// order-normalised themselves, kube-proxy writing Services in Go map order) and with what the kernel
// lists back.

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);

interface IptChain {
  name: string;
  rules: string[];
}

/** The service name a rule's comment starts with (sortIPTablesRules' orderByCommentServiceName). */
function commentServiceName(rule: string): string | null {
  const m = /--comment ("([^"]*)"|(\S+))/.exec(rule);
  if (m === null) return null;
  const value = m[2] ?? m[3] ?? '';
  const cut = value.search(/[ :]/);
  return cut === -1 ? value : value.slice(0, cut);
}

/**
 * Port of proxier_test.go sortIPTablesRules: tables by name; chains KUBE-NODEPORTS, KUBE-SERVICES, then the
 * other KUBE-* chains alphabetically; KUBE-NODEPORTS and KUBE-SERVICES rules stably by the service name in
 * their comment, the "must be the last rule" rule last. Built-in chains, their jump rules and the canary
 * chain (which kube-proxy does not write through iptables-restore) are left out.
 */
export function sortIptablesLikeKubeProxyTest(text: string): string {
  const tables = new Map<string, IptChain[]>();
  let current: IptChain[] | null = null;
  let byName = new Map<string, IptChain>();
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = [];
      byName = new Map();
      tables.set(line.slice(1), current);
    } else if (line.startsWith(':') && current !== null) {
      const name = line.slice(1, line.indexOf(' '));
      if (BUILTIN.has(name) || name === 'KUBE-PROXY-CANARY' || byName.has(name)) continue;
      const chain = { name, rules: [] };
      current.push(chain);
      byName.set(name, chain);
    } else if (line.startsWith('-A ') && current !== null) {
      const name = line.split(' ')[1] ?? '';
      if (BUILTIN.has(name)) continue;
      byName.get(name)?.rules.push(line);
    }
  }
  const rank = (name: string) =>
    name === 'KUBE-NODEPORTS' ? 0 : name === 'KUBE-SERVICES' ? 1 : name.startsWith('KUBE-') ? 2 : 3;
  const out: string[] = [];
  for (const tableName of [...tables.keys()].sort()) {
    const chains = [...(tables.get(tableName) ?? [])].sort(
      (a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    for (const chain of chains) {
      if (chain.name !== 'KUBE-NODEPORTS' && chain.name !== 'KUBE-SERVICES') continue;
      const key = (r: string) => (r.includes('must be the last rule') ? '\uffff' : (commentServiceName(r) ?? ''));
      chain.rules = chain.rules
        .map((r, i) => ({ r, i }))
        .sort((a, b) => (key(a.r) < key(b.r) ? -1 : key(a.r) > key(b.r) ? 1 : a.i - b.i))
        .map((x) => x.r);
    }
    out.push(`*${tableName}`);
    for (const chain of chains) out.push(`:${chain.name} - [0:0]`);
    for (const chain of chains) out.push(...chain.rules);
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

/** Chains (rules in order) and sets/maps (elements, unordered) of an nftables table. */
export interface NftModel {
  chains: Map<string, string[]>;
  sets: Map<string, string[]>;
}

/** Parses `nft list ruleset` output (what the nftables renderer prints). */
export function parseNftListing(text: string): NftModel {
  const chains = new Map<string, string[]>();
  const sets = new Map<string, string[]>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const chain = /^\tchain (\S+) \{$/.exec(line);
    if (chain) {
      const rules: string[] = [];
      for (i++; (lines[i] ?? '') !== '\t}'; i++) {
        const r = (lines[i] ?? '').trim();
        if (r.startsWith('type ') || r.startsWith('comment ')) continue;
        rules.push(r);
      }
      chains.set(chain[1] ?? '', rules);
      continue;
    }
    const set = /^\t(?:set|map) (\S+) \{$/.exec(line);
    if (set) {
      let elementText = '';
      for (i++; (lines[i] ?? '') !== '\t}'; i++) {
        const l = lines[i] ?? '';
        if (l.startsWith('\t\telements = { ')) elementText = l.slice('\t\telements = { '.length);
        else if (elementText !== '') elementText += `\n${l}`;
      }
      const body = elementText.replace(/ \}$/, '');
      sets.set(set[1] ?? '', body === '' ? [] : body.split(/,\n\t\t\t {5}|, /));
    }
  }
  return { chains, sets };
}

/**
 * Parses knftables' transaction dump (kube-proxy's nftables goldens) into the same model, rewriting each
 * statement the way nft lists it back: marks as `meta mark` expressions widened to 32 bits, one-element
 * anonymous sets without braces, " , " separators as ", ".
 */
export function parseNftTransaction(text: string): NftModel {
  const chains = new Map<string, string[]>();
  const sets = new Map<string, string[]>();
  const listed = (rule: string) =>
    rule
      .replace(/^mark set mark or 0x4000$/, 'meta mark set meta mark | 0x00004000')
      .replace(/^mark and 0x4000 == 0 return$/, 'meta mark & 0x00004000 == 0x00000000 return')
      .replace(/^mark set mark xor 0x4000$/, 'meta mark set meta mark ^ 0x00004000')
      .replace(/\{ ([^{},]+) \} (drop)/, '$1 $2')
      .replaceAll(' , ', ', ');
  for (const line of text.split('\n')) {
    let m = /^add chain ip kube-proxy (\S+)/.exec(line);
    if (m) {
      if (!chains.has(m[1] ?? '')) chains.set(m[1] ?? '', []);
      continue;
    }
    m = /^add (?:set|map) ip kube-proxy (\S+)/.exec(line);
    if (m) {
      if (!sets.has(m[1] ?? '')) sets.set(m[1] ?? '', []);
      continue;
    }
    m = /^add rule ip kube-proxy (\S+) (.*)$/.exec(line);
    if (m) {
      chains.get(m[1] ?? '')?.push(listed(m[2] ?? ''));
      continue;
    }
    m = /^add element ip kube-proxy (\S+) \{ (.*) \}$/.exec(line);
    if (m) sets.get(m[1] ?? '')?.push(m[2] ?? '');
  }
  return { chains, sets };
}

/** A model with every set's elements sorted, for comparing hash-ordered listings. */
export function comparable(model: NftModel): { chains: Record<string, string[]>; sets: Record<string, string[]> } {
  const chains: Record<string, string[]> = {};
  for (const [k, v] of [...model.chains].sort(([a], [b]) => (a < b ? -1 : 1))) chains[k] = v;
  const sets: Record<string, string[]> = {};
  for (const [k, v] of [...model.sets].sort(([a], [b]) => (a < b ? -1 : 1))) sets[k] = [...v].sort();
  return { chains, sets };
}
