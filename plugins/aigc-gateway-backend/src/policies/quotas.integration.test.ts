import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { addSpendThisMonth } from '../__testUtils__/ledger';
import { asUser, startGateway } from '../__testUtils__/gateway';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** bob and erin are in creators-b; alice and dave in no group. */
const groups: Record<string, string[]> = {
  'user:default/bob': ['group:default/creators-b'],
  'user:default/erin': ['group:default/creators-b'],
};
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async (credentials: any) => {
    const ref = credentials.principal.userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
    };
  },
});

/** alice's launch past her quota of one instance. */
const aliceAtHerLimit = {
  status: 403,
  message:
    'launch refused by the quota of user:default/alice: at most 1 running or queued instance(s), and user:default/alice already run(s) or queue(s) 1',
};
const refusal = (res: { status: number; body: any }) => ({
  status: res.status,
  message: res.body.error?.message,
});

describe.each(databases.eachSupportedId())('quotas on %s', databaseId => {
  let ports = 19140;

  it('refuse launches past a user, group or monthly-spend limit, naming the quota, its limit and the use', async () => {
    const { backend, server, knex, clock } = await startGateway({
      databases,
      databaseId,
      ports: { from: ports, to: (ports += 5) - 1 },
      userInfo: userInfo.factory,
      extra: {
        quotas: [
          { entityRef: 'user:default/alice', maxInstances: 1 },
          { entityRef: 'group:default/creators-b', maxGpus: 1.5 },
          { entityRef: 'user:default/dave', monthlySpend: 5 },
        ],
      },
    });
    const launch = (user: string, name?: string) =>
      request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser(user))
        .send({ templateId: 'sample-engine', name });
    try {
      const first = await launch('alice');
      expect(first.status).toBe(201);
      const second = await launch('alice', 'second');
      expect(refusal(second)).toEqual(aliceAtHerLimit);
      await request(server)
        .post(`/api/aigc-gateway/instances/${first.body.id}/release`)
        .set('Authorization', asUser('alice'))
        .expect(200);
      expect((await launch('alice', 'second')).status).toBe(201);

      // The group's GPUs: bob's instance holds 1 of 1.5, so erin's would make 2.
      expect((await launch('bob')).status).toBe(201);
      const erin = await launch('erin');
      expect(refusal(erin)).toEqual({
        status: 403,
        message:
          'launch refused by the quota of group:default/creators-b: at most 1.5 GPU(s) in use; 1 are in use and this launch needs 1',
      });

      // dave spent 7.20 this month already, over his 5.00.
      await addSpendThisMonth(knex, clock.now(), 'user:default/dave', 2, 3.6);
      const dave = await launch('dave');
      expect(dave.status).toBe(403);
      expect(dave.body.error.message).toMatch(
        /^launch refused by the quota of user:default\/dave: at most 5\.00 USD per month; 7\.20 USD spent in \d{4}-\d{2}$/,
      );
      // carol has no quota.
      expect((await launch('carol')).status).toBe(201);
    } finally {
      await backend.stop();
    }
  });

  it('hold under parallel launches and through the queue', async () => {
    const { backend, server } = await startGateway({
      databases,
      databaseId,
      ports: { from: ports, to: (ports += 5) - 1 },
      userInfo: userInfo.factory,
      capacity: 2,
      extra: {
        quotas: [
          { entityRef: 'user:default/alice', maxInstances: 1 },
          { entityRef: 'user:default/dave', maxInstances: 2 },
        ],
      },
    });
    const launch = (user: string, name: string) =>
      request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser(user))
        .send({ templateId: 'sample-engine', name });
    try {
      // Six launches at once within dave's quota of two: two get in.
      const parallel = await Promise.all(
        ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map(name => launch('dave', name)),
      );
      expect(parallel.map(r => r.status).sort()).toEqual([
        201, 201, 403, 403, 403, 403,
      ]);
      // The pool (two slots) is now full: alice's launch waits in the queue,
      // and counts against her quota while it waits.
      const queued = await launch('alice', 'q1');
      expect({ status: queued.status, state: queued.body.state }).toEqual({
        status: 202,
        state: 'queued',
      });
      const second = await launch('alice', 'q2');
      expect(refusal(second)).toEqual(aliceAtHerLimit);
    } finally {
      await backend.stop();
    }
  });
});
