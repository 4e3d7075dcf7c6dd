// Builders for small compact-form scenarios used across tests.
import { Scenario, type ScenarioInput } from '../../src/scenario/schema.js';

export interface ClusterShape {
  /** Zones, each a list of node names; nodes get 4 CPUs. */
  zones?: Record<string, string[]>;
  /** Endpoints per node name, in order (addresses are generated). */
  endpointsPerNode?: Record<string, number>;
  /** Endpoints on a single node when endpointsPerNode is not given. */
  endpoints?: number;
  service?: Record<string, unknown>;
}

export function compactCluster(shape: ClusterShape = {}): ScenarioInput['cluster'] {
  const zones = shape.zones ?? { 'zone-a': ['node-a'] };
  const nodes = Object.entries(zones)
    .flatMap(([zone, names]) => names.map((name) => ({ name, zone, cpu: 4 })))
    .map((n, i) => ({ ...n, ip: `10.0.0.${i + 1}` }));
  const perNode = shape.endpointsPerNode ?? { [nodes[0]?.name ?? 'node-a']: shape.endpoints ?? 3 };
  const endpoints: { address: string; node: string }[] = [];
  let k = 0;
  for (const [node, count] of Object.entries(perNode)) {
    for (let i = 0; i < count; i++) {
      k++;
      endpoints.push({ address: `10.244.${Math.floor(k / 250)}.${(k % 250) + 1}`, node });
    }
  }
  return {
    nodes,
    services: [
      {
        name: 'demo',
        clusterIP: '10.96.0.10',
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        ...(shape.service ?? {}),
      },
    ],
    endpointSlices: [{ service: 'demo', endpoints }],
  } as ScenarioInput['cluster'];
}

/** Parses a scenario body exactly as the API does. */
export function scenario(input: ScenarioInput) {
  return Scenario.parse(input);
}
