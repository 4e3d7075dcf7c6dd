// The zod schema of the scenario's `cluster` field: the documented contract (the OpenAPI document is
// generated from it) and the validator of request bodies.
//
// Two forms are accepted:
//  (a) what `kubectl get nodes,services,endpointslices -A -o json` prints: a v1 `List` whose items are
//      Node, Service and EndpointSlice objects (Pod and legacy Endpoints items are tolerated, items of
//      any other kind are ignored), or a bare array of such objects (a YAML multi-document stream);
//  (b) the compact form `{ nodes, services, endpointSlices }`, whose elements are either full
//      Kubernetes objects or the strict shorthands below.
//
// Inside embedded Kubernetes objects unknown fields are ignored, as kubectl does (loose objects); the
// fields the simulation reads are typed, so a wrong value is reported at its own path. Shorthands are
// strict: an unknown key is a typo and is rejected.
//
// zod cannot dispatch on the *presence* of a key, and a plain union reports a failure of the matching
// branch as a bare `invalid_union` at the union's own path. So the places where the form is decided by
// shape (List item kind, object vs shorthand) pick the branch first and validate with it alone, which
// keeps every error at the path of the offending field.

import { isIP } from 'node:net';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Scalars

/** Kubernetes resource quantity without sign (allocatable CPU is never negative): "4", "3500m", "0.5", "2k". */
export const QUANTITY_PATTERN = /^(\d+(\.\d*)?|\.\d+)([numkMGTPE]|[KMGTPE]i|[eE][+-]?\d{1,2})?$/;

const PortNumber = z.number().int().min(1).max(65535);

/** IANA_SVC_NAME as the API server validates a named port: 1–15 of [a-z0-9-], a letter, no leading, trailing or double hyphen. */
const PortName = z.string().regex(/^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/, {
  error: 'must be an IANA service name: 1-15 lower-case letters, digits and single hyphens, with a letter',
});

const TargetPort = z.union([PortNumber, PortName], {
  error: 'must be a port number (1-65535) or a named container port',
});

const NodePortNumber = z.number().int().min(0).max(65535);

// One string check rather than a union of z.ipv4()/z.ipv6(): a union failure would name one branch
// ("Invalid IPv4 address") for what may be a mistyped IPv6 address.
const IP_FORMATS = [{ format: 'ipv4' }, { format: 'ipv6' }];
const IPAddress = z
  .string()
  .refine((s) => isIP(s) !== 0, { error: 'must be an IPv4 or IPv6 address' })
  .meta({ anyOf: IP_FORMATS });
/** A Service's cluster IP as the API stores it: an address, "None" (headless) or "" (none allocated). */
const ClusterIPValue = z
  .string()
  .refine((s) => s === 'None' || s === '' || isIP(s) !== 0, { error: 'must be an IP address, "None" or ""' })
  .meta({ anyOf: [{ const: 'None' }, { const: '' }, ...IP_FORMATS] });

const Protocol = z.enum(['TCP', 'UDP', 'SCTP']);
const IPFamily = z.enum(['IPv4', 'IPv6']);
const ServiceTypeEnum = z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
const TrafficPolicyEnum = z.enum(['Cluster', 'Local']);
const SessionAffinityEnum = z.enum(['None', 'ClientIP']);
const StringMap = z.record(z.string(), z.string());

/** `sessionAffinityConfig.clientIP.timeoutSeconds`: the API server accepts 1..86400. */
const AffinityTimeout = z.number().int().min(1).max(86400);

const QUANTITY_MESSAGE = 'must be a Kubernetes quantity such as "4", "3500m" or "0.5"';
const CpuQuantity = z.union(
  [z.string().regex(QUANTITY_PATTERN, { error: QUANTITY_MESSAGE }), z.number().nonnegative()],
  {
    error: QUANTITY_MESSAGE,
  },
);

// ---------------------------------------------------------------------------------------------------
// Embedded Kubernetes objects (loose: unknown fields are ignored). `apiVersion`/`kind`, when present,
// must name the API the fields below are read from.

