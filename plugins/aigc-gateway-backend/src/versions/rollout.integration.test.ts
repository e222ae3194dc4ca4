import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import request from 'supertest';
import { eventually } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import {
  asUser,
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(asUser);

/** carol administers versions; everyone may use instances. */
const carolManages = mockServices.permissions.mock({
  authorize: async (requests, { credentials }) =>
    requests.map(r => ({
      result:
        r.permission.name !== 'aigc-gateway.version.manage' ||
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
          'user:default/carol'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
}).factory;

describe.each(databases.eachSupportedId())('rollouts on %s', databaseId => {
  const ports = databaseId === 'SQLITE_3' ? 19150 : 19170;

  it('plans, canaries, waits for running engines, forces, pauses, aborts and rolls back; bad requests are 4xx', async () => {
    const { backend, server, knex, audits } = await startGateway({
      databases,
      databaseId,
      ports: { from: ports, to: ports + 9 },
      extra: { rollouts: { checkIntervalSeconds: 1 } },
      engines: {
        'broken-migration': {
          command: '${node}',
          args: [
            '-e',
            "console.error('layout 3 is not ready'); process.exit(3)",
          ],
        },
      },
      features: [schedulerServiceFactory, carolManages],
    });
    const as =
      (user: string) => (method: 'get' | 'post' | 'patch', path: string) =>
        request(server)
          [method](`/api/aigc-gateway${path}`)
          .set('Authorization', user);
    const admin = as(carol);
    const release = async (user: string, id: string) => {
      await as(user)('post', `/instances/${id}/release`).expect(200);
      await waitForState(server, id, 'released', user);
    };
    const rollout = (body: object) =>
      admin('post', '/rollouts').send({ templateId: 'sample-engine', ...body });
    const until = (id: string, state: string) =>
      eventually(async () => {
        const { body } = await admin('get', `/rollouts/${id}`);
        expect(body.state).toBe(state);
        return body;
      }, 60_000);
    const versions = async () =>
      Object.fromEntries(
        (
          await knex('instances')
            .join('volumes', 'volumes.id', 'instances.volume_id')
            .select('name', 'version', 'data_layout')
        ).map(r => [r.name, `${r.version}/${r.data_layout}`]),
      );
    const byName = (body: any) =>
      Object.fromEntries(body.targets.map((t: any) => [t.name, t.status]));

    try {
      // a1 and a2 are released, b1 runs; all on 1.0.0.
      const a1 = await launchRunning(server, 'alice', {
        templateId: 'sample-engine',
        version: '1.0.0',
        name: 'a1',
      });
      const a2 = await launchRunning(server, 'alice', {
        templateId: 'sample-engine',
        version: '1.0.0',
        name: 'a2',
      });
      const b1 = await launchRunning(server, 'bob', {
        templateId: 'sample-engine',
        version: '1.0.0',
        name: 'b1',
      });
      await release(alice, a1);
      await release(alice, a2);

      // Bad requests name the problem and change nothing.
      const retired = await admin('post', '/versions').send({
        templateId: 'sample-engine',
        version: '2.5.0',
        basedOn: '2.0.0',
        dataLayout: 2,
        pools: ['local'],
      });
      expect(retired.status).toBe(201);
      await admin('patch', '/versions/sample-engine/2.5.0')
        .send({ status: 'retired' })
        .expect(200);
      const refusals = await Promise.all([
        rollout({ from: '1.0.0', to: '1.0.0' }),
        rollout({ from: '1.0.0', to: '2.5.0' }),
        rollout({ from: '1.0.0', to: '9.9.9' }),
        admin('post', '/rollouts').send({
          templateId: 'no-such-engine',
          from: '1.0.0',
          to: '2.0.0',
        }),
        rollout({ from: '1.0.0', to: '2.0.0', canaryPercent: 150 }),
        rollout({ from: '3.0.0', to: '2.0.0' }),
        as(bob)('post', '/rollouts').send({
          templateId: 'sample-engine',
          from: '1.0.0',
          to: '2.0.0',
        }),
        admin('post', '/rollouts/no-such-rollout/pause'),
        admin('post', '/rollouts/no-such-rollout/explode'),
      ]);
      expect(
        refusals.map(r => [r.status, r.body.error?.message ?? r.body]),
      ).toEqual([
        [
          400,
          'from and to are both 1.0.0; a rollout moves instances to another version',
        ],
        [
          400,
          'to: version 2.5.0 of "sample-engine" is retired; roll out to an active version',
        ],
        [400, 'to: version "9.9.9" of "sample-engine" does not exist'],
        [404, 'engine template "no-such-engine" does not exist'],
        [
          400,
          'invalid body: body.canaryPercent: Number must be less than or equal to 100',
        ],
        [400, 'from: version "3.0.0" of "sample-engine" does not exist'],
        [
          403,
          'rolling out versions needs the aigc-gateway.version.manage permission',
        ],
        [404, 'rollout no-such-rollout does not exist'],
        [
          400,
          expect.stringMatching(
            /^invalid action: .*pause.*resume.*abort.*rollback/,
          ),
        ],
      ]);
      expect(await knex('rollouts')).toEqual([]);

      // A dry run lists every instance, its migrations, whether it is a canary and when it switches.
      const plan = await rollout({
        from: '1.0.0',
        to: '2.0.0',
        dryRun: true,
        canaryPercent: 30,
        concurrency: 1,
      });
      expect(plan.status).toBe(200);
      expect(
        plan.body.items.map((i: any) => [
          i.name,
          i.ownerRef,
          i.state,
          i.migrations,
          i.canary,
          i.when,
        ]),
      ).toEqual([
        [
          'a1',
          'user:default/alice',
          'released',
          [{ fromLayout: 1, toLayout: 2 }],
          true,
          'now',
        ],
        [
          'a2',
          'user:default/alice',
          'released',
          [{ fromLayout: 1, toLayout: 2 }],
          false,
          'now',
        ],
        [
          'b1',
          'user:default/bob',
          'running',
          [{ fromLayout: 1, toLayout: 2 }],
          false,
          'at its next release',
        ],
      ]);
      expect(await knex('rollouts')).toEqual([]);

      // Applied: the canary first, one at a time; the running engine waits for its owner.
      const started = await rollout({
        from: '1.0.0',
        to: '2.0.0',
        canaryPercent: 30,
        concurrency: 1,
      });
      expect({ status: started.status, state: started.body.state }).toEqual({
        status: 201,
        state: 'running',
      });
      const second = await rollout({ from: '2.0.0', to: '1.0.0' });
      expect([second.status, second.body.error.message]).toEqual([
        409,
        `rollout ${started.body.id} (1.0.0 → 2.0.0) of "sample-engine" is running; finish, abort or roll it back first`,
      ]);
      let mostMigrating = 0;
      const waiting = await eventually(async () => {
        const [{ n }] = await knex('instances')
          .count({ n: '*' })
          .where({ state: 'migrating' });
        mostMigrating = Math.max(mostMigrating, Number(n));
        const { body } = await admin('get', `/rollouts/${started.body.id}`);
        expect(byName(body)).toEqual({ a1: 'done', a2: 'done', b1: 'waiting' });
        return body;
      }, 60_000);
      expect(mostMigrating).toBeLessThanOrEqual(1);
      expect(waiting.state).toBe('running');
      expect(waiting.targets.find((t: any) => t.name === 'b1').detail).toBe(
        'running; switches at its next release',
      );
      const order = audits.filter(
        e => e.eventId === 'switch-version' && e.meta.outcome === 'started',
      );
      expect(order.map(e => e.meta.instanceId)).toEqual([a1, a2]);
      expect((await as(bob)('get', `/instances/${b1}`)).body.state).toBe(
        'running',
      );

      // bob releases: b1 switches, and the rollout is complete.
      await release(bob, b1);
      const completed = await until(started.body.id, 'completed');
      expect(completed.message).toBe('3 switched, 0 failed, 0 skipped');
      expect(await versions()).toEqual({
        a1: '2.0.0/2',
        a2: '2.0.0/2',
        b1: '2.0.0/2',
      });

      // A canary that fails pauses the rollout; the others are untouched and abort skips them.
      const broken = await admin('post', '/versions').send({
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
      const canaryFails = await rollout({
        from: '2.0.0',
        to: '3.0.0',
        canaryPercent: 10,
        concurrency: 2,
      });
      const paused = await until(canaryFails.body.id, 'paused');
      expect(paused.message).toBe(
        'canary a1 failed: switching to version 3.0.0 failed: the migration from layout 2 to 3 exited with code 3: layout 3 is not ready; the data was restored. Resume to go on anyway, or roll back.',
      );
      expect(
        paused.targets.map((t: any) => [
          t.name,
          t.canary,
          t.status,
          t.attempts,
        ]),
      ).toEqual([
        ['a1', true, 'failed', 2],
        ['a2', false, 'pending', 0],
        ['b1', false, 'pending', 0],
      ]);
      expect(
        (await admin('post', `/rollouts/${canaryFails.body.id}/pause`)).body
          .error.message,
      ).toBe(`rollout ${canaryFails.body.id} is paused; it cannot pause now`);
      expect(
        (await admin('post', `/rollouts/${canaryFails.body.id}/abort`)).status,
      ).toBe(200);
      const aborted = await until(canaryFails.body.id, 'aborted');
      expect(
        aborted.targets.map((t: any) => [t.name, t.status, t.detail]),
      ).toEqual([
        ['a1', 'failed', expect.stringContaining('layout 3 is not ready')],
        ['a2', 'skipped', 'not reached before the rollout was aborted'],
        ['b1', 'skipped', 'not reached before the rollout was aborted'],
      ]);
      expect(await versions()).toEqual({
        a1: '2.0.0/2',
        a2: '2.0.0/2',
        b1: '2.0.0/2',
      });

      // Forced: bob's running engine is released for the switch; then everything is rolled back.
      await as(bob)('post', `/instances/${b1}/launch`).expect(200);
      await waitForState(server, b1, 'running', bob);
      const forced = await rollout({
        from: '2.0.0',
        to: '1.0.0',
        force: true,
        concurrency: 2,
      });
      const forcedDone = await until(forced.body.id, 'completed');
      expect([
        forcedDone.message,
        forcedDone.targets.map((t: any) => t.detail),
      ]).toEqual([
        '3 switched, 0 failed, 0 skipped',
        ['on version 1.0.0', 'on version 1.0.0', 'on version 1.0.0'],
      ]);
      expect(await versions()).toEqual({
        a1: '1.0.0/1',
        a2: '1.0.0/1',
        b1: '1.0.0/1',
      });
      const b1Events = (
        await as(bob)('get', `/instances/${b1}`)
      ).body.events.map((e: any) => e.message);
      expect(b1Events).toContainEqual(
        'releasing: the rollout to version 1.0.0 switches it now',
      );
      expect(
        (await admin('post', `/rollouts/${forced.body.id}/rollback`)).body
          .state,
      ).toBe('rolling-back');
      const rolledBack = await until(forced.body.id, 'rolled-back');
      expect(
        rolledBack.targets.map((t: any) => [t.name, t.goal, t.status]),
      ).toEqual([
        ['a1', '2.0.0', 'done'],
        ['a2', '2.0.0', 'done'],
        ['b1', '2.0.0', 'done'],
      ]);
      expect(await versions()).toEqual({
        a1: '2.0.0/2',
        a2: '2.0.0/2',
        b1: '2.0.0/2',
      });

      // Paused, a rollout starts nothing; resumed, it finishes.
      const slow = await rollout({
        from: '2.0.0',
        to: '1.0.0',
        concurrency: 1,
      });
      await admin('post', `/rollouts/${slow.body.id}/pause`).expect(200);
      const frozen = await eventually(async () => {
        const { body } = await admin('get', `/rollouts/${slow.body.id}`);
        expect(body.counts.claimed + body.counts.switching).toBe(0);
        return body;
      });
      await new Promise(r => setTimeout(r, 2500));
      const still = (await admin('get', `/rollouts/${slow.body.id}`)).body;
      expect([still.state, byName(still)]).toEqual(['paused', byName(frozen)]);
      expect(byName(still)).not.toEqual({ a1: 'done', a2: 'done', b1: 'done' });
      await admin('post', `/rollouts/${slow.body.id}/resume`).expect(200);
      expect((await until(slow.body.id, 'completed')).message).toBe(
        '3 switched, 0 failed, 0 skipped',
      );

      const list = await admin('get', '/rollouts?templateId=sample-engine');
      expect(list.body.items.map((r: any) => [r.from, r.to, r.state])).toEqual([
        ['2.0.0', '1.0.0', 'completed'],
        ['2.0.0', '1.0.0', 'rolled-back'],
        ['2.0.0', '3.0.0', 'aborted'],
        ['1.0.0', '2.0.0', 'completed'],
      ]);
      expect((await as(alice)('get', '/rollouts')).status).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});
