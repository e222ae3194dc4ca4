import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  computeStates,
  PoolListResponse,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { instancePricePerHour, priceAt } from '../cost/priceBook';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import {
  GatewayClock,
  GpuPool,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

export function poolsRouter(deps: {
  store: InstanceStore;
  definitions: () => Definitions;
  currency: string;
  clock: GatewayClock;
  httpAuth: HttpAuthService;
  /** Live room per pool, when the runtime sees it (Kubernetes nodes). */
  poolSlots: (pool: GpuPool) => number | undefined;
}): express.Router {
  const router = Router();
  router.get('/pools', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [used, queued] = await Promise.all([
      deps.store.countByPool(computeStates),
      deps.store.countByPool(['queued']),
    ]);
    const now = deps.clock.now();
    const body: PoolListResponse = {
      items: [...deps.definitions().pools.values()].map(pool => {
        const inUse = used.get(pool.id) ?? 0;
        const total =
          deps.poolSlots(pool) ?? pool.capacity ?? Math.max(inUse, 0);
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
      }),
    };
    res.json(body);
  });
  return router;
}
