import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of engine instances in the permission framework.
 *
 * @public
 */
export const AIGC_INSTANCE_RESOURCE_TYPE = 'aigc-gateway-instance';

/**
 * Launch a new instance.
 *
 * @public
 */
export const instanceCreatePermission = createPermission({
  name: 'aigc-gateway.instance.create',
  attributes: { action: 'create' },
});

/**
 * See an instance and open its engine through the gateway.
 *
 * @public
 */
export const instanceReadPermission = createPermission({
  name: 'aigc-gateway.instance.read',
  attributes: { action: 'read' },
  resourceType: AIGC_INSTANCE_RESOURCE_TYPE,
});

/**
 * Release, relaunch and keep alive an instance.
 *
 * @public
 */
export const instanceReleasePermission = createPermission({
  name: 'aigc-gateway.instance.release',
  attributes: { action: 'update' },
  resourceType: AIGC_INSTANCE_RESOURCE_TYPE,
});

/**
 * Delete an instance (and, when asked, its data).
 *
 * @public
 */
export const instanceDeletePermission = createPermission({
  name: 'aigc-gateway.instance.delete',
  attributes: { action: 'delete' },
  resourceType: AIGC_INSTANCE_RESOURCE_TYPE,
});

/**
 * Create versions and run rollouts.
 *
 * @public
 */
export const versionManagePermission = createPermission({
  name: 'aigc-gateway.version.manage',
  attributes: { action: 'update' },
});

/**
 * Read everybody's costs (everyone may read their own).
 *
 * @public
 */
export const costReadPermission = createPermission({
  name: 'aigc-gateway.cost.read',
  attributes: { action: 'read' },
});

/** @public */
export const aigcGatewayPermissions = [
  instanceCreatePermission,
  instanceReadPermission,
  instanceReleasePermission,
  instanceDeletePermission,
  versionManagePermission,
  costReadPermission,
];

/** @public */
export const instancePermissions = [
  instanceReadPermission,
  instanceReleasePermission,
  instanceDeletePermission,
];
