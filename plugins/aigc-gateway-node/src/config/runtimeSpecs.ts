import { z } from 'zod';
import { LocalEngineRef } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { slugSchema } from './primitives';

/**
 * A version's or migration's local-runtime spec names an engine install that
 * the portal's operators declared under `aigcGateway.runtime.local.engines`;
 * only config says what the portal's host executes.
 *
 * @public
 */
export const localEngineRefSchema: z.ZodType<
  LocalEngineRef,
  z.ZodTypeDef,
  unknown
> = z.object({ engine: slugSchema }).strict();

/** What an engine's container and a migration's Job container both take. */
const containerFields = z.object({
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string()).default({}),
  podSpecPatch: z.record(z.unknown()).optional(),
});

/**
 * How the Kubernetes runtime runs a version: the engine's container and its volume mount.
 *
 * @public
 */
export interface KubernetesRuntimeSpec {
  image: string;
  /** The container's entrypoint; the image's own when left out. */
  command?: string[];
  args: string[];
  env: Record<string, string>;
  port: number;
  readinessPath: string;
  /** Where the instance's volume is mounted in the container. */
  mountPath: string;
  /** Merged into the pod spec, for what the fields above do not cover. */
  podSpecPatch?: Record<string, unknown>;
}

/** @public */
export const kubernetesRuntimeSpecSchema: z.ZodType<
  KubernetesRuntimeSpec,
  z.ZodTypeDef,
  unknown
> = containerFields
  .extend({
    port: z.number().int().min(1).max(65535).default(7860),
    readinessPath: z.string().startsWith('/').default('/'),
    mountPath: z.string().startsWith('/').default('/data'),
  })
  .strict();

/**
 * A migration on Kubernetes: a Job that mounts the volume at the target
 * version's mount path (`${dataDir}`, also `DATA_DIR`).
 *
 * @public
 */
export interface KubernetesMigrationSpec {
  image: string;
  command?: string[];
  args: string[];
  env: Record<string, string>;
  /** The Job fails when it has run this long; the runtime's `migrationTimeoutSeconds` when left out. */
  timeoutSeconds?: number;
  /** Merged into the Job's pod spec (node selector, resources, service account …). */
  podSpecPatch?: Record<string, unknown>;
}

/** @public */
export const kubernetesMigrationSpecSchema: z.ZodType<
  KubernetesMigrationSpec,
  z.ZodTypeDef,
  unknown
> = containerFields
  .extend({ timeoutSeconds: z.number().int().min(1).optional() })
  .strict();

/**
 * Where a pool's instances go in the cluster, and what they ask for.
 *
 * @public
 */
export interface KubernetesPlacement {
  nodeSelector: Record<string, string>;
  tolerations: Array<Record<string, unknown>>;
  /** The extended resource of whole GPUs, one per `gpusPerInstance`. */
  gpuResource: string;
  /** For shared GPUs: the extended resource of GPU memory in GiB, one per `gpuMemoryGiB`. */
  gpuMemoryResource?: string;
}

/** @public */
export const kubernetesPlacementSchema: z.ZodType<
  KubernetesPlacement,
  z.ZodTypeDef,
  unknown
> = z
  .object({
    nodeSelector: z.record(z.string()).default({}),
    tolerations: z.array(z.record(z.unknown())).default([]),
    gpuResource: z.string().default('nvidia.com/gpu'),
    gpuMemoryResource: z.string().optional(),
  })
  .strict();
