import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway/alpha';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, aigcGatewayPlugin, signInModule],
});
