import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import {
  eventually,
  sampleGatewayConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import request from 'supertest';
import catalogModuleAigcGateway from './index';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

/** Runs on from a fixed Monday morning, also across restarts of the backend. */
const testClock = new TestClock();

const alice = mockCredentials.user.header('user:default/alice');

describe('the AIGC Gateway catalog module, through the catalog backend', () => {
  it('publishes templates, versions and pools, and follows instances as they come and go', async () => {
    const backend = await startTestBackend({
      features: [
        testClock.factory(),
        catalogPlugin,
        catalogModuleAigcGateway,
        // Backstage's in-process events bus, shared by the plugins as in a real backend.
        eventsServiceFactory,
        // Runs each scheduled task once at startup, the first full refresh included.
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        aigcGatewayPlugin,
        aigcGatewayModuleLocal,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example' },
            catalog: { processingInterval: { seconds: 1 } },
            ...sampleGatewayConfig({
              dataRoot: mkdtempSync(join(tmpdir(), 'aigc-catalog-')),
              ports: { from: 18150, to: 18159 },
            }),
          },
        }),
      ],
    });
    const catalog = (kind: string, name: string) =>
      request(backend.server)
        .get(`/api/catalog/entities/by-name/${kind}/default/${name}`)
        .set('Authorization', alice);
    try {
      await eventually(async () => {
        const version = await catalog('component', 'sample-engine-v2.0.0');
        expect(version.status).toBe(200);
        expect(version.body.relations).toContainEqual({
          type: 'partOf',
          targetRef: 'component:default/sample-engine',
        });
      });
      expect((await catalog('component', 'sample-engine')).body.spec.type).toBe(
        'aigc-engine',
      );
      expect((await catalog('resource', 'gpu-pool-local')).body.spec.type).toBe(
        'gpu-pool',
      );

      const launched = await request(backend.server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', alice)
        .send({ templateId: 'sample-engine' });
      expect(launched.status).toBe(201);
      const name = `aigc-instance-${launched.body.id}`;
      // Published on the gateway's change event, well before the next scheduled refresh.
      await eventually(async () => {
        const res = await catalog('resource', name);
        expect(res.status).toBe(200);
        expect(res.body.relations).toEqual(
          expect.arrayContaining([
            { type: 'ownedBy', targetRef: 'user:default/alice' },
            {
              type: 'dependsOn',
              targetRef: 'component:default/sample-engine-v2.0.0',
            },
          ]),
        );
      }, 15_000);

      await request(backend.server)
        .post(`/api/aigc-gateway/instances/${launched.body.id}/release`)
        .set('Authorization', alice)
        .expect(200);
      await request(backend.server)
        .delete(
          `/api/aigc-gateway/instances/${launched.body.id}?deleteData=true`,
        )
        .set('Authorization', alice)
        .expect(res => expect(res.status).toBeLessThan(300));
      await eventually(
        async () => expect((await catalog('resource', name)).status).toBe(404),
        15_000,
      );
    } finally {
      await backend.stop();
    }
  }, 90_000);
});
