import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import MemoryIcon from '@material-ui/icons/Memory';
import { aigcGatewayApiFactory } from './plugin';
import { rootRouteRef } from './routes';
import { isAigcCostAvailable } from './components/Cost/entityCost';
import { isAigcEngine } from './components/EntityEngine/engineEntity';

const gatewayApi = ApiBlueprint.make({
  params: defineParams => defineParams(aigcGatewayApiFactory),
});

const gatewayPage = PageBlueprint.make({
  params: {
    path: '/aigc-gateway',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    title: 'AIGC Gateway',
    icon: <MemoryIcon fontSize="inherit" />,
    loader: () =>
      import('./components/GatewayPage').then(m => <m.GatewayPage />),
  },
});

/** "AIGC cost" on users, groups, engine components and gateway resources. */
const entityCostContent = EntityContentBlueprint.make({
  name: 'cost',
  params: {
    path: 'aigc-cost',
    title: 'AIGC cost',
    filter: isAigcCostAvailable,
    loader: () =>
      import('./components/Cost/EntityCostContent').then(m => (
        <m.EntityCostContent />
      )),
  },
});

/** "Engine" on engine template and version components: launch it, and my instances of it. */
const entityEngineContent = EntityContentBlueprint.make({
  name: 'engine',
  params: {
    path: 'aigc-engine',
    title: 'Engine',
    filter: isAigcEngine,
    loader: () =>
      import('./components/EntityEngine/EntityEngineContent').then(m => (
        <m.EntityEngineContent />
      )),
  },
});

const formFields = () => import('./components/ScaffolderFields/formFields');

/** Scaffolder form fields fed by the gateway: engine templates, versions and pools. */
const templatePicker = FormFieldBlueprint.make({
  name: 'template-picker',
  params: { field: () => formFields().then(m => m.templatePickerField) },
});
const versionPicker = FormFieldBlueprint.make({
  name: 'version-picker',
  params: { field: () => formFields().then(m => m.versionPickerField) },
});
const poolPicker = FormFieldBlueprint.make({
  name: 'pool-picker',
  params: { field: () => formFields().then(m => m.poolPickerField) },
});

/**
 * The AIGC Gateway plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'aigc-gateway',
  title: 'AIGC Gateway',
  icon: <MemoryIcon fontSize="inherit" />,
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [
    gatewayApi,
    gatewayPage,
    entityCostContent,
    entityEngineContent,
    templatePicker,
    versionPicker,
    poolPicker,
  ],
});
