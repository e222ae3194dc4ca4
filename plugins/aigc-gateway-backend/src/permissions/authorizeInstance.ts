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
import { instanceReadPermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { InstanceRecord } from '../store/InstanceStore';
import { isInstanceOwner } from './rules';

const applyConditions = createConditionAuthorizer([isInstanceOwner]);

/**
 * Returns a test of `permission` for this caller. Conditional decisions
 * (IS_OWNER) are evaluated here against loaded instances: one policy call,
 * however many instances, and no round trip back to this plugin.
 */
export async function instanceFilter(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: ResourcePermission,
): Promise<(instance: Pick<InstanceRecord, 'ownerRef'>) => boolean> {
  const [decision] = await permissions.authorizeConditional([{ permission }], {
    credentials,
  });
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return instance => applyConditions(decision, instance as InstanceRecord);
  }
  const allowed = decision.result === AuthorizeResult.ALLOW;
  return () => allowed;
}

/**
 * Checks a permission on one instance: 404 when the caller may not even see
 * it (no hint that it exists), 403 when they may see it but not do this.
 */
export async function authorizeInstance(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: ResourcePermission,
  instance: InstanceRecord,
): Promise<void> {
  const mayRead = await instanceFilter(
    permissions,
    credentials,
    instanceReadPermission,
  );
  if (!mayRead(instance)) {
    throw new NotFoundError(`instance ${instance.id} does not exist`);
  }
  if (permission === instanceReadPermission) return;
  const mayDo = await instanceFilter(permissions, credentials, permission);
  if (!mayDo(instance)) {
    throw new NotAllowedError(
      `you may not ${permission.attributes.action} instance ${instance.id}`,
    );
  }
}
