import type { V1Node, V1Pod, V1Toleration } from '@kubernetes/client-node';
import { GpuPool } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { gpuRequest } from '../manifests/gpuRequest';
import { parseQuantity } from './quantity';
import { tolerates } from './tolerates';

/** What a pod asks of one resource: its containers together, or its largest init container. */
export function podRequest(pod: V1Pod, resource: string): number {
  const of = (c: {
    resources?: {
      requests?: Record<string, string>;
      limits?: Record<string, string>;
    };
  }) =>
    // Extended resources cannot overcommit: a limit alone is also the request.
    parseQuantity(
      c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource],
    );
  const containers = (pod.spec?.containers ?? []).reduce(
    (sum, c) => sum + of(c),
    0,
  );
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(of));
  return (
    Math.max(containers, init) + parseQuantity(pod.spec?.overhead?.[resource])
  );
}

function matchesSelector(
  node: V1Node,
  selector: Record<string, string>,
): boolean {
  const labels = node.metadata?.labels ?? {};
  return Object.entries(selector).every(
    ([key, value]) => labels[key] === value,
  );
}

function schedulable(node: V1Node): boolean {
  const ready =
    node.status?.conditions?.find(c => c.type === 'Ready')?.status === 'True';
  return ready && !node.spec?.unschedulable;
}

/** Pods that hold their resources: bound to a node and not finished. */
function holds(pod: V1Pod): boolean {
  return (
    Boolean(pod.spec?.nodeName) &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/**
 * How many instances of the pool fit at once, counting the pool's own
 * instances as room (the lifecycle subtracts those itself): for each node
 * the pool may use, what the node allocates of the pool's resource, less
 * what other pods on it request (other workloads, instances of other
 * pools), in whole instances.
 */
export function poolSlots(
  pool: GpuPool,
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  isInstanceOfPool: (pod: V1Pod) => boolean,
): number {
  const { resource, amount } = gpuRequest(pool);
  const taken = new Map<string, number>();
  for (const pod of pods) {
    if (!holds(pod) || isInstanceOfPool(pod)) continue;
    const node = pod.spec!.nodeName!;
    taken.set(node, (taken.get(node) ?? 0) + podRequest(pod, resource));
  }
  const tolerations = pool.kubernetes.tolerations as V1Toleration[];
  let slots = 0;
  for (const node of nodes) {
    if (
      !matchesSelector(node, pool.kubernetes.nodeSelector) ||
      !schedulable(node)
    )
      continue;
    if (!tolerates(tolerations, node.spec?.taints)) continue;
    const allocatable = parseQuantity(node.status?.allocatable?.[resource]);
    const free = allocatable - (taken.get(node.metadata?.name ?? '') ?? 0);
    slots += Math.max(0, Math.floor(free / amount));
  }
  return slots;
}
