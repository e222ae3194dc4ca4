import { createServiceFactory } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { eventually } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import {
  asUser,
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Two gateways on one database, each on Backstage's real scheduler, recording the notifications they send. */
async function twoReplicas(
  databaseId: TestDatabaseId,
  ports: number,
  extra: object,
) {
  const sent: Array<NotificationSendOptions & { replica: string }> = [];
  const features = (replica: string) => [
    schedulerServiceFactory,
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async (options: NotificationSendOptions) => {
          sent.push({ ...options, replica });
        },
      }),
    }),
  ];
  const a = await startGateway({
    databases,
    databaseId,
    ports: { from: ports, to: ports + 9 },
    features: features('a'),
    ...extra,
  });
  const b = await startGateway({
    databases: { init: async () => a.knex } as unknown as TestDatabases,
    databaseId,
    ports: { from: ports + 10, to: ports + 19 },
    features: features('b'),
    ...extra,
  });
  return {
    a,
    b,
    knex: a.knex,
    sent,
    stop: () => Promise.all([b.backend.stop(), a.backend.stop()]),
  };
}

describe.each(databases.eachSupportedId())(
  'policy tasks with two replicas on %s',
  databaseId => {
    const ports = databaseId === 'SQLITE_3' ? 19200 : 19240;

    it('warns once and releases an idle engine once', async () => {
      const { a, knex, sent, stop } = await twoReplicas(databaseId, ports, {
        idle: {
          timeoutMinutes: 0.1,
          warnMinutesBefore: 0.05,
          checkIntervalSeconds: 1,
        },
      });
      try {
        const id = await launchRunning(a.server);
        await waitForState(a.server, id, 'released');
        // A moment more for a second replica to act twice, if it would.
        await new Promise(r => setTimeout(r, 2000));
        expect(sent.map(s => s.payload.topic)).toEqual(['aigc-gateway-idle']);
        const releases = await knex('instance_events')
          .where({ instance_id: id })
          .where('message', 'like', 'releasing: idle%');
        expect(releases).toHaveLength(1);
        // The idle check is a global task: the scheduler's table in the shared database holds its lock.
        expect(
          await knex('backstage_backend_tasks__tasks').where({
            id: 'aigc-gateway-idle-release',
          }),
        ).toHaveLength(1);
      } finally {
        await stop();
      }
    });

    it('both advance a rollout within its concurrency, switching each instance once', async () => {
      const { a, b, knex, stop } = await twoReplicas(databaseId, ports + 20, {
        extra: { rollouts: { checkIntervalSeconds: 1 } },
      });
      try {
        const ids: string[] = [];
        for (const [n, server] of [
          a.server,
          b.server,
          a.server,
          b.server,
        ].entries()) {
          const id = await launchRunning(server, 'alice', {
            templateId: 'sample-engine',
            version: '1.0.0',
            name: `r${n}`,
          });
          await request(server)
            .post(`/api/aigc-gateway/instances/${id}/release`)
            .set('Authorization', asUser('alice'))
            .expect(200);
          await waitForState(server, id, 'released');
          ids.push(id);
        }
        const started = await request(a.server)
          .post('/api/aigc-gateway/rollouts')
          .set('Authorization', asUser('carol'))
          .send({
            templateId: 'sample-engine',
            from: '1.0.0',
            to: '2.0.0',
            concurrency: 1,
          });
        expect(started.status).toBe(201);
        let mostMigrating = 0;
        await eventually(
          async () => {
            const [{ n }] = await knex('instances')
              .count({ n: '*' })
              .where({ state: 'migrating' });
            mostMigrating = Math.max(mostMigrating, Number(n));
            expect((await knex('rollouts').first()).state).toBe('completed');
          },
          60_000,
          20,
        );
        expect(mostMigrating).toBe(1);
        const switches = [...a.audits, ...b.audits].filter(
          e => e.eventId === 'switch-version' && e.meta.outcome === 'started',
        );
        expect(switches.map(s => s.meta.instanceId).sort()).toEqual(
          [...ids].sort(),
        );
        expect(
          (await knex('instances').distinct('version')).map(r => r.version),
        ).toEqual(['2.0.0']);
      } finally {
        await stop();
      }
    });
  },
);
