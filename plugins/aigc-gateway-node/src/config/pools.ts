import { z } from 'zod';
import { slugSchema, configNumber } from './primitives';
import { KubernetesPlacement, kubernetesPlacementSchema } from './runtimeSpecs';
import { ReleaseWindow, releaseWindowSchema } from './templates';

/**
 * A pool of GPUs that instances share, with its price.
 *
 * @public
 */
export interface GpuPool {
  id: string;
  title: string;
  gpuType: string;
  gpusPerInstance: number;
  gpuMemoryGiB?: number;
  /** Price of one GPU-hour. */
  pricePerHour: number;
  /** Later prices, each from its effective time on; usage intervals keep the price at their start. */
  priceChanges: Array<{ from: string; pricePerHour: number }>;
  /** Local runtime: how many instances may run at once. */
  capacity?: number;
  /** Kubernetes runtime: node selection and resource names. */
  kubernetes: KubernetesPlacement;
  /** Idle instances in this pool are released after this long (overrides `aigcGateway.idle`). */
  idleTimeoutMinutes?: number;
  releaseWindows: ReleaseWindow[];
}

/** @public */
export const gpuPoolSchema: z.ZodType<GpuPool, z.ZodTypeDef, unknown> = z
  .object({
    id: slugSchema,
    title: z.string().min(1),
    gpuType: z.string().min(1),
    gpusPerInstance: configNumber(z.number().positive()).default(1),
    gpuMemoryGiB: configNumber(z.number().positive()).optional(),
    pricePerHour: configNumber(z.number().nonnegative()),
    priceChanges: z
      .array(
        z
          .object({
            from: z.string().datetime({ offset: true }),
            pricePerHour: configNumber(z.number().nonnegative()),
          })
          .strict(),
      )
      .default([]),
    capacity: configNumber(z.number().int().nonnegative()).optional(),
    kubernetes: kubernetesPlacementSchema.default({}),
    idleTimeoutMinutes: configNumber(z.number().positive()).optional(),
    releaseWindows: z.array(releaseWindowSchema).default([]),
  })
  .strict();