const ObjectMeta = z
  .looseObject({
    name: z
      .string()
      .min(1)
      .meta({ description: 'Object name.', examples: ['demo-svc'] }),
    namespace: z
      .string()
      .min(1)
      .nullish()
      .meta({ description: 'Namespace; default "default" (ignored for Nodes).', examples: ['default'] }),
    labels: StringMap.nullish().meta({
      description:
        'Labels. Read: topology.kubernetes.io/zone and region, node-role.kubernetes.io/*, kubernetes.io/service-name.',
      examples: [{ 'topology.kubernetes.io/zone': 'eu-central-1a' }],
    }),
    annotations: StringMap.nullish().meta({
      description:
        'Annotations. Read: service.kubernetes.io/topology-mode and service.kubernetes.io/topology-aware-hints.',
      examples: [{ 'service.kubernetes.io/topology-mode': 'Auto' }],
    }),
  })
  .meta({ description: 'Standard object metadata; other fields (uid, resourceVersion, ...) are ignored.' });

const NodeStatus = z
  .looseObject({
    allocatable: z
      .looseObject({
        cpu: CpuQuantity.nullish().meta({
          description:
            'Allocatable CPU (quantity). Missing means 0, which disables topology hints as in the EndpointSlice controller.',
          examples: ['3920m', '4'],
        }),
      })
      .nullish()
      .meta({ description: 'Allocatable resources; only cpu is read.' }),
    addresses: z
      .array(
        z.looseObject({
          type: z
            .string()
            .meta({ description: 'Address type; only InternalIP is read.', examples: ['InternalIP', 'Hostname'] }),
          address: z.string().meta({ description: 'The address.', examples: ['10.0.1.11'] }),
        }),
      )
      .nullish()
      .meta({ description: 'Node addresses; the first InternalIP of each IP family is the node IP.' }),
    conditions: z
      .array(
        z.looseObject({
          type: z.string().meta({ description: 'Condition type; only Ready is read.', examples: ['Ready'] }),
          status: z.string().meta({ description: 'True, False or Unknown.', examples: ['True'] }),
        }),
      )
      .nullish()
      .meta({ description: 'Node conditions; the node is ready only when its Ready condition is True.' }),
    nodeInfo: z
      .looseObject({
        kubeletVersion: z
          .string()
          .nullish()
          .meta({ description: 'Kubelet version.', examples: ['v1.33.2'] }),
        kubeProxyVersion: z
          .string()
          .nullish()
          .meta({ description: 'kube-proxy version (empty on recent kubelets, read as unknown).', examples: [''] }),
      })
      .nullish()
      .meta({ description: 'Versions reported by the kubelet.' }),
  })
  .meta({ description: 'Node status.' });

const nodeFields = {
  apiVersion: z.literal('v1').optional().meta({ description: 'Always v1.' }),
  metadata: ObjectMeta,
  status: NodeStatus.nullish().meta({ description: 'Node status.' }),
};

