import {
  computeStates,
  PoolView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  GatewayClock,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { instancePricePerHour, priceAt } from '../cost/priceBook';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';

/** Every pool with its price now and its capacity: total, used, free and queued. */
export async function poolViews(deps: {
  store: InstanceStore;
  definitions: () => Definitions;
  currency: string;
  clock: GatewayClock;
  /** Live room per pool, when the runtime sees it (Kubernetes nodes). */
  poolSlots: (pool: GpuPool) => number | undefined;
}): Promise<PoolView[]> {
  const [used, queued] = await Promise.all([
    deps.store.countByPool(computeStates),
    deps.store.countByPool(['queued']),
  ]);
  const now = deps.clock.now();
  return [...deps.definitions().pools.values()].map(pool => {
    const inUse = used.get(pool.id) ?? 0;
    const total = deps.poolSlots(pool) ?? pool.capacity ?? Math.max(inUse, 0);
    return {
      id: pool.id,
      title: pool.title,
      gpuType: pool.gpuType,
      gpusPerInstance: pool.gpusPerInstance,
      gpuMemoryGiB: pool.gpuMemoryGiB,
      pricePerHour: priceAt(pool, now),
      instancePricePerHour: instancePricePerHour(pool, now),
      currency: deps.currency,
      capacity: {
        total,
        used: inUse,
        free: Math.max(total - inUse, 0),
        queued: queued.get(pool.id) ?? 0,
      },
    };
  });
}
