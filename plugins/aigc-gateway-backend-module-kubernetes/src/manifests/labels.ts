import { createHash } from 'node:crypto';
import { catalogNames } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** Labels and annotations the gateway puts on its objects, and reads back after a restart. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  instance: 'aigc-gateway.io/instance',
  template: 'aigc-gateway.io/template',
  version: 'aigc-gateway.io/version',
  pool: 'aigc-gateway.io/pool',
  volume: 'aigc-gateway.io/volume',
  ownerHash: 'aigc-gateway.io/owner-hash',
  /** What a volume's other objects are for: `migration` Jobs and `backup` snapshots. */
  role: 'aigc-gateway.io/role',
  /** What Backstage's Kubernetes tab matches an entity's objects by. */
  kubernetesId: 'backstage.io/kubernetes-id',
} as const;

export const ANNOTATIONS = {
  /** Label values cannot hold every version string (`+`, 64 characters), so the exact one is here. */
  version: 'aigc-gateway.io/version',
  /** The pool's title, for scheduling reasons after a restart of the backend. */
  poolTitle: 'aigc-gateway.io/pool-title',
  /** On a claim restored from a snapshot: the snapshot, kept until the volume is deleted. */
  restoredFrom: 'aigc-gateway.io/restored-from',
} as const;

export const MANAGED_BY = 'aigc-gateway';
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/** The catalog entity of an instance is `aigc-instance-<id>`; its objects carry the same id. */
export function kubernetesId(instanceId: string): string {
  return catalogNames.instance(instanceId);
}

/**
 * A label value from any string: characters a label may not hold become
 * `_`, and it is cut to 63 characters, starting and ending alphanumeric.
 */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The owner as a label: a hash, so user names never show in the cluster. */
export function ownerHash(ownerRef: string): string {
  return createHash('sha256').update(ownerRef).digest('hex').slice(0, 16);
}