const serviceSpec = z
  .looseObject({
    type: ServiceTypeEnum.nullish().meta({ description: 'Service type; default ClusterIP.', examples: ['ClusterIP'] }),
    clusterIP: ClusterIPValue.nullish().meta({
      description: 'Primary cluster IP; "None" makes the Service headless.',
      examples: ['10.96.12.34', 'None'],
    }),
    clusterIPs: z
      .array(ClusterIPValue)
      .max(2)
      .nullish()
      .meta({ description: 'Cluster IPs, one per IP family; preferred over clusterIP.', examples: [['10.96.12.34']] }),
    ipFamilies: z
      .array(IPFamily)
      .max(2)
      .nullish()
      .meta({
        description: 'IP families; default the families of the cluster IPs, else [IPv4].',
        examples: [['IPv4']],
      }),
    externalIPs: z
      .array(IPAddress)
      .nullish()
      .meta({ description: 'External IPs the Service also answers on.', examples: [['192.0.2.10']] }),
    loadBalancerIP: z
      .string()
      .refine((s) => s === '' || isIP(s) !== 0, { error: 'must be an IP address or ""' })
      .meta({ anyOf: [{ const: '' }, ...IP_FORMATS] })
      .nullish()
      .meta({
        description: 'Requested load-balancer IP (deprecated); used only when status.loadBalancer has no ingress.',
        examples: ['203.0.113.10'],
      }),
    loadBalancerSourceRanges: z
      .array(z.string())
      .nullish()
      .meta({ description: 'CIDRs allowed to reach the load balancer.', examples: [['203.0.113.0/24']] }),
    ports: z
      .array(
        z.looseObject({
          name: z
            .string()
            .nullish()
            .meta({
              description: 'Port name; default "" (required when the Service has several ports).',
              examples: ['http'],
            }),
          protocol: Protocol.nullish().meta({ description: 'Protocol; default TCP.', examples: ['TCP'] }),
          port: PortNumber.meta({ description: 'Service port.', examples: [80] }),
          targetPort: TargetPort.nullish().meta({
            description: 'Container port number or name; default the Service port.',
            examples: [8080, 'http'],
          }),
          nodePort: NodePortNumber.nullish().meta({
            description: 'Node port (NodePort and LoadBalancer Services); default 0, none.',
            examples: [30080],
          }),
        }),
      )
      .nullish()
      .meta({ description: 'Service ports.' }),
    sessionAffinity: SessionAffinityEnum.nullish().meta({
      description: 'Session affinity; default None.',
      examples: ['ClientIP'],
    }),
    sessionAffinityConfig: z
      .looseObject({
        clientIP: z
          .looseObject({
            timeoutSeconds: AffinityTimeout.nullish().meta({
              description: 'ClientIP affinity timeout in seconds; default 10800.',
              examples: [10800],
            }),
          })
          .nullish()
          .meta({ description: 'ClientIP affinity settings.' }),
      })
      .nullish()
      .meta({ description: 'Session affinity settings.' }),
    internalTrafficPolicy: TrafficPolicyEnum.nullish().meta({
      description: 'Policy for in-cluster traffic; default Cluster.',
      examples: ['Cluster'],
    }),
    externalTrafficPolicy: TrafficPolicyEnum.nullish().meta({
      description: 'Policy for NodePort, LoadBalancer and external-IP traffic; default Cluster.',
      examples: ['Local'],
    }),
    healthCheckNodePort: NodePortNumber.nullish().meta({
      description: 'Health-check node port of a LoadBalancer Service with externalTrafficPolicy Local.',
      examples: [32001],
    }),
    trafficDistribution: z
      .string()
      .nullish()
      .meta({
        description: 'Traffic distribution preference (PreferClose, PreferSameZone, PreferSameNode); default none.',
        examples: ['PreferClose'],
      }),
  })
  .meta({ description: 'Service spec; fields not listed (selector, ...) are ignored.' });

const serviceStatus = z
  .looseObject({
    loadBalancer: z
      .looseObject({
        ingress: z
          .array(
            z.looseObject({
              ip: IPAddress.nullish().meta({ description: 'Ingress IP.', examples: ['203.0.113.10'] }),
              hostname: z
                .string()
                .nullish()
                .meta({
                  description: 'Ingress hostname (not an IP: ignored by kube-proxy).',
                  examples: ['lb.example.com'],
                }),
              ipMode: z
                .enum(['VIP', 'Proxy'])
                .nullish()
                .meta({
                  description: 'VIP (default) or Proxy; kube-proxy programs no rules for Proxy-mode ingress IPs.',
                  examples: ['VIP'],
                }),
            }),
          )
          .nullish()
          .meta({ description: 'Load-balancer ingress points.' }),
      })
      .nullish()
      .meta({ description: 'Load-balancer status.' }),
  })
  .meta({ description: 'Service status; only the load-balancer ingress IPs are read.' });

const serviceFields = {
  apiVersion: z.literal('v1').optional().meta({ description: 'Always v1.' }),
  metadata: ObjectMeta,
  spec: serviceSpec,
  status: serviceStatus.nullish().meta({ description: 'Service status; only the load-balancer ingress IPs are read.' }),
};

const ConditionFlag = z.boolean().nullish();

/** `targetRef`: the object (normally a Pod) behind an endpoint; only kind and name are read. */
const ObjectReference = z.looseObject({
  kind: z
    .string()
    .nullish()
    .meta({ description: 'Referenced kind.', examples: ['Pod'] }),
  name: z
    .string()
    .nullish()
    .meta({ description: 'Referenced name.', examples: ['demo-7d9f8b6c5d-x2x4k'] }),
});

