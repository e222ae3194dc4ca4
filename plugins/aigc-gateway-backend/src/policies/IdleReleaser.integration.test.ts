import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { gatewayConfigSchema } from '@internal/plugin-aigc-gateway-common';
import { asUser, launchRunning, startGateway } from '../__testUtils__/gateway';
import { DefinitionStore } from '../store/DefinitionStore';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { IdleReleaser } from './IdleReleaser';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MINUTE = 60_000;

describe.each(databases.eachSupportedId())('idle release with a controlled clock on %s', databaseId => {
  let ports = 19100;

  it('warns once before the timeout, honours "keep it", never releases a busy engine, releases when idle', async () => {
    const { backend, server, knex } = await startGateway({ databases, databaseId, ports: { from: ports, to: (ports += 3) - 1 } });
    try {
      const id = await launchRunning(server);

      // The releaser on the gateway's database, with a clock and actions the test controls.
      const store = new InstanceStore(knex);
      const definitions = await new DefinitionStore(knex).load();
      let clock = new Date();
      let busy = false;
      const done: string[] = [];
      const releaser = new IdleReleaser({
        store,
        definitions: () => definitions,
        config: gatewayConfigSchema.parse({}).idle,
        logger: mockServices.logger.mock(),
        now: () => clock,
        actions: {
          busy: async () => busy,
          release: async (_: InstanceRecord, why: string) => void done.push(`release: ${why}`),
          warn: async (_: InstanceRecord, message: string) => void done.push(`warn: ${message}`),
        },
      });
      const lastActivity = async () => (await store.get(id))!.lastActivityAt!;
      const at = async (minutes: number) => {
        clock = new Date((await lastActivity()).getTime() + minutes * MINUTE);
        await releaser.check();
      };

      // Running counts as activity; nothing happens before the warning time (30 - 5 minutes).
      await at(24);
      expect(done).toEqual([]);
      await at(26);
      expect(done).toEqual([
        'warn: It has been idle for 26 minutes and will be released in 4 minutes unless you keep it. Its data is kept either way.',
      ]);
      await at(27);
      expect(done).toHaveLength(1);

      // "Keep it": the keep-alive restarts the idle clock.
      const before = await lastActivity();
      await new Promise(r => setTimeout(r, 20));
      expect((await request(server).post(`/api/aigc-gateway/instances/${id}/keepalive`).set('Authorization', asUser('alice'))).status).toBe(200);
      expect((await lastActivity()).getTime()).toBeGreaterThan(before.getTime());
      await at(29);
      expect(done.filter(d => d.startsWith('release'))).toEqual([]);

      // Past the timeout but busy: not released, and the work counts as activity.
      busy = true;
      await at(45);
      expect(done.filter(d => d.startsWith('release'))).toEqual([]);
      expect((await lastActivity()).getTime()).toBe(clock.getTime());

      // Idle for the whole timeout: released, with the reason.
      busy = false;
      await at(31);
      expect(done.at(-1)).toBe('release: idle for 31 minutes (no use, no work in progress)');
    } finally {
      await backend.stop();
    }
  });
});
