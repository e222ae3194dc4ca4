import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  AIGC_INSTANCE_RESOURCE_TYPE,
  instanceCreatePermission,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import {
  createInstanceConditionalDecision,
  instanceConditions,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';

/**
 * What every signed-in user may do besides using their own instances: read
 * the catalog, run software templates, read what the Kubernetes tab shows,
 * launch engines. `kubernetes.proxy` is not among them: it acts on clusters
 * with the Kubernetes plugin's own credentials.
 */
const EVERYONE: ReadonlySet<string> = new Set(
  (
    [
      catalogEntityReadPermission,
      catalogEntityRefreshPermission,
      catalogLocationReadPermission,
      actionExecutePermission,
      templateParameterReadPermission,
      templateStepReadPermission,
      taskCreatePermission,
      taskReadPermission,
      taskCancelPermission,
      kubernetesClustersReadPermission,
      kubernetesResourcesReadPermission,
      instanceCreatePermission,
    ] as Permission[]
  ).map(p => p.name),
);

/**
 * The portal's policy: members of an admin group may do everything; everyone
 * else uses, releases and deletes only the instances they own, and has the
 * permissions in EVERYONE. Anything else is denied, so a permission this
 * policy does not know (a plugin added later, `kubernetes.proxy`, version
 * management, other people's costs) is for admins only.
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
    return {
      result:
        user && EVERYONE.has(request.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    };
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
