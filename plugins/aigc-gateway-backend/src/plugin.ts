import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readGatewayConfig } from './config/readGatewayConfig';
import { createRouter } from './api/createRouter';

/**
 * The AIGC Gateway backend plugin, served at `/api/aigc-gateway`.
 *
 * @public
 */
export const aigcGatewayPlugin = createBackendPlugin({
  pluginId: 'aigc-gateway',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, logger, httpAuth, httpRouter }) {
        const gatewayConfig = readGatewayConfig(config);
        logger.info(
          `Serving ${gatewayConfig.templates.length} engine template(s) and ${gatewayConfig.pools.length} pool(s) from config`,
        );
        httpRouter.use(createRouter({ gatewayConfig, httpAuth }));
      },
    });
  },
});