const SliceEndpoint = z
  .looseObject({
    addresses: z
      .tuple(
        [
          z
            .string({ error: (issue) => (issue.input === undefined ? 'an endpoint needs an address' : undefined) })
            .min(1),
        ],
        z.string().min(1),
      )
      .meta({
        description: 'Endpoint addresses (at least one); kube-proxy uses the first.',
        examples: [['10.244.1.7']],
      }),
    conditions: z
      .looseObject({
        ready: ConditionFlag.meta({ description: 'Ready; unset means true.', examples: [true] }),
        serving: ConditionFlag.meta({ description: 'Serving; unset means the value of ready.', examples: [true] }),
        terminating: ConditionFlag.meta({ description: 'Terminating; unset means false.', examples: [false] }),
      })
      .nullish()
      .meta({ description: 'Endpoint conditions.' }),
    nodeName: z
      .string()
      .nullish()
      .meta({ description: 'Node hosting the endpoint.', examples: ['node-a1'] }),
    zone: z
      .string()
      .nullish()
      .meta({ description: 'Zone of the endpoint.', examples: ['eu-central-1a'] }),
    hints: z
      .looseObject({
        forZones: z
          .array(z.looseObject({ name: z.string().meta({ description: 'Zone name.', examples: ['eu-central-1a'] }) }))
          .nullish()
          .meta({ description: 'Zones this endpoint should serve.' }),
        forNodes: z
          .array(z.looseObject({ name: z.string().meta({ description: 'Node name.', examples: ['node-a1'] }) }))
          .nullish()
          .meta({ description: 'Nodes this endpoint should serve (PreferSameNode).' }),
      })
      .nullish()
      .meta({ description: 'Topology hints.' }),
    targetRef: ObjectReference.nullish().meta({ description: 'The object (normally a Pod) behind the endpoint.' }),
  })
  .meta({ description: 'One endpoint of an EndpointSlice.' });

const endpointSliceFields = {
  apiVersion: z.literal('discovery.k8s.io/v1').optional().meta({ description: 'Always discovery.k8s.io/v1.' }),
  metadata: ObjectMeta,
  addressType: z
    .enum(['IPv4', 'IPv6', 'FQDN'])
    .meta({ description: 'Address type of every endpoint in the slice.', examples: ['IPv4'] }),
  endpoints: z.array(SliceEndpoint).nullish().meta({ description: 'Endpoints; null means none.' }),
  ports: z
    .array(
      z.looseObject({
        name: z
          .string()
          .nullish()
          .meta({ description: 'Port name matching a Service port name; default "".', examples: ['http'] }),
        protocol: Protocol.nullish().meta({ description: 'Protocol; default TCP.', examples: ['TCP'] }),
        port: PortNumber.nullish().meta({
          description: 'Port the endpoints listen on; a port without a number is ignored, as kube-proxy does.',
          examples: [8080],
        }),
      }),
    )
    .nullish()
    .meta({ description: 'Ports of every endpoint in the slice.' }),
};

const LegacyAddress = z
  .looseObject({
    ip: z
      .string()
      .min(1)
      .meta({ description: 'Endpoint IP.', examples: ['10.244.1.7'] }),
    nodeName: z
      .string()
      .nullish()
      .meta({ description: 'Node hosting the endpoint.', examples: ['node-a1'] }),
    targetRef: ObjectReference.nullish().meta({ description: 'The Pod behind the address.' }),
  })
  .meta({ description: 'One address of a legacy Endpoints subset.' });

const endpointsFields = {
  apiVersion: z.literal('v1').optional().meta({ description: 'Always v1.' }),
  metadata: ObjectMeta,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(LegacyAddress).nullish().meta({ description: 'Ready addresses.' }),
        notReadyAddresses: z.array(LegacyAddress).nullish().meta({ description: 'Addresses that are not ready.' }),
        ports: z
          .array(
            z.looseObject({
              name: z
                .string()
                .nullish()
                .meta({ description: 'Port name; default "".', examples: ['http'] }),
              port: PortNumber.meta({ description: 'Port number.', examples: [8080] }),
              protocol: Protocol.nullish().meta({ description: 'Protocol; default TCP.', examples: ['TCP'] }),
            }),
          )
          .nullish()
          .meta({ description: 'Ports of the subset.' }),
      }),
    )
    .nullish()
    .meta({ description: 'Address/port subsets.' }),
};

