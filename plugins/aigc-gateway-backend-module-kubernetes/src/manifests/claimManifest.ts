import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY } from './labels';
import { claimName } from './names';

/**
 * A data volume's claim. It has no owner: it outlives the instance's pods
 * and is only removed by an explicit delete of the volume.
 */
export function claimManifest(
  volumeId: string,
  options: { namespace: string; volumeSize: string; storageClass?: string },
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(volumeId),
      namespace: options.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.volume]: volumeId },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(options.storageClass
        ? { storageClassName: options.storageClass }
        : {}),
      resources: { requests: { storage: options.volumeSize } },
    },
  };
}
