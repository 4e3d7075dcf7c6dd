import { describe, expect, it } from 'vitest';
import {
  CONNTRACK_MAX_PER_CORE_DEFAULT,
  CONNTRACK_MIN_DEFAULT,
  ConntrackTable,
  conntrackMax,
  nodeCPUs,
} from '../../src/dataplane/conntrack.js';

const defaults = { maxPerCore: CONNTRACK_MAX_PER_CORE_DEFAULT, min: CONNTRACK_MIN_DEFAULT };

describe('nf_conntrack_max as kube-proxy sets it', () => {
  it('is max(32768 × CPUs, 131072) with the defaults', () => {
    expect(conntrackMax(defaults, 2)).toBe(131072);
    expect(conntrackMax(defaults, 4)).toBe(131072);
    expect(conntrackMax(defaults, 8)).toBe(262144);
    expect(conntrackMax(defaults, 64)).toBe(2097152);
  });

  it('is left to the kernel when maxPerCore is 0', () => {
    expect(conntrackMax({ maxPerCore: 0, min: 131072 }, 8)).toBeNull();
  });

  it('counts CPUs as ceil(allocatable)', () => {
    expect(nodeCPUs({ cpu: 3.92 })).toBe(4);
    expect(nodeCPUs({ cpu: 16 })).toBe(16);
    expect(nodeCPUs({ cpu: 0 })).toBe(1);
  });
});

describe('conntrack table', () => {
  it('holds exactly capacity entries and drops new connections beyond', () => {
    const t = new ConntrackTable(3);
    expect([t.tryOpen(0), t.tryOpen(0), t.tryOpen(0), t.tryOpen(0)]).toEqual([true, true, true, false]);
    expect(t.drops).toBe(1);
    expect(t.peak).toBe(3);
  });

  it('keeps a closed connection for TIME_WAIT (120 s) before freeing its slot', () => {
    const t = new ConntrackTable(2);
    t.tryOpen(0);
    t.tryOpen(1);
    t.close(10);
    expect(t.tryOpen(129.9)).toBe(false);
    expect(t.entries(129.9)).toBe(2);
    expect(t.entries(130)).toBe(1);
    expect(t.tryOpen(130)).toBe(true);
    expect(t.drops).toBe(1);
  });

  it('counts short connections at rate λ as about λ × (duration + 120 s) entries', () => {
    // 200 connections/s, each open 50 ms: steady state 200 × 120.05 = 24 010 entries.
    const t = new ConntrackTable(1_000_000);
    for (let i = 0; i < 200 * 600; i++) {
      const start = i / 200;
      t.tryOpen(start);
      t.close(start + 0.05);
    }
    expect(t.entries(600)).toBeGreaterThan(23_900);
    expect(t.entries(600)).toBeLessThan(24_100);
    // At each new connection: itself plus the 24 009 earlier ones whose close + 120 s is still ahead.
    expect(Math.abs(t.peak - 24_010)).toBeLessThanOrEqual(1);
    expect(t.entries(800)).toBe(0);
  });
});