/** A v1 Node; the kind may be omitted in the compact form. */
export const NodeObject = z
  .looseObject({ kind: z.literal('Node').optional().meta({ description: 'Node.' }), ...nodeFields })
  .meta({ description: 'A v1 Node as kubectl prints it.' });

/** A v1 Service; the kind may be omitted in the compact form. */
export const ServiceObject = z
  .looseObject({ kind: z.literal('Service').optional().meta({ description: 'Service.' }), ...serviceFields })
  .meta({ description: 'A v1 Service as kubectl prints it.' });

/** A discovery.k8s.io/v1 EndpointSlice; the kind may be omitted in the compact form. */
export const EndpointSliceObject = z
  .looseObject({
    kind: z.literal('EndpointSlice').optional().meta({ description: 'EndpointSlice.' }),
    ...endpointSliceFields,
  })
  .meta({ description: 'A discovery.k8s.io/v1 EndpointSlice as kubectl prints it.' });

const KNOWN_KINDS = new Set(['Node', 'Service', 'EndpointSlice', 'Endpoints', 'Pod']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ListItemUnion = z.discriminatedUnion(
  'kind',
  [
    z
      .looseObject({ kind: z.literal('Node').meta({ description: 'Node.' }), ...nodeFields })
      .meta({ description: 'A v1 Node.' }),
    z
      .looseObject({ kind: z.literal('Service').meta({ description: 'Service.' }), ...serviceFields })
      .meta({ description: 'A v1 Service.' }),
    z
      .looseObject({ kind: z.literal('EndpointSlice').meta({ description: 'EndpointSlice.' }), ...endpointSliceFields })
      .meta({ description: 'A discovery.k8s.io/v1 EndpointSlice.' }),
    z
      .looseObject({ kind: z.literal('Endpoints').meta({ description: 'Endpoints (legacy).' }), ...endpointsFields })
      .meta({
        description: 'A legacy v1 Endpoints object, read only for a Service that has no EndpointSlice.',
      }),
    z
      .looseObject({
        kind: z.literal('Pod').meta({ description: 'Pod.' }),
        apiVersion: z.literal('v1').optional().meta({ description: 'Always v1.' }),
      })
      .meta({ description: 'A Pod: accepted and ignored.' }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'every item needs a kind: Node, Service, EndpointSlice, Endpoints and Pod are read, other kinds are ignored'
        : undefined,
  },
);

/** One List item. An item of any other kind validates as `undefined` and is ignored, as its fields mean nothing here. */
export const ListItem = z.preprocess(
  (item) => (isRecord(item) && typeof item.kind === 'string' && !KNOWN_KINDS.has(item.kind) ? undefined : item),
  ListItemUnion.optional(),
);

// ---------------------------------------------------------------------------------------------------
// Compact shorthands (strict: unknown keys are rejected).

const ZoneName = z.string().min(1);

export const NodeShorthand = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .meta({ description: 'Node name.', examples: ['node-a1'] }),
    zone: ZoneName.optional().meta({
      description: 'Zone (sets the topology.kubernetes.io/zone label); default none.',
      examples: ['eu-central-1a'],
    }),
    region: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: 'Region (sets the topology.kubernetes.io/region label); default none.',
        examples: ['eu-central-1'],
      }),
    cpu: CpuQuantity.optional().meta({
      description:
        'Allocatable CPU, cores or a quantity; default 1. Topology hints use the ratio between zones, conntrack sizing the value.',
      examples: [4, '3920m'],
    }),
    ip: IPAddress.optional().meta({ description: 'Node InternalIP; default none.', examples: ['10.0.1.11'] }),
    ready: z
      .boolean()
      .optional()
      .meta({ description: 'Ready condition; default true.', examples: [true] }),
    controlPlane: z
      .boolean()
      .optional()
      .meta({
        description:
          'Control-plane node: true adds the node-role.kubernetes.io/control-plane label, which the topology-hint controller skips; default false.',
        examples: [false],
      }),
    kubeletVersion: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Kubelet version; default unknown.', examples: ['v1.33.2'] }),
    kubeProxyVersion: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'kube-proxy version; default unknown.', examples: ['v1.33.2'] }),
    labels: StringMap.optional().meta({
      description:
        'Further labels; zone and region override theirs. A node-role.kubernetes.io/control-plane or master label makes a control-plane node.',
      examples: [{ 'kubernetes.io/hostname': 'node-a1' }],
    }),
  })
  .meta({
    description: 'A node in shorthand.',
    examples: [{ name: 'node-a1', zone: 'eu-central-1a', cpu: 4, ip: '10.0.1.11' }],
  });

