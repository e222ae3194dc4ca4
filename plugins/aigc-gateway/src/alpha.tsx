import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import MemoryIcon from '@material-ui/icons/Memory';
import { aigcGatewayApiFactory } from './plugin';
import { rootRouteRef } from './routes';

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
  extensions: [gatewayApi, gatewayPage],
});
