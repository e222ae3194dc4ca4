import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';

/**
 * An instance object's owner: its pod, so the cluster removes the object
 * with the pod. None for a pod a controller has yet to make (OpenKruiseGame);
 * the runtime then deletes the object itself on stop.
 */
export function ownedBy(pod: V1Pod): V1OwnerReference[] | undefined {
  const { name, uid } = pod.metadata ?? {};
  return name && uid
    ? [{ apiVersion: 'v1', kind: 'Pod', name, uid }]
    : undefined;
}
