/*
 * The portal's backend: Backstage's core plugins plus the AIGC Gateway suite.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionPolicyModule } from './modules/permissionPolicy';
import { productionGuardPlugin } from './modules/productionGuard';

const backend = createBackend();

// A production start without its secrets, or with development sign-in left reachable, stops here.
backend.add(productionGuardPlugin);

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: Backstage's OIDC module against the configured OpenID provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
// aigc:instance:launch and aigc:instance:release, on behalf of the user.
backend.add(
  import(
    '@aigc-gateway/backstage-plugin-scaffolder-backend-module-aigc-gateway'
  ),
);

backend.add(import('@backstage/plugin-permission-backend'));
// Users own their instances; members of aigcGateway.adminGroups manage everything.
backend.add(permissionPolicyModule);

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

backend.add(import('@aigc-gateway/backstage-plugin-aigc-gateway-backend'));
// The gateway's actions (backend.actions.pluginSources) as MCP tools for AI assistants.
backend.add(import('@backstage/plugin-mcp-actions-backend'));
// Engines as processes on this host, from the programs under aigcGateway.runtime.local.engines.
backend.add(
  import('@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local'),
);
// Engines on a Kubernetes cluster, when aigcGateway.runtime.kubernetes is configured.
backend.add(
  import(
    '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-kubernetes'
  ),
);
// Engine templates, versions, pools and instances in the catalog.
backend.add(
  import('@aigc-gateway/backstage-plugin-catalog-backend-module-aigc-gateway'),
);

// A backend that cannot start exits, so its supervisor (Kubernetes, systemd)
// sees it fail: Backstage only logs the rejection and keeps answering 503.
backend.start().catch(error => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
