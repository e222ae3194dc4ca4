import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { CostDimension } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { CostReport } from './CostReport';
import { costBreakdownsOf } from './entityCost';

/**
 * The "AIGC cost" tab of an entity page: a user's instances, a group's
 * members, an engine's or version's instances, a pool's or one instance.
 */
export const EntityCostContent = () => {
  const { entity } = useEntity();
  const breakdowns: CostDimension[] = costBreakdownsOf(entity) ?? [];
  return (
    <CostReport
      entityRef={stringifyEntityRef(entity)}
      breakdowns={breakdowns}
    />
  );
};
