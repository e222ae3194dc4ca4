import { EngineTemplateView } from '@internal/plugin-aigc-gateway-common';
import { AigcGatewayApi } from '../api/AigcGatewayApi';

export const sampleTemplate: EngineTemplateView = {
  id: 'sample-engine',
  title: 'Sample Engine',
  description: 'Draws images from a prompt',
  owner: 'group:default/aigc-admins',
  kind: 'sd-webui',
  versions: [
    { version: '1.0.0', status: 'deprecated', dataLayout: 1, pools: ['local'], defaultPool: 'local' },
    { version: '2.0.0', status: 'active', dataLayout: 2, pools: ['local', 'a100'], defaultPool: 'local' },
  ],
};

/** An in-memory AigcGatewayApi for component tests. */
export function fakeGatewayApi(
  overrides: Partial<AigcGatewayApi> = {},
): AigcGatewayApi {
  return {
    listTemplates: async () => [sampleTemplate],
    ...overrides,
  };
}
