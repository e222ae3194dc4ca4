import type { V1Job, V1PodSpec } from '@kubernetes/client-node';
import {
  EngineVersion,
  Migration,
  RuntimeVolume,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { LABELS, MANAGED_BY } from './labels';
import { mergePodSpec } from './mergePodSpec';
import { substitute } from './substitute';

/**
 * The Job that runs one migration on a volume: its claim mounted where the
 * target version mounts it, no retries (a failure is undone, not retried
 * half-way), and a deadline after which the control plane fails it.
 */
export function migrationJobManifest(options: {
  name: string;
  namespace: string;
  volume: RuntimeVolume;
  migration: Migration;
  target: EngineVersion;
  defaultTimeoutSeconds: number;
}): V1Job {
  const { volume, migration, target } = options;
  const spec = migration.kubernetes;
  if (!spec) {
    throw new Error(
      `the migration from layout ${migration.fromLayout} to ${migration.toLayout} has no kubernetes Job spec`,
    );
  }
  const mountPath = target.runtime.kubernetes?.mountPath ?? '/data';
  const vars = { dataDir: mountPath, version: target.version };
  const labels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.volume]: volume.id,
    [LABELS.role]: 'migration',
  };
  const podSpec: V1PodSpec = {
    restartPolicy: 'Never',
    containers: [
      {
        name: 'migrate',
        image: spec.image,
        ...(spec.command
          ? { command: spec.command.map(c => substitute(c, vars)) }
          : {}),
        args: spec.args.map(a => substitute(a, vars)),
        env: [
          ...Object.entries(spec.env).map(([name, value]) => ({
            name,
            value: substitute(value, vars),
          })),
          { name: 'DATA_DIR', value: mountPath },
          { name: 'FROM_LAYOUT', value: String(migration.fromLayout) },
          { name: 'TO_LAYOUT', value: String(migration.toLayout) },
          { name: 'TARGET_VERSION', value: target.version },
        ],
        volumeMounts: [{ name: 'data', mountPath }],
      },
    ],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: volume.runtimeRef } },
    ],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name, namespace: options.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds:
        spec.timeoutSeconds ?? options.defaultTimeoutSeconds,
      template: {
        metadata: { labels },
        spec: mergePodSpec(podSpec, spec.podSpecPatch),
      },
    },
  };
}
