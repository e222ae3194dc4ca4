import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DEFINITIONS_CHANGED_TOPIC,
  INSTANCES_CHANGED_TOPIC,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { AigcGatewayEntityProvider } from './provider/AigcGatewayEntityProvider';

/**
 * Adds the AIGC Gateway entity provider to the catalog: a full refresh on a
 * schedule (`catalog.providers.aigcGateway.schedule`, default every 5
 * minutes) and within seconds of any instance change the gateway announces.
 *
 * @public
 */
export const catalogModuleAigcGateway = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'aigc-gateway',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        auth,
        discovery,
        logger,
        scheduler,
        lifecycle,
        events,
      }) {
        const provider = new AigcGatewayEntityProvider({
          auth,
          discovery,
          logger,
          appBaseUrl: config.getString('app.baseUrl'),
          // Pools have no owner of their own: the first admin group runs them.
          poolOwner:
            config.getOptionalStringArray('aigcGateway.adminGroups')?.[0] ??
            'group:default/aigc-admins',
        });
        catalog.addEntityProvider(provider);
        const scheduleConfig = config.getOptionalConfig(
          'catalog.providers.aigcGateway.schedule',
        );
        await scheduler.scheduleTask({
          id: 'aigc-gateway-catalog-refresh',
          ...(scheduleConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                scheduleConfig,
              )
            : {
                frequency: { minutes: 5 },
                timeout: { minutes: 1 },
                initialDelay: { seconds: 5 },
              }),
          fn: async () => {
            try {
              await provider.refresh();
            } catch (error) {
              // Not left until the next scheduled run.
              provider.refreshSoon(5_000);
              throw error;
            }
          },
        });
        await events.subscribe({
          id: 'catalog-aigc-gateway',
          topics: [INSTANCES_CHANGED_TOPIC, DEFINITIONS_CHANGED_TOPIC],
          onEvent: async () => provider.refreshSoon(),
        });
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
