import { GpuPool } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** The extended resource one instance of a pool asks for, and how much. */
export interface GpuRequest {
  resource: string;
  amount: number;
  /** For reasons: "a GPU" or "GPU memory". */
  what: string;
}

/**
 * Whole GPUs (`gpuResource` × `gpusPerInstance`) or, on a shared-GPU pool,
 * GPU memory (`gpuMemoryResource` × `gpuMemoryGiB`). Extended resources
 * count in whole units, so a fraction is a configuration error.
 */
export function gpuRequest(pool: GpuPool): GpuRequest {
  const placement = pool.kubernetes;
  if (placement.gpuMemoryResource) {
    const amount = pool.gpuMemoryGiB;
    if (amount === undefined || !Number.isInteger(amount)) {
      throw new Error(
        `pool ${pool.id} shares GPUs by ${
          placement.gpuMemoryResource
        }, so it needs a whole gpuMemoryGiB (has ${amount ?? 'none'})`,
      );
    }
    return {
      resource: placement.gpuMemoryResource,
      amount,
      what: 'GPU memory',
    };
  }
  if (!Number.isInteger(pool.gpusPerInstance)) {
    throw new Error(
      `pool ${pool.id} asks for ${pool.gpusPerInstance} ${placement.gpuResource}, but whole GPUs only count in whole numbers; give the pool a kubernetes.gpuMemoryResource to share GPUs`,
    );
  }
  return {
    resource: placement.gpuResource,
    amount: pool.gpusPerInstance,
    what: 'a GPU',
  };
}
