import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import {
  eventually,
  sampleGatewayConfig,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import aigcGatewayModuleLocal from './index';

const alice = mockCredentials.user.header('user:default/alice');

function start(config: object) {
  return startTestBackend({
    features: [
      new TestClock().factory(),
      aigcGatewayPlugin,
      aigcGatewayModuleLocal,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
}

describe('the local runtime module', () => {
  it('runs the programs its config declares', async () => {
    const config = sampleGatewayConfig({
      dataRoot: mkdtempSync(join(tmpdir(), 'aigc-local-module-')),
      ports: { from: 19470, to: 19471 },
      probeIntervalMs: 100,
    });
    const backend = await start(config);
    const server = backend.server;
    const launched = await request(server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sample-engine' });
    expect(launched.status).toBe(201);
    await eventually(async () => {
      const res = await request(server)
        .get(`/api/aigc-gateway/instances/${launched.body.id}`)
        .set('Authorization', alice);
      expect(res.body.state).toBe('running');
    });
    const ping = await request(server)
      .get(
        `/api/aigc-gateway/instances/${launched.body.id}/proxy/internal/ping`,
      )
      .set('Authorization', alice);
    expect(ping.status).toBe(200);
    await backend.stop();
  });

  it('stops the backend on a bad runtime.local section, naming the key', async () => {
    await expect(
      start({
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: { local: { engines: { comfyui: { args: ['main.py'] } } } },
        },
      }),
    ).rejects.toThrow(
      'Invalid aigcGateway.runtime.local configuration: aigcGateway.runtime.local.engines.comfyui.command: Required',
    );
  });
});
