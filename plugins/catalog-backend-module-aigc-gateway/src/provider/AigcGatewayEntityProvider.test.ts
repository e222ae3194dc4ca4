import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { AigcGatewayEntityProvider } from './AigcGatewayEntityProvider';

describe('AigcGatewayEntityProvider', () => {
  it('tries a failed refresh again soon, so a gateway that answers late still fills the catalog', async () => {
    // The gateway answers 503 twice (still starting), then empty lists.
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls++;
      res.writeHead(calls <= 2 ? 503 : 200, {
        'content-type': 'application/json',
      });
      res.end(
        calls <= 2
          ? '{"error":{"name":"Error","message":"starting"}}'
          : '{"items":[]}',
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`;
    const provider = new AigcGatewayEntityProvider({
      auth: mockServices.auth(),
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      logger: mockServices.logger.mock(),
      appBaseUrl: 'http://portal.example',
      poolOwner: 'group:default/aigc-admins',
    });
    const applyMutation = jest.fn();
    await provider.connect({ applyMutation, refresh: jest.fn() });
    try {
      provider.refreshSoon(10);
      for (let i = 0; i < 100 && !applyMutation.mock.calls.length; i++)
        await new Promise(r => setTimeout(r, 20));
      expect(applyMutation).toHaveBeenCalledWith({
        type: 'full',
        entities: [],
      });
    } finally {
      provider.stop();
      server.close();
    }
  });
});
