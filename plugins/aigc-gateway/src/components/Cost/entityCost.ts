import { Entity } from '@backstage/catalog-model';
import { CostDimension } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** Spec types the gateway's catalog provider gives its entities (DESIGN §10). */
const ENGINE_TYPES = ['aigc-engine', 'aigc-engine-version'];
const RESOURCE_TYPES = ['aigc-engine-instance', 'gpu-pool'];

/**
 * How an entity's cost breaks down, or undefined when the entity has no
 * AIGC cost: a group by member, a user by engine, an engine by instance.
 */
export function costBreakdownsOf(entity: Entity): CostDimension[] | undefined {
  const type = String(
    (entity.spec as { type?: unknown } | undefined)?.type ?? '',
  );
  switch (entity.kind.toLocaleLowerCase('en-US')) {
    case 'user':
      return ['template', 'pool'];
    case 'group':
      return ['user', 'template'];
    case 'component':
      return ENGINE_TYPES.includes(type) ? ['instance', 'user'] : undefined;
    case 'resource':
      if (type === 'gpu-pool') return ['user', 'template'];
      return RESOURCE_TYPES.includes(type) ? [] : undefined;
    default:
      return undefined;
  }
}

/**
 * For `EntitySwitch` and entity content filters: does this entity have an AIGC cost tab?
 *
 * @public
 */
export const isAigcCostAvailable = (entity: Entity) =>
  costBreakdownsOf(entity) !== undefined;
