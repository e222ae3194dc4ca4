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
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  pickerNames,
  PoolPicker,
  TemplatePicker,
  VersionPicker,
} from './components/ScaffolderFields';

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
        import('./components/Cost/EntityCostContent').then(
          m => m.EntityCostContent,
        ),
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
        import('./components/EntityEngine/EntityEngineContent').then(
          m => m.EntityEngineContent,
        ),
    },
  }),
);

/**
 * Scaffolder pickers for legacy apps, inside `<ScaffolderFieldExtensions>`:
 * `ui:field: AigcTemplatePicker`, `AigcVersionPicker` and `AigcPoolPicker`
 * (the latter two follow the `templateId` and `version` fields, or those
 * named in `ui:options.templateField` / `versionField`).
 *
 * @public
 */
export const AigcTemplatePickerFieldExtension = aigcGatewayPlugin.provide(
  createScaffolderFieldExtension({
    name: pickerNames.template,
    component: TemplatePicker,
  }),
);

/** @public */
export const AigcVersionPickerFieldExtension = aigcGatewayPlugin.provide(
  createScaffolderFieldExtension({
    name: pickerNames.version,
    component: VersionPicker,
  }),
);

/** @public */
export const AigcPoolPickerFieldExtension = aigcGatewayPlugin.provide(
  createScaffolderFieldExtension({
    name: pickerNames.pool,
    component: PoolPicker,
  }),
);
