import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { AIGC_INSTANCE_RESOURCE_TYPE } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  createInstanceConditionalDecision,
  instanceConditions,
} from '../permissions/rules';

/**
 * A permission policy where everyone may launch but reads of instances are
 * conditional on ownership, as in the portal's policy; for
 * `mockServices.permissions.mock(ownersOnlyPolicy)`.
 *
 * @public
 */
export const ownersOnlyPolicy: Pick<
  PermissionsService,
  'authorize' | 'authorizeConditional'
> = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests, { credentials }) =>
    requests.map(r =>
      createInstanceConditionalDecision(
        r.permission as ResourcePermission<typeof AIGC_INSTANCE_RESOURCE_TYPE>,
        instanceConditions.isInstanceOwner({
          claims: [
            (credentials.principal as { userEntityRef: string }).userEntityRef,
          ],
        }),
      ),
    ),
};
