import { LABELS, MANAGED_BY } from './labels';

export const SNAPSHOT_API = {
  group: 'snapshot.storage.k8s.io',
  version: 'v1',
  plural: 'volumesnapshots',
} as const;

/** The snapshot of a volume's claim taken before a migration. */
export function snapshotManifest(options: {
  name: string;
  namespace: string;
  volumeId: string;
  claimName: string;
  snapshotClass: string;
}) {
  return {
    apiVersion: `${SNAPSHOT_API.group}/${SNAPSHOT_API.version}`,
    kind: 'VolumeSnapshot',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.volume]: options.volumeId,
        [LABELS.role]: 'backup',
      },
    },
    spec: {
      volumeSnapshotClassName: options.snapshotClass,
      source: { persistentVolumeClaimName: options.claimName },
    },
  };
}
