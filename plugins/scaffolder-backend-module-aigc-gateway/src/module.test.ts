import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import {
  demoUserInfoServiceFactory,
  sampleGatewayConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import request from 'supertest';
import scaffolderModuleAigcGateway from './index';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

/** Runs on from a fixed Monday morning, also across restarts of the backend. */
const testClock = new TestClock();

const alice = mockCredentials.user.header('user:default/alice');
const carol = mockCredentials.user.header('user:default/carol');

/** The catalog, the real scaffolder with this module, and the gateway on the sample engine. */
function startScaffolder(ports: { from: number; to: number }) {
  return startTestBackend({
    features: [
      testClock.factory(),
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      scaffolderPlugin,
      scaffolderModuleAigcGateway,
      aigcGatewayPlugin,
      aigcGatewayModuleLocal,
      // carol administers the gateway, as in the demo organisation.
      demoUserInfoServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            // As an adopter registers them: the Location file the package ships.
            locations: [
              {
                type: 'file',
                target: resolvePackagePath(
                  '@aigc-gateway/backstage-plugin-scaffolder-backend-module-aigc-gateway',
                  'templates/templates.yaml',
                ),
                rules: [{ allow: ['Location', 'Template'] }],
              },
            ],
          },
          ...sampleGatewayConfig({
            dataRoot: mkdtempSync(join(tmpdir(), 'aigc-scaffolder-')),
            ports,
          }),
        },
      }),
    ],
  });
}

/** Runs a template as a user and waits for the task to end. */
async function runTemplate(
  server: any,
  templateRef: string,
  values: object,
  as: string,
) {
  let created;
  // The catalog reads the template files in the background.
  for (let i = 0; i < 60; i++) {
    created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', as)
      .send({ templateRef, values });
    if (created.status === 201) break;
    await new Promise(r => setTimeout(r, 500));
  }
  expect(created!.status).toBe(201);
  for (let i = 0; i < 120; i++) {
    const task = await request(server)
      .get(`/api/scaffolder/v2/tasks/${created!.body.id}`)
      .set('Authorization', as);
    if (['completed', 'failed'].includes(task.body.status)) return task.body;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('the task did not finish');
}

async function completionOf(server: any, taskId: string, as: string) {
  const events = (
    await request(server)
      .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
      .set('Authorization', as)
  ).body;
  return {
    events,
    completion: events.find((e: { type: string }) => e.type === 'completion'),
  };
}

describe('the "Launch an AIGC engine" template, through the real scaffolder backend', () => {
  it('launches an instance for the user who runs it, and a second run finds the same instance', async () => {
    const backend = await startScaffolder({ from: 18160, to: 18169 });
    const { server } = backend;
    const run = (values: object) =>
      runTemplate(server, 'template:default/launch-aigc-engine', values, alice);
    try {
      const first = await run({
        templateId: 'sample-engine',
        name: 'from-template',
      });
      expect(first.status).toBe('completed');
      const instances = await request(server)
        .get('/api/aigc-gateway/instances')
        .set('Authorization', alice);
      expect(instances.body.items).toHaveLength(1);
      const [instance] = instances.body.items;
      expect(instance).toEqual(
        expect.objectContaining({
          ownerRef: 'user:default/alice',
          name: 'from-template',
          state: 'running',
        }),
      );

      // The task says what it did, and its output links to the engine and its catalog entity.
      const events = (
        await request(server)
          .get(`/api/scaffolder/v2/tasks/${first.id}/events`)
          .set('Authorization', alice)
      ).body;
      expect(JSON.stringify(events)).toContain(
        `Instance ${instance.id} of sample-engine is`,
      );
      const completion = events.find(
        (e: { type: string }) => e.type === 'completion',
      );
      expect(completion.body.output.links).toEqual([
        { title: 'Open the engine', url: instance.url },
        {
          title: 'The instance in the catalog',
          entityRef: `resource:default/aigc-instance-${instance.id}`,
        },
      ]);

      // Retried (or run again): the same instance, not a second one.
      expect(
        (await run({ templateId: 'sample-engine', name: 'from-template' }))
          .status,
      ).toBe('completed');
      const after = await request(server)
        .get('/api/aigc-gateway/instances')
        .set('Authorization', alice);
      expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([
        instance.id,
      ]);

      // A clear error for an unknown engine.
      const failed = await run({ templateId: 'no-such-engine' });
      expect(failed.status).toBe('failed');
      const failure = await request(server)
        .get(`/api/scaffolder/v2/tasks/${failed.id}/events`)
        .set('Authorization', alice);
      expect(
        failure.body.find((e: { type: string }) => e.type === 'completion').body
          .error.message,
      ).toBe(
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
                steps: [
                  {
                    id: 'launch',
                    action: 'aigc:instance:launch',
                    input: values,
                  },
                ],
                output: { id: '${{ steps.launch.output.instanceId }}' },
              },
            },
            values: {},
            directoryContents: [],
          });
      const fine = await dryRun({ templateId: 'sample-engine', name: 'dry' });
      expect({
        status: fine.status,
        body: fine.status === 200 ? 'ok' : fine.body,
      }).toEqual({ status: 200, body: 'ok' });
      expect(fine.body.output).toEqual({ id: 'dry-run' });
      const badPool = await dryRun({
        templateId: 'sample-engine',
        poolId: 'h100',
      });
      expect(badPool.status).toBe(400);
      expect(JSON.stringify(badPool.body)).toContain('unknown GPU pool');
      const still = await request(server)
        .get('/api/aigc-gateway/instances')
        .set('Authorization', alice);
      expect(still.body.items).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  }, 120_000);
});