const ServicePortShorthand = z
  .strictObject({
    name: z
      .string()
      .optional()
      .meta({ description: 'Port name; default "" (required when there are several ports).', examples: ['http'] }),
    port: PortNumber.meta({ description: 'Service port.', examples: [80] }),
    targetPort: TargetPort.optional().meta({
      description: 'Container port number or name; default port.',
      examples: [8080],
    }),
    nodePort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({
        description:
          'Node port; NodePort and LoadBalancer only. Default: allocated from 30000 upwards in snapshot order, skipping ports in use.',
        examples: [30080],
      }),
    protocol: Protocol.optional().meta({ description: 'Protocol; default TCP.', examples: ['TCP'] }),
  })
  .meta({ description: 'A Service port in shorthand.', examples: [{ name: 'http', port: 80, targetPort: 8080 }] });

export const ServiceShorthand = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .meta({ description: 'Service name.', examples: ['demo-svc'] }),
    namespace: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Namespace; default "default".', examples: ['default'] }),
    type: z
      .enum(['ClusterIP', 'NodePort', 'LoadBalancer'])
      .optional()
      .meta({ description: 'Service type; default ClusterIP.', examples: ['NodePort'] }),
    clusterIP: z
      .string()
      .refine((s) => s === 'None' || isIP(s) !== 0, { error: 'must be an IP address or "None"' })
      .meta({ anyOf: [{ const: 'None' }, ...IP_FORMATS] })
      .optional()
      .meta({
        description:
          'Cluster IP, or "None" for a headless Service. Default: allocated from 10.96.0.0/12 (fd00:10:96::/96 for IPv6) in snapshot order, skipping IPs in use.',
        examples: ['10.96.12.34', 'None'],
      }),
    clusterIPs: z
      .array(IPAddress)
      .min(1)
      .max(2)
      .optional()
      .meta({
        description: 'Dual-stack cluster IPs, one per family; the first must equal clusterIP when both are given.',
        examples: [['10.96.12.34', 'fd00:10:96::1234']],
      }),
    ipFamilies: z
      .array(IPFamily)
      .min(1)
      .max(2)
      .optional()
      .meta({
        description: 'IP families; default the families of the cluster IPs, else [IPv4].',
        examples: [['IPv4']],
      }),
    ports: z.array(ServicePortShorthand).meta({ description: 'Service ports.' }),
    sessionAffinity: SessionAffinityEnum.optional().meta({
      description: 'Session affinity; default None.',
      examples: ['ClientIP'],
    }),
    sessionAffinityTimeoutSeconds: AffinityTimeout.optional().meta({
      description: 'ClientIP affinity timeout in seconds; default 10800.',
      examples: [10800],
    }),
    internalTrafficPolicy: TrafficPolicyEnum.optional().meta({ description: 'Default Cluster.', examples: ['Local'] }),
    externalTrafficPolicy: TrafficPolicyEnum.optional().meta({ description: 'Default Cluster.', examples: ['Local'] }),
    healthCheckNodePort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({
        description:
          'Health-check node port; LoadBalancer with externalTrafficPolicy Local only. Default: allocated like nodePort.',
        examples: [32001],
      }),
    trafficDistribution: z
      .enum(['PreferClose', 'PreferSameZone', 'PreferSameNode'])
      .optional()
      .meta({ description: 'Traffic distribution; default none.', examples: ['PreferClose'] }),
    topologyMode: z
      .enum(['Auto', 'Disabled'])
      .optional()
      .meta({
        description: 'Sets the service.kubernetes.io/topology-mode annotation; default none.',
        examples: ['Auto'],
      }),
    loadBalancerIPs: z
      .array(IPAddress)
      .optional()
      .meta({ description: 'Load-balancer ingress IPs (LoadBalancer); default none.', examples: [['203.0.113.10']] }),
    externalIPs: z
      .array(IPAddress)
      .optional()
      .meta({ description: 'External IPs; default none.', examples: [['192.0.2.10']] }),
    loadBalancerSourceRanges: z
      .array(z.string())
      .optional()
      .meta({ description: 'CIDRs allowed to reach the load balancer; default all.', examples: [['203.0.113.0/24']] }),
    annotations: StringMap.optional().meta({
      description: 'Further annotations; topologyMode overrides service.kubernetes.io/topology-mode.',
      examples: [{ 'metallb.universe.tf/ip-allocated-from-pool': 'public' }],
    }),
  })
  .meta({
    description: 'A Service in shorthand.',
    examples: [{ name: 'demo-svc', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }],
  });

