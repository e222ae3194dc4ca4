import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLaunchInstanceAction } from './actions/launchInstance';
import { createReleaseInstanceAction } from './actions/releaseInstance';
import { createCreateVersionAction } from './actions/createVersion';
import { GatewayClient } from './GatewayClient';

/**
 * Adds the AIGC Gateway's actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleAigcGateway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'aigc-gateway',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolder, auth, discovery }) {
        const client = new GatewayClient({ auth, discovery });
        scaffolder.addActions(
          createLaunchInstanceAction({ client }),
          createReleaseInstanceAction({ client }),
          createCreateVersionAction({ client }),
        );
      },
    });
  },
});
