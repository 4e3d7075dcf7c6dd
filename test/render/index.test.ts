import { describe, expect, it } from 'vitest';
import { RenderInputError, renderRules, UnknownNodeError } from '../../src/render/index.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { overallCluster, TEST_NODE } from './fixtures.js';

describe('renderRules', () => {
  it('renders the three modes for a node, or only the ones asked for', () => {
    const all = renderRules(overallCluster(), TEST_NODE);
    expect(all.iptables?.text).toContain('*nat\n');
    expect(all.nftables?.text).toContain('table ip kube-proxy {');
    expect(all.ipvs?.text).toContain('IP Virtual Server version 1.2.1 (size=4096)');
    const only = renderRules(overallCluster(), TEST_NODE, { renderings: ['nftables'] });
    expect(Object.keys(only).sort()).toEqual(['nftables', 'node']);
  });

  it('reports the target’s traversal in every mode: the iptables cascade grows, nftables and IPVS stay flat', () => {
    const r = renderRules(overallCluster(), TEST_NODE, { target: { service: 'ns4/svc4' }, clusterCIDR: '10.0.0.0/8' });
    expect(r.iptables?.counts.rulesTraversedToTarget?.perEndpoint.map((e) => e.rules)).toEqual([11, 12]);
    expect(r.nftables?.counts.rulesTraversedToTarget?.perEndpoint.map((e) => e.rules)).toEqual([6, 6]);
    expect(r.ipvs?.counts.rulesTraversedToTarget?.perEndpoint.map((e) => e.rules)).toEqual([1, 1]);
    const none = renderRules(overallCluster(), TEST_NODE, { target: { service: 'svc6' } });
    expect(none.iptables?.counts.rulesTraversedToTarget?.rejectedBy).toBe('REJECT');
    expect(none.ipvs?.counts.rulesTraversedToTarget?.noDestination).toBe(true);
  });

  it('rejects an unknown node with path "node" and the snapshot’s node names', () => {
    let error: unknown;
    try {
      renderRules(overallCluster(), 'nope');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as UnknownNodeError).path).toBe('node');
    expect((error as UnknownNodeError).nodes).toEqual([TEST_NODE]);
    expect((error as UnknownNodeError).status).toBe(422);
  });

  it('rejects a target that is not in the snapshot, pointing at the field', () => {
    expect(() => renderRules(overallCluster(), TEST_NODE, { target: { service: 'ns1/missing' } })).toThrow(
      RenderInputError,
    );
    try {
      renderRules(overallCluster(), TEST_NODE, { target: { service: 'ns1/svc1', port: 443 } });
    } catch (e) {
      expect((e as RenderInputError).path).toBe('target.port');
    }
  });
});
