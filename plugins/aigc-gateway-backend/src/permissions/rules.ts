import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { AIGC_INSTANCE_RESOURCE_TYPE } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { InstanceRecord } from '../store/InstanceStore';

/**
 * Conditions on instances, as a database filter.
 *
 * @public
 */
export type InstanceQuery = { ownerRefs: string[] };

export const instanceResourceRef = createPermissionResourceRef<
  InstanceRecord,
  InstanceQuery
>().with({
  pluginId: 'aigc-gateway',
  resourceType: AIGC_INSTANCE_RESOURCE_TYPE,
});

/** IS_OWNER: the instance's owner is one of the given entity refs. */
/** claims: entity refs, e.g. the user and their groups. */
/** @public */
export type IsOwnerParams = { claims: string[] };

export const isInstanceOwner = createPermissionRule<
  typeof instanceResourceRef,
  IsOwnerParams
>({
  name: 'IS_OWNER',
  description:
    'Allow instances owned by one of the given entity refs (the user)',
  resourceRef: instanceResourceRef,
  apply: (instance, { claims }) => claims.includes(instance.ownerRef),
  toQuery: ({ claims }) => ({ ownerRefs: claims }),
});

export const instanceRules = { isInstanceOwner };

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: instanceResourceRef,
  rules: instanceRules,
});

/**
 * The instance conditions for permission policies:
 * `createInstanceConditionalDecision(permission, instanceConditions.isInstanceOwner({ claims }))`.
 *
 * @public
 */
export const instanceConditions = conditions;

/**
 * A conditional decision on instance permissions, from `instanceConditions`.
 *
 * @public
 */
export const createInstanceConditionalDecision = createConditionalDecision;