const EndpointShorthand = z
  .strictObject({
    address: IPAddress.meta({ description: 'Pod IP.', examples: ['10.244.1.7'] }),
    node: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Node name (must be a node of the snapshot); default none.', examples: ['node-a1'] }),
    zone: ZoneName.optional().meta({ description: "Zone; default the node's zone.", examples: ['eu-central-1a'] }),
    ready: z
      .boolean()
      .optional()
      .meta({ description: 'Default true.', examples: [true] }),
    serving: z
      .boolean()
      .optional()
      .meta({ description: 'Default the value of ready.', examples: [true] }),
    terminating: z
      .boolean()
      .optional()
      .meta({ description: 'Default false.', examples: [false] }),
    hints: z
      .array(ZoneName)
      .optional()
      .meta({ description: 'Zone hints (hints.forZones); default none.', examples: [['eu-central-1a']] }),
    nodeHints: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'Node hints (hints.forNodes); default none.', examples: [['node-a1']] }),
    pod: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Pod name; default none.', examples: ['demo-7d9f8b6c5d-x2x4k'] }),
  })
  .meta({
    description: 'An endpoint in shorthand.',
    examples: [{ address: '10.244.1.7', node: 'node-a1', ready: true }],
  });

export const EndpointsShorthand = z
  .strictObject({
    service: z
      .string()
      .min(1)
      .meta({
        description: 'The Service: "namespace/name", or a name that is unique across namespaces.',
        examples: ['default/demo-svc', 'demo-svc'],
      }),
    name: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: 'Slice name; default "<service name>-<n>", n counting the endpoint sets of that Service from 0.',
        examples: ['demo-svc-7xk2p'],
      }),
    addressType: IPFamily.optional().meta({
      description: 'Default the family of the first address.',
      examples: ['IPv4'],
    }),
    ports: z
      .array(
        z
          .strictObject({
            name: z
              .string()
              .optional()
              .meta({
                description:
                  "Service port name; default the name of the Service's only port (required when it has several).",
                examples: ['http'],
              }),
            port: PortNumber.meta({ description: 'Port the endpoints listen on.', examples: [8080] }),
            protocol: Protocol.optional().meta({
              description: 'Default the protocol of the named Service port, else TCP.',
              examples: ['TCP'],
            }),
          })
          .meta({ description: 'An endpoint port.' }),
      )
      .optional()
      .meta({ description: 'Endpoint ports; default one per Service port, at its numeric targetPort.' }),
    endpoints: z.array(EndpointShorthand).meta({ description: 'The endpoints.' }),
  })
  .meta({
    description: 'The endpoints of one Service in shorthand (becomes one EndpointSlice).',
    examples: [{ service: 'default/demo-svc', endpoints: [{ address: '10.244.1.7', node: 'node-a1' }] }],
  });

