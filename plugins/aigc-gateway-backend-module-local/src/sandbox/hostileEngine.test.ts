import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressInfo } from 'node:net';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import request from 'supertest';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import {
  eventually,
  sampleGatewayConfig,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import aigcGatewayModuleLocal from '../index';

jest.setTimeout(60_000);

const alice = mockCredentials.user.header('user:default/alice');
const bob = mockCredentials.user.header('user:default/bob');
const fixtures = join(__dirname, '__fixtures__');

/** The gateway's own files, in a folder of the test's: the SQLite databases and the engines' data root. */
function setUp(mode: string) {
  const root = mkdtempSync(join(tmpdir(), 'aigc-hostile-'));
  const dataRoot = join(root, 'engines');
  const config = sampleGatewayConfig({
    dataRoot,
    probeIntervalMs: 100,
    ports: { from: 19480, to: 19489 },
    sandbox: { mode },
    engines: {
      hostile: {
        command: '${node}',
        args: [join(fixtures, 'hostileEngine.mts')],
        paths: [fixtures],
        readinessPath: '/ping',
      },
    },
  }) as any;
  config.aigcGateway.templates.push({
    id: 'hostile',
    title: 'Hostile',
    owner: 'group:default/aigc-admins',
    kind: 'generic-http',
    versions: [
      {
        version: '1.0.0',
        dataLayout: 1,
        pools: ['local'],
        runtime: { local: { engine: 'hostile' } },
      },
    ],
  });
  config.backend = {
    database: { client: 'better-sqlite3', connection: { directory: root } },
  };
  return { root, dataRoot, config };
}

describe.each([
  ['bubblewrap', true],
  ['none', false],
])('a hostile local engine with sandbox mode %s', (mode, contained) => {
  it(`reaches ${
    contained ? 'none' : 'all (uncontained)'
  } of the backend's environment and files, another user's volume, engine, processes and records`, async () => {
    const { root, dataRoot, config } = setUp(mode);
    const backend = await startTestBackend({
      features: [
        new TestClock().factory(),
        databaseServiceFactory,
        aigcGatewayPlugin,
        aigcGatewayModuleLocal,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    const { server } = backend;
    const api = (user: string, method: 'get' | 'post', path: string) =>
      request(server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', user);
    const launch = async (user: string, templateId: string) => {
      // 201 for a new instance, 200 for one relaunched.
      const { body } = await api(user, 'post', '/instances')
        .send({ templateId })
        .expect(res => expect([200, 201]).toContain(res.status));
      await eventually(async () => {
        const res = await api(user, 'get', `/instances/${body.id}`);
        expect(res.body.state).toBe('running');
      });
      return body.id as string;
    };
    const bobsImages = async (id: string) =>
      (await api(bob, 'get', `/instances/${id}/proxy/outputs`).expect(200))
        .body;
    try {
      // bob makes an image; the runtime's record says how his engine is reached.
      const bobs = await launch(bob, 'sample-engine');
      await api(bob, 'post', `/instances/${bobs}/proxy/sdapi/v1/txt2img`)
        .send({ prompt: 'bob only', steps: 2, width: 32, height: 32 })
        .expect(200);
      const recordFile = join(dataRoot, 'processes', `${bobs}.json`);
      const record = readFileSync(recordFile, 'utf8');
      const { socketPath, port, watchedPid } = JSON.parse(record);
      const [bobsVolume] = readdirSync(join(dataRoot, 'volumes'));
      const [bobsImage] = (
        readdirSync(join(dataRoot, 'volumes', bobsVolume), {
          recursive: true,
        }) as string[]
      ).filter(f => f.endsWith('.png'));
      const databaseFile = join(root, 'aigc-gateway.sqlite');
      expect(readFileSync(databaseFile).length).toBeGreaterThan(0);

      const hostile = await launch(alice, 'hostile');
      const backendPort = (server.address() as AddressInfo).port;
      const { body: outcome } = await api(
        alice,
        'post',
        `/instances/${hostile}/proxy/attack`,
      )
        .send({
          reads: [
            `/proc/${process.pid}/environ`,
            databaseFile,
            join(dataRoot, 'volumes', bobsVolume, bobsImage),
          ],
          lists: [join(dataRoot, 'volumes'), join(dataRoot, 'processes')],
          writes: [
            {
              path: recordFile,
              content: JSON.stringify({ ...JSON.parse(record), port: 1 }),
            },
          ],
          connects: [
            socketPath ? { socketPath } : { host: '127.0.0.1', port },
            { host: '127.0.0.1', port: backendPort },
          ],
          signals: [process.pid, watchedPid],
        })
        .expect(200);
      expect(Object.keys(outcome)).toHaveLength(10);
      for (const [what, result] of Object.entries(outcome)) {
        expect(`${what} → ${result}`).toMatch(
          contained ? / → refused: / : / → done: /,
        );
      }
      if (!contained) return;

      // Nothing of bob's changed, and his images stay with him across a release.
      expect(readFileSync(recordFile, 'utf8')).toBe(record);
      expect(await bobsImages(bobs)).toHaveLength(1);
      await api(bob, 'post', `/instances/${bobs}/release`).expect(200);
      expect(await launch(bob, 'sample-engine')).toBe(bobs);
      expect(await bobsImages(bobs)).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
