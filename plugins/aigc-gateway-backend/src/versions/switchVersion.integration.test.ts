import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const alice = asUser('alice');

/** What the sample engine keeps in a volume folder: its layout marker and the output images. */
function volumeContents(dataRoot: string, volumeId: string) {
  const folder = join(dataRoot, 'volumes', volumeId);
  const outputs = join(folder, 'outputs');
  const files = existsSync(outputs)
    ? readdirSync(outputs, { recursive: true }).map(String).sort()
    : [];
  const layoutFile = readdirSync(folder).find(f => f.includes('layout'));
  return {
    files,
    layout: layoutFile
      ? readFileSync(join(folder, layoutFile), 'utf8').trim()
      : undefined,
    entries: readdirSync(folder),
  };
}

describe.each(databases.eachSupportedId())(
  'switching an instance between versions on %s',
  databaseId => {
    let ports = 19050;
    const start = () =>
      startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 3) - 1 },
        engines: {
          'broken-migration': {
            command: '${node}',
            args: [
              '-e',
              "require('fs').writeFileSync(process.env.DATA_DIR + '/half-done', 'x'); console.error('layout 3 is not ready'); process.exit(3)",
            ],
          },
        },
      });

    it('migrates the data both ways and pins the version; a failed migration leaves data and version as they were', async () => {
      const { backend, server, knex, dataRoot } = await start();
      const api = (method: 'get' | 'post', path: string) =>
        request(server)
          [method](`/api/aigc-gateway${path}`)
          .set('Authorization', alice);
      try {
        // alice makes an image on 1.0.0 (everything in one folder), then releases.
        const launched = await api('post', '/instances').send({
          templateId: 'sample-engine',
          version: '1.0.0',
        });
        const id = launched.body.id;
        await waitForState(server, id, 'running');
        const made = await api(
          'post',
          `/instances/${id}/proxy/sdapi/v1/txt2img`,
        ).send({ prompt: 'a red fox', seed: 7, steps: 2 });
        expect(made.status).toBe(200);
        await api('post', `/instances/${id}/release`);
        await waitForState(server, id, 'released');
        const { volume_id: volumeId } = await knex('instances')
          .where({ id })
          .first();
        const before = volumeContents(dataRoot, volumeId);
        expect(before.files).toHaveLength(1);

        // Bad requests say what is wrong and change nothing.
        expect(
          (
            await api('post', `/instances/${id}/switch-version`).send({
              version: '1.0.0',
            })
          ).body.error.message,
        ).toBe(`instance ${id} is on version 1.0.0 already`);
        expect(
          (
            await api('post', `/instances/${id}/switch-version`).send({
              version: '9.0.0',
            })
          ).status,
        ).toBe(404);
        expect(
          (
            await api('post', `/instances/${id}/switch-version`).send({
              to: '2.0.0',
            })
          ).status,
        ).toBe(400);

        // To 2.0.0: the instance is migrating, then released on 2.0.0 with its image filed by day.
        const switching = await api(
          'post',
          `/instances/${id}/switch-version`,
        ).send({ version: '2.0.0' });
        expect({
          status: switching.status,
          state: switching.body.state,
        }).toEqual({ status: 202, state: 'migrating' });
        const switched = await waitForState(server, id, 'released');
        expect({
          version: switched.version,
          failureReason: switched.failureReason,
        }).toEqual({ version: '2.0.0', failureReason: undefined });
        const after = volumeContents(dataRoot, volumeId);
        expect(after.files).toEqual([
          expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
          expect.stringMatching(/^\d{4}-\d\d-\d\d\/.*\.png$/),
        ]);
        expect(
          (await knex('volumes').where({ id: volumeId }).first()).data_layout,
        ).toBe(2);

        // 2.0.0 refuses layout-1 data, so running at all shows the migration happened.
        await api('post', `/instances/${id}/launch`);
        await waitForState(server, id, 'running');
        expect(
          (
            await api('post', `/instances/${id}/switch-version`).send({
              version: '1.0.0',
            })
          ).status,
        ).toBe(409);
        await api('post', `/instances/${id}/release`);
        await waitForState(server, id, 'released');

        // A version whose migration fails: the data is restored, the instance stays on 2.0.0.
        const broken = await request(server)
          .post('/api/aigc-gateway/versions')
          .set('Authorization', asUser('carol'))
          .send({
            templateId: 'sample-engine',
            version: '3.0.0',
            dataLayout: 3,
            pools: ['local'],
            basedOn: '2.0.0',
            migrations: [
              {
                fromLayout: 2,
                toLayout: 3,
                local: { engine: 'broken-migration' },
              },
            ],
          });
        expect(broken.status).toBe(201);
        await api('post', `/instances/${id}/switch-version`).send({
          version: '3.0.0',
        });
        const failed = await waitForState(server, id, 'released');
        expect({
          version: failed.version,
          failureReason: failed.failureReason,
        }).toEqual({
          version: '2.0.0',
          failureReason:
            'switching to version 3.0.0 failed: the migration from layout 2 to 3 exited with code 3: layout 3 is not ready; the data was restored',
        });
        expect(volumeContents(dataRoot, volumeId)).toEqual(after);
        expect(readdirSync(join(dataRoot, 'backups'))).toEqual([]);

        // And back to 1.0.0, through the reverse migration 2.0.0 declares.
        await api('post', `/instances/${id}/switch-version`).send({
          version: '1.0.0',
        });
        const back = await waitForState(server, id, 'released');
        expect(back.version).toBe('1.0.0');
        expect(volumeContents(dataRoot, volumeId).files).toEqual(before.files);
      } finally {
        await backend.stop();
      }
    });
  },
);
