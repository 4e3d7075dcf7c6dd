// Non-IPVS data-plane models of kube-proxy: endpoint assembly, eligibility, topology hints, the iptables
// and nftables endpoint choice, affinity state, conntrack capacity, first-packet cost and NAT accounting.
// (The IPVS schedulers live in ./ipvs and are wired separately.)

export * from './affinity.js';
export * from './conntrack.js';
export * from './cost.js';
export * from './eligibility.js';
export * from './endpoints.js';
export * from './ip.js';
export * from './iptables.js';
export * from './nat.js';
export * from './nftables.js';
export * from './random.js';
export * from './topology.js';
