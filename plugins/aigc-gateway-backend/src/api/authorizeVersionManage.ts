import express from 'express';
import {
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { versionManagePermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayConfig } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Version changes and rollouts are for holders of
 * `aigc-gateway.version.manage` who are also members of an admin group
 * (unless `versionManagement.adminGroupsOnly` is false): a version decides
 * what runs for every user of an engine, so a policy that allows everything
 * must not hand that to everyone. Returns the caller's user ref.
 */
export async function authorizeVersionManage(
  deps: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    userInfo: UserInfoService;
    gatewayConfig: GatewayConfig;
  },
  req: express.Request,
  what: string,
): Promise<string> {
  const credentials = await deps.httpAuth.credentials(req, { allow: ['user'] });
  const [decision] = await deps.permissions.authorize(
    [{ permission: versionManagePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${what} needs the aigc-gateway.version.manage permission`,
    );
  }
  const { adminGroups, versionManagement } = deps.gatewayConfig;
  if (versionManagement.adminGroupsOnly) {
    const { ownershipEntityRefs } = await deps.userInfo.getUserInfo(
      credentials,
    );
    if (!ownershipEntityRefs.some(ref => adminGroups.includes(ref)))
      throw new NotAllowedError(
        `${what} needs membership of an admin group (aigcGateway.adminGroups: ${
          adminGroups.join(', ') || 'none'
        })`,
      );
  }
  return credentials.principal.userEntityRef;
}
