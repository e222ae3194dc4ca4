import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import aigcGatewayPlugin from '@internal/plugin-aigc-gateway-backend';
import { sampleGatewayConfig } from '@internal/plugin-aigc-gateway-node/testUtils';
import request from 'supertest';
import scaffolderModuleAigcGateway from './index';

const repoRoot = resolve(__dirname, '../../..');
const alice = mockCredentials.user.header('user:default/alice');

describe('the "Launch an AIGC engine" template, through the real scaffolder backend', () => {
  it('launches an instance for the user who runs it, and a second run finds the same instance', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        scaffolderPlugin,
        scaffolderModuleAigcGateway,
        aigcGatewayPlugin,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              locations: [
                {
                  type: 'file',
                  target: resolve(repoRoot, 'examples/templates/launch-engine.yaml'),
                  rules: [{ allow: ['Template'] }],
                },
              ],
            },
            ...sampleGatewayConfig({ dataRoot: mkdtempSync(join(tmpdir(), 'aigc-scaffolder-')), ports: { from: 18160, to: 18169 } }),
          },
        }),
      ],
    });
    const { server } = backend;
    const run = async (values: object) => {
      let created;
      // The catalog reads the template file in the background.
      for (let i = 0; i < 60; i++) {
        created = await request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('Authorization', alice)
          .send({ templateRef: 'template:default/launch-aigc-engine', values });
        if (created.status === 201) break;
        await new Promise(r => setTimeout(r, 500));
      }
      expect(created!.status).toBe(201);
      for (let i = 0; i < 120; i++) {
        const task = await request(server).get(`/api/scaffolder/v2/tasks/${created!.body.id}`).set('Authorization', alice);
        if (['completed', 'failed'].includes(task.body.status)) return task.body;
        await new Promise(r => setTimeout(r, 500));
      }
      throw new Error('the task did not finish');
    };
    try {
      const first = await run({ templateId: 'sample-engine', name: 'from-template' });
      expect(first.status).toBe('completed');
      const instances = await request(server).get('/api/aigc-gateway/instances').set('Authorization', alice);
      expect(instances.body.items).toHaveLength(1);
      const [instance] = instances.body.items;
      expect(instance).toEqual(expect.objectContaining({ ownerRef: 'user:default/alice', name: 'from-template', state: 'running' }));

      // The task says what it did, and its output links to the engine and its catalog entity.
      const events = (await request(server).get(`/api/scaffolder/v2/tasks/${first.id}/events`).set('Authorization', alice)).body;
      expect(JSON.stringify(events)).toContain(`Instance ${instance.id} of sample-engine is`);
      const completion = events.find((e: { type: string }) => e.type === 'completion');
      expect(completion.body.output.links).toEqual([
        { title: 'Open the engine', url: instance.url },
        { title: 'The instance in the catalog', entityRef: `resource:default/aigc-instance-${instance.id}` },
      ]);

      // Retried (or run again): the same instance, not a second one.
      expect((await run({ templateId: 'sample-engine', name: 'from-template' })).status).toBe('completed');
      const after = await request(server).get('/api/aigc-gateway/instances').set('Authorization', alice);
      expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([instance.id]);

      // A clear error for an unknown engine.
      const failed = await run({ templateId: 'no-such-engine' });
      expect(failed.status).toBe('failed');
      const failure = await request(server).get(`/api/scaffolder/v2/tasks/${failed.id}/events`).set('Authorization', alice);
      expect(failure.body.find((e: { type: string }) => e.type === 'completion').body.error.message).toBe(
        'AIGC Gateway: engine template "no-such-engine" does not exist (HTTP 404)',
      );

      // A dry run checks the input and launches nothing.
      const dryRun = (values: object) =>
        request(server)
          .post('/api/scaffolder/v2/dry-run')
          .set('Authorization', alice)
          .send({
            template: {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: { name: 'dry' },
              spec: {
                type: 'aigc-engine',
                steps: [{ id: 'launch', action: 'aigc:instance:launch', input: values }],
                output: { id: '${{ steps.launch.output.instanceId }}' },
              },
            },
            values: {},
            directoryContents: [],
          });
      const fine = await dryRun({ templateId: 'sample-engine', name: 'dry' });
      expect({ status: fine.status, body: fine.status === 200 ? 'ok' : fine.body }).toEqual({ status: 200, body: 'ok' });
      expect(fine.body.output).toEqual({ id: 'dry-run' });
      const badPool = await dryRun({ templateId: 'sample-engine', poolId: 'h100' });
      expect(badPool.status).toBe(400);
      expect(JSON.stringify(badPool.body)).toContain('unknown GPU pool');
      const still = await request(server).get('/api/aigc-gateway/instances').set('Authorization', alice);
      expect(still.body.items).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
