import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  AIGC_INSTANCE_RESOURCE_TYPE,
  costReadPermission,
  versionManagePermission,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  createInstanceConditionalDecision,
  instanceConditions,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';

/**
 * The portal's policy: members of an admin group may do everything; everyone
 * else uses, releases and deletes only the instances they own, and may not
 * manage versions or read other people's costs.
 */
export class AigcPortalPolicy implements PermissionPolicy {
  constructor(private readonly adminGroups: string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(request.permission, AIGC_INSTANCE_RESOURCE_TYPE)) {
      return createInstanceConditionalDecision(
        request.permission,
        instanceConditions.isInstanceOwner({
          claims: user ? [user.info.userEntityRef] : [],
        }),
      );
    }
    if (
      request.permission.name === versionManagePermission.name ||
      request.permission.name === costReadPermission.name
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs AigcPortalPolicy; admin groups come from `aigcGateway.adminGroups`. */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'aigc-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new AigcPortalPolicy(
            config.getOptionalStringArray('aigcGateway.adminGroups') ?? [
              'group:default/aigc-admins',
            ],
          ),
        );
      },
    });
  },
});
