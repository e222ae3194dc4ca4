import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { Knex } from 'knex';
import {
  gatewayConfigSchema,
  IdleConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { asUser, launchRunning, startGateway } from '../__testUtils__/gateway';
import { Definitions, DefinitionStore } from '../store/DefinitionStore';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { IdleActions, IdleReleaser } from './IdleReleaser';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MINUTE = 60_000;

/**
 * An IdleReleaser on a gateway's database and clock, with the default idle
 * settings but `config`, and actions the test controls.
 */
async function releaserOn(
  knex: Knex,
  clock: TestClock,
  actions: IdleActions,
  config: Partial<IdleConfig> = {},
  known?: Definitions,
) {
  const store = new InstanceStore(knex, clock);
  const definitions = known ?? (await new DefinitionStore(knex, clock).load());
  const releaser = new IdleReleaser({
    store,
    definitions: () => definitions,
    config: { ...gatewayConfigSchema.parse({}).idle, ...config },
    logger: mockServices.logger.mock(),
    clock,
    actions,
  });
  return { store, definitions, releaser };
}

describe.each(databases.eachSupportedId())(
  'idle release with a controlled clock on %s',
  databaseId => {
    let ports = 19100;

    it('warns once before the timeout, honours "keep it", never releases a busy engine, releases when idle', async () => {
      // Monday 2026-11-23, 10:00 in Berlin: the weekend cases below come later in the same week.
      const clock = new TestClock('2026-11-23T09:00:00Z');
      const { backend, server, knex } = await startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 3) - 1 },
        clock,
      });
      try {
        const id = await launchRunning(server);

        let busy = false;
        const done: string[] = [];
        const { store, definitions, releaser } = await releaserOn(knex, clock, {
          busy: async () => busy,
          release: async (_: InstanceRecord, why: string) =>
            void done.push(`release: ${why}`),
          warn: async (_: InstanceRecord, message: string) =>
            void done.push(`warn: ${message}`),
        });
        const lastActivity = async () => (await store.get(id))!.lastActivityAt!;
        const at = async (minutes: number) => {
          const instant = new Date(
            (await lastActivity()).getTime() + minutes * MINUTE,
          );
          clock.set(instant);
          await releaser.check();
          return instant.getTime();
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
        clock.advance(20);
        expect(
          (
            await request(server)
              .post(`/api/aigc-gateway/instances/${id}/keepalive`)
              .set('Authorization', asUser('alice'))
          ).status,
        ).toBe(200);
        expect((await lastActivity()).getTime()).toBeGreaterThan(
          before.getTime(),
        );
        await at(29);
        expect(done.filter(d => d.startsWith('release'))).toEqual([]);

        // Past the timeout but busy: not released, and the work counts as activity.
        busy = true;
        const busyAt = await at(45);
        expect(done.filter(d => d.startsWith('release'))).toEqual([]);
        expect((await lastActivity()).getTime()).toBeGreaterThanOrEqual(busyAt);
        expect((await lastActivity()).getTime()).toBeLessThanOrEqual(
          clock.now().getTime(),
        );

        // Idle for the whole timeout: released, with the reason.
        busy = false;
        await at(31);
        expect(done.at(-1)).toBe(
          'release: idle for 31 minutes (no use, no work in progress)',
        );

        const second = await launchRunning(server, 'alice', {
          templateId: 'sample-engine',
          name: 'weekend',
        });
        // Release windows: on weekends (Europe/Berlin) the template's engines go after 10 idle minutes.
        const template = definitions.templates.get('sample-engine')!;
        template.releaseWindows = [
          {
            days: ['sat', 'sun'],
            from: '00:00',
            to: '24:00',
            graceMinutes: 10,
          },
        ];
        const { releaser: windowed } = await releaserOn(
          knex,
          clock,
          {
            busy: async () => false,
            // Only the weekend instance matters here.
            release: async (instance, why) =>
              void (instance.id === second && done.push(`release: ${why}`)),
            warn: async () => {},
          },
          { timeZone: 'Europe/Berlin' },
          definitions,
        );
        done.length = 0;
        for (const [activeAt, expected] of [
          ['2026-11-27T10:00:00+01:00', []], // a Friday: 11 idle minutes are within the 30
          [
            '2026-11-28T10:00:00+01:00',
            [
              'release: idle for 11 minutes in the release window Sat, Sun, all day (no use, no work in progress)',
            ],
          ],
        ] as const) {
          await store.touch(second, new Date(activeAt));
          clock.set(new Date(new Date(activeAt).getTime() + 11 * MINUTE));
          done.length = 0;
          await windowed.check();
          expect(done.filter(d => d.startsWith('release'))).toEqual(expected);
        }
      } finally {
        await backend.stop();
      }
    });

    it('releases an engine past the maximum lifetime even while it says it is busy', async () => {
      const clock = new TestClock('2026-11-23T09:00:00Z');
      const { backend, server, knex } = await startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 3) - 1 },
        clock,
      });
      try {
        await launchRunning(server);
        const done: string[] = [];
        const { releaser } = await releaserOn(
          knex,
          clock,
          {
            // A hostile engine reports work in progress for ever.
            busy: async () => true,
            release: async (_: InstanceRecord, why: string) =>
              void done.push(`release: ${why}`),
            warn: async () => {},
          },
          { maxLifetimeHours: 2 },
        );
        clock.advance(119 * MINUTE);
        await releaser.check();
        expect(done).toEqual([]);
        clock.advance(2 * MINUTE);
        await releaser.check();
        expect(done).toEqual([
          'release: it reached the maximum lifetime of 2 h',
        ]);
      } finally {
        await backend.stop();
      }
    });
  },
);