/** Compact entries: a full Kubernetes object when `apiVersion`, `kind` or `metadata` is present, else the shorthand. */
function objectOrShorthand<O extends z.ZodType, S extends z.ZodType>(object: O, shorthand: S) {
  return z.preprocess(
    (value, ctx) => {
      const schema =
        isRecord(value) && ('apiVersion' in value || 'kind' in value || 'metadata' in value) ? object : shorthand;
      const result = schema.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
      return value;
    },
    z.union([object, shorthand]),
  );
}

// ---------------------------------------------------------------------------------------------------
// The `cluster` field

const ClusterSnapshotObject = z
  .strictObject({
    apiVersion: z.literal('v1').optional().meta({ description: 'List form: v1.' }),
    kind: z.literal('List').optional().meta({ description: 'List form: List.' }),
    metadata: z.looseObject({}).optional().meta({ description: 'List form: list metadata (ignored).' }),
    items: z.array(ListItem).optional().meta({
      description:
        'List form: the objects kubectl printed. Node, Service and EndpointSlice are read; legacy Endpoints only for a Service without EndpointSlices; Pods and other kinds are ignored.',
    }),
    nodes: z
      .array(objectOrShorthand(NodeObject, NodeShorthand))
      .optional()
      .meta({ description: 'Compact form: Node objects or node shorthands.' }),
    services: z
      .array(objectOrShorthand(ServiceObject, ServiceShorthand))
      .optional()
      .meta({ description: 'Compact form: Service objects or Service shorthands.' }),
    endpointSlices: z
      .array(objectOrShorthand(EndpointSliceObject, EndpointsShorthand))
      .optional()
      .meta({ description: 'Compact form: EndpointSlice objects or endpoint-set shorthands.' }),
  })
  .superRefine((snapshot, ctx) => {
    if (snapshot.items !== undefined) {
      for (const key of ['nodes', 'services', 'endpointSlices'] as const) {
        if (snapshot[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              'a snapshot is either a List (items) or the compact form (nodes, services, endpointSlices), not both',
          });
        }
      }
    } else if (snapshot.apiVersion !== undefined || snapshot.kind !== undefined || snapshot.metadata !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'a List needs items' });
    }
  });

/**
 * A small compact snapshot. zod leaves `examples` out of the input JSON Schema of any schema that contains
 * a transform (as this one does), so the OpenAPI document can only show it as a request-body example.
 */
export const CLUSTER_SNAPSHOT_EXAMPLE = {
  nodes: [
    { name: 'node-a1', zone: 'eu-central-1a', cpu: 4, ip: '10.0.1.11' },
    { name: 'node-b1', zone: 'eu-central-1b', cpu: 4, ip: '10.0.2.11' },
  ],
  services: [{ name: 'demo-svc', clusterIP: '10.96.12.34', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }],
  endpointSlices: [
    {
      service: 'default/demo-svc',
      endpoints: [
        { address: '10.244.1.7', node: 'node-a1' },
        { address: '10.244.3.7', node: 'node-b1' },
      ],
    },
  ],
};

/**
 * The scenario's `cluster` field. A bare array is read as a List's items (a YAML multi-document
 * stream), so its error paths name `items[i]`.
 */
export const ClusterSnapshot = z
  .preprocess((value) => (Array.isArray(value) ? { items: value } : value), ClusterSnapshotObject)
  .meta({
    description:
      'The cluster snapshot: the output of `kubectl get nodes,services,endpointslices -A -o json` (a v1 List, or its items as an array), or the compact form { nodes, services, endpointSlices } whose elements are Kubernetes objects or shorthands.',
    examples: [CLUSTER_SNAPSHOT_EXAMPLE],
  });

export type ClusterSnapshot = z.output<typeof ClusterSnapshot>;
export type ListItemValue = NonNullable<z.output<typeof ListItem>>;
export type NodeObjectValue = z.output<typeof NodeObject>;
export type NodeShorthandValue = z.output<typeof NodeShorthand>;
export type ServiceObjectValue = z.output<typeof ServiceObject>;
export type ServiceShorthandValue = z.output<typeof ServiceShorthand>;
export type EndpointSliceObjectValue = z.output<typeof EndpointSliceObject>;
export type EndpointsShorthandValue = z.output<typeof EndpointsShorthand>;
export type LegacyEndpointsValue = Extract<ListItemValue, { kind: 'Endpoints' }>;
