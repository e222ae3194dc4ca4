import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { InstanceRecord } from '../store/InstanceStore';
import { isInstanceOwner } from './rules';

const applyConditions = createConditionAuthorizer([isInstanceOwner]);

/**
 * Checks a resource permission on a loaded instance. Conditional decisions
 * (IS_OWNER) are evaluated here against the instance, not by a round trip.
 */
export async function isAllowedOnInstance(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: ResourcePermission,
  instance: InstanceRecord,
): Promise<boolean> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return applyConditions(decision, instance);
  }
  return decision.result === AuthorizeResult.ALLOW;
}

/**
 * Like isAllowedOnInstance, but throws: 404 when the caller may not even see
 * the instance (no hint that it exists), 403 when they may see but not act.
 */
export async function authorizeInstance(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: ResourcePermission,
  instance: InstanceRecord,
  readPermission: ResourcePermission,
): Promise<void> {
  if (!(await isAllowedOnInstance(permissions, credentials, readPermission, instance))) {
    throw new NotFoundError(`instance ${instance.id} does not exist`);
  }
  if (
    permission !== readPermission &&
    !(await isAllowedOnInstance(permissions, credentials, permission, instance))
  ) {
    throw new NotAllowedError(`you may not ${permission.attributes.action} instance ${instance.id}`);
  }
}