describe('the "Create an engine version" template, through the real scaffolder backend', () => {
  it('adds a version based on another, which then launches; a rerun changes nothing', async () => {
    const backend = await startScaffolder({ from: 18170, to: 18179 });
    const { server } = backend;
    const values = {
      templateId: 'sample-engine',
      basedOn: '2.0.0',
      version: '2.1.0',
      status: 'active',
    };
    try {
      const task = await runTemplate(
        server,
        'template:default/create-aigc-engine-version',
        values,
        carol,
      );
      const { events, completion } = await completionOf(server, task.id, carol);
      expect({ status: task.status, error: completion.body.error }).toEqual({
        status: 'completed',
        error: undefined,
      });
      expect(JSON.stringify(events)).toContain(
        'Created version 2.1.0 of sample-engine',
      );
      expect(completion.body.output.links[0]).toEqual({
        title: 'The version in the catalog',
        entityRef: 'component:default/sample-engine-v2.1.0',
      });

      const templates = await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', alice);
      expect(templates.body.items[0].versions.at(-1)).toEqual({
        version: '2.1.0',
        status: 'active',
        dataLayout: 2,
        pools: ['local'],
        defaultPool: 'local',
      });
      const launched = await runTemplate(
        server,
        'template:default/launch-aigc-engine',
        { templateId: 'sample-engine', version: '2.1.0' },
        alice,
      );
      expect(launched.status).toBe('completed');
      const [instance] = (
        await request(server)
          .get('/api/aigc-gateway/instances')
          .set('Authorization', alice)
      ).body.items;
      expect(instance).toEqual(
        expect.objectContaining({ version: '2.1.0', state: 'running' }),
      );

      const again = await runTemplate(
        server,
        'template:default/create-aigc-engine-version',
        values,
        carol,
      );
      expect(again.status).toBe('completed');
      expect(
        JSON.stringify((await completionOf(server, again.id, carol)).events),
      ).toContain('version 2.1.0 of sample-engine exists already, unchanged');

      const clash = await runTemplate(
        server,
        'template:default/create-aigc-engine-version',
        { ...values, dataLayout: 3 },
        carol,
      );
      expect(clash.status).toBe('failed');
      expect(
        (await completionOf(server, clash.id, carol)).completion.body.error
          .message,
      ).toBe(
        'AIGC Gateway: version "2.1.0" of "sample-engine" already exists with a different definition; choose a new version number (HTTP 409)',
      );
    } finally {
      await backend.stop();
    }
  }, 120_000);
});
