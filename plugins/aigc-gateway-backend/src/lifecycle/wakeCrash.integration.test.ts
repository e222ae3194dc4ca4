import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import knexFactory from 'knex';
import {
  createUserTokenIssuer,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { sampleGatewayConfig } from '../__testUtils__/gateway';
import { until } from '../__testUtils__/gatewayProcessApi';
import { engineOriginSession } from '../__testUtils__/engineOrigin';
import { enginePids } from '../__testUtils__/enginePids';
import {
  GatewayProcess,
  killHard,
  startGatewayProcess,
} from '../__testUtils__/startGatewayProcess';

jest.setTimeout(90_000);

describe('kill -9 of the backend during a wake', () => {
  it('converges like any launch: the engine runs once, in one interval caused by the wake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aigc-wake-crash-'));
    const db = join(dir, 'gateway.sqlite');
    const clock = new TestClock();
    const issuer = await createUserTokenIssuer();
    // The engine is slow to start, so the backend can die while it wakes.
    const config = sampleGatewayConfig({
      dataRoot: join(dir, 'engines'),
      ports: { from: 18720, to: 18729 },
      probeIntervalMs: 100,
      engineArgs: ['--startup-ms', '2000'],
    });
    const start = () =>
      startGatewayProcess({ db, config, clock, userKey: issuer.privateJwk });
    const auth = { authorization: `Bearer ${await issuer.sign('alice')}` };
    let gateway: GatewayProcess = await start();
    const api = async (method: string, path: string) =>
      (
        await fetch(`${gateway.baseUrl}/api/aigc-gateway${path}`, {
          method,
          headers: { ...auth, 'content-type': 'application/json' },
          body:
            method === 'POST'
              ? JSON.stringify({ templateId: 'sample-engine' })
              : undefined,
        })
      ).json();
    const inState = (id: string, state: string) => () =>
      until(state, async () =>
        (await api('GET', `/instances/${id}`)).state === state
          ? true
          : undefined,
      );
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: db },
      useNullAsDefault: true,
    });
    try {
      const { id } = await api('POST', '/instances');
      await inState(id, 'running')();
      const session = await engineOriginSession(gateway.baseUrl, id, auth);
      await api('POST', `/instances/${id}/release`);
      await inState(id, 'released')();

      // A script asks its engine's address to wake it; the backend dies while it starts.
      const asked = await new Promise<number>((resolve, reject) =>
        http
          .request(
            {
              host: '127.0.0.1',
              port: new URL(session.url).port,
              path: '/internal/ping',
              headers: { ...session.headers, 'x-aigc-gateway-wake': '1' },
            },
            res => {
              res.resume();
              resolve(res.statusCode!);
            },
          )
          .on('error', reject)
          .end(),
      );
      expect(asked).toBe(503);
      expect((await api('GET', `/instances/${id}`)).state).toBe('starting');
      await killHard(gateway);

      gateway = await start();
      await inState(id, 'running')();
      const intervals = await knex('usage_intervals')
        .where({ instance_id: id })
        .orderBy('id');
      expect(intervals.map(i => [i.cause, i.ended_at === null])).toEqual([
        [null, false],
        ['woken on access', true],
      ]);
      expect(enginePids(id)).toHaveLength(1);
    } finally {
      gateway.child.kill('SIGTERM');
      await knex.destroy();
    }
  });
});
