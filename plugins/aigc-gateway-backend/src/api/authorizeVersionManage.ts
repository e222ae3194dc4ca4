import express from 'express';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { versionManagePermission } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** Version changes and rollouts are for holders of `aigc-gateway.version.manage`; the caller's user ref. */
export async function authorizeVersionManage(
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
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
  return credentials.principal.userEntityRef;
}
