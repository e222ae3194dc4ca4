import { z } from 'zod';

/**
 * How the Kubernetes runtime runs a version: the engine's container and its volume mount.
 *
 * @public
 */
export const kubernetesRuntimeSpecSchema = z
  .object({
    image: z.string().min(1),
    /** The container's entrypoint; the image's own when left out. */
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string()).default({}),
    port: z.number().int().min(1).max(65535).default(7860),
    readinessPath: z.string().startsWith('/').default('/'),
    /** Where the instance's volume is mounted in the container. */
    mountPath: z.string().startsWith('/').default('/data'),
    /** Merged into the pod spec, for what the fields above do not cover. */
    podSpecPatch: z.record(z.unknown()).optional(),
  })
  .strict();

/**
 * A migration on Kubernetes: a Job that mounts the volume at the target
 * version's mount path (`${dataDir}`, also `DATA_DIR`).
 *
 * @public
 */
export const kubernetesMigrationSpecSchema = z
  .object({
    image: z.string().min(1),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string()).default({}),
    /** The Job fails when it has run this long; the runtime's `migrationTimeoutSeconds` when left out. */
    timeoutSeconds: z.number().int().min(1).optional(),
    /** Merged into the Job's pod spec (node selector, resources, service account …). */
    podSpecPatch: z.record(z.unknown()).optional(),
  })
  .strict();

/**
 * Where a pool's instances go in the cluster, and what they ask for.
 *
 * @public
 */
export const kubernetesPlacementSchema = z
  .object({
    nodeSelector: z.record(z.string()).default({}),
    tolerations: z.array(z.record(z.unknown())).default([]),
    /** The extended resource of whole GPUs, one per `gpusPerInstance`. */
    gpuResource: z.string().default('nvidia.com/gpu'),
    /** For shared GPUs: the extended resource of GPU memory in GiB, one per `gpuMemoryGiB`. */
    gpuMemoryResource: z.string().optional(),
  })
  .strict();

/** @public */
export type KubernetesRuntimeSpec = z.infer<typeof kubernetesRuntimeSpecSchema>;
/** @public */
export type KubernetesMigrationSpec = z.infer<
  typeof kubernetesMigrationSpecSchema
>;
/** @public */
export type KubernetesPlacement = z.infer<typeof kubernetesPlacementSchema>;
