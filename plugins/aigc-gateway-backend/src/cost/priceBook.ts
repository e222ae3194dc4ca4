import { GpuPool } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * The price of one GPU-hour in a pool at a moment: the latest price change
 * in effect by then, else the pool's base price. A usage interval records
 * this at its start and keeps it (a change applies to intervals that start
 * after it), so a report never depends on when it is run.
 */
export function priceAt(
  pool: Pick<GpuPool, 'pricePerHour' | 'priceChanges'>,
  at: Date,
): number {
  let price = pool.pricePerHour;
  let since = -Infinity;
  for (const change of pool.priceChanges ?? []) {
    const from = Date.parse(change.from);
    if (from <= at.getTime() && from >= since) {
      price = change.pricePerHour;
      since = from;
    }
  }
  return price;
}

/** What one instance in the pool costs per hour: shared-GPU instances pay their fraction. */
export function instancePricePerHour(
  pool: Pick<GpuPool, 'pricePerHour' | 'priceChanges' | 'gpusPerInstance'>,
  at: Date,
) {
  return priceAt(pool, at) * pool.gpusPerInstance;
}
