// Which Service port of the snapshot the scenario's traffic is sent to (the scenario's `target` field).

import type { Cluster, Service, ServicePort } from './cluster.js';
import { serviceKey } from './cluster.js';
import { listNames } from './errors.js';
import { SnapshotError } from './ingest.js';

export interface TargetSpec {
  /** "namespace/name", or a bare name that must be unique across namespaces. Default: the only Service. */
  service?: string;
  /** Port name, or Service port number (`spec.ports[].port`, not targetPort). Default: the first port. */
  port?: string | number;
}

export interface ResolvedTarget {
  service: Service;
  port: ServicePort;
}

function fail(path: 'target.service' | 'target.port', message: string): never {
  throw new SnapshotError([{ path, message }]);
}

function describePort(p: ServicePort): string {
  const target = p.targetPort === p.port ? '' : ` -> ${p.targetPort}`;
  return `${p.name === '' ? '(unnamed)' : p.name} ${p.port}/${p.protocol}${target}`;
}

function findService(services: readonly Service[], ref: string | undefined): Service {
  const keys = services.map(serviceKey);
  if (ref === undefined) {
    const only = services.length === 1 ? services[0] : undefined;
    if (only !== undefined) return only;
    return fail(
      'target.service',
      services.length === 0
        ? 'the snapshot has no Services'
        : `the snapshot has ${services.length} Services; name one as namespace/name: ${listNames(keys)}`,
    );
  }
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const found = services.find((s) => serviceKey(s) === ref);
    if (found !== undefined) return found;
    const name = ref.slice(slash + 1);
    const elsewhere = services.filter((s) => s.name === name).map(serviceKey);
    return fail(
      'target.service',
      elsewhere.length > 0
        ? `no Service "${ref}"; a Service of that name exists as ${listNames(elsewhere)}`
        : `no Service "${ref}" in the snapshot; its Services: ${listNames(keys)}`,
    );
  }
  const candidates = services.filter((s) => s.name === ref);
  const only = candidates.length === 1 ? candidates[0] : undefined;
  if (only !== undefined) return only;
  if (candidates.length > 1)
    return fail(
      'target.service',
      `"${ref}" names a Service in several namespaces (${listNames(candidates.map(serviceKey))}); write namespace/name`,
    );
  return fail(
    'target.service',
    services.length === 0
      ? `no Service "${ref}": the snapshot has no Services`
      : `no Service named "${ref}" in any namespace; the snapshot's Services: ${listNames(keys)}`,
  );
}

function findPort(service: Service, ref: string | number | undefined): ServicePort {
  const key = serviceKey(service);
  const ports = service.ports;
  const list = listNames(ports.map(describePort));
  const first = ports[0];
  if (first === undefined) return fail('target.port', `Service "${key}" has no ports`);
  if (ref === undefined) return first;
  // A port name must contain a letter (IANA_SVC_NAME), so a string of digits can only mean a number.
  const number = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined;
  if (number === undefined) {
    const named = ports.find((p) => p.name === ref);
    return named ?? fail('target.port', `Service "${key}" has no port named "${ref}"; its ports: ${list}`);
  }
  // By Service port (`spec.ports[].port`), the port clients dial on the cluster IP; targetPort is the
  // endpoints' side and may repeat across ports or be a name.
  const matches = ports.filter((p) => p.port === number);
  const only = matches.length === 1 ? matches[0] : undefined;
  if (only !== undefined) return only;
  if (matches.length > 1)
    return fail(
      'target.port',
      `Service "${key}" has port ${number} for several protocols (${listNames(matches.map(describePort))}); name the port`,
    );
  const byTarget = ports.filter((p) => p.targetPort === number);
  const hint =
    byTarget.length > 0
      ? ` (${number} is the targetPort of ${listNames(byTarget.map(describePort))}; target.port takes the Service port)`
      : '';
  return fail('target.port', `Service "${key}" has no port ${number}${hint}; its ports: ${list}`);
}

/**
 * The Service port the scenario targets. Errors name what exists. kube-proxy programs nothing for a
 * headless or ExternalName Service (ShouldSkipService in pkg/proxy/util), so neither can be a target.
 */
export function resolveTarget(cluster: Cluster, target: TargetSpec = {}): ResolvedTarget {
  const service = findService(cluster.services, target.service);
  if (service.type === 'ExternalName')
    fail(
      'target.service',
      `Service "${serviceKey(service)}" is an ExternalName Service: kube-proxy programs no rules for it`,
    );
  if (service.clusterIPs.length === 0)
    fail(
      'target.service',
      `Service "${serviceKey(service)}" is headless (clusterIP None): kube-proxy programs no rules for it`,
    );
  return { service, port: findPort(service, target.port) };
}
