import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { aigcGatewayApiRef } from './api/AigcGatewayApi';
import { AigcGatewayClient } from './api/AigcGatewayClient';
import { rootRouteRef } from './routes';

/** The API factory, shared by the legacy plugin and the new frontend system. */
export const aigcGatewayApiFactory = createApiFactory({
  api: aigcGatewayApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: deps => new AigcGatewayClient(deps),
});

/**
 * The plugin for apps still on the legacy frontend system.
 *
 * @public
 */
export const aigcGatewayPlugin = createPlugin({
  id: 'aigc-gateway',
  apis: [aigcGatewayApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The gateway page for legacy apps: `<Route path="/aigc-gateway" element={<AigcGatewayPage />} />`.
 *
 * @public
 */
export const AigcGatewayPage = aigcGatewayPlugin.provide(
  createRoutableExtension({
    name: 'AigcGatewayPage',
    component: () =>
      import('./components/GatewayPage').then(m => m.GatewayPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The "AIGC cost" entity tab for legacy apps, on users, groups, engine
 * components and gateway resources (see `isAigcCostAvailable`).
 *
 * @public
 */
export const EntityAigcCostContent = aigcGatewayPlugin.provide(
  createComponentExtension({
    name: 'EntityAigcCostContent',
    component: {
      lazy: () =>
        import('./components/Cost/EntityCostContent').then(m => m.EntityCostContent),
    },
  }),
);

/**
 * The "Engine" entity tab for legacy apps, on engine template and version
 * components (see `isAigcEngine`): launch the engine and manage my instances of it.
 *
 * @public
 */
export const EntityAigcEngineContent = aigcGatewayPlugin.provide(
  createComponentExtension({
    name: 'EntityAigcEngineContent',
    component: {
      lazy: () =>
        import('./components/EntityEngine/EntityEngineContent').then(m => m.EntityEngineContent),
    },
  }),
);
