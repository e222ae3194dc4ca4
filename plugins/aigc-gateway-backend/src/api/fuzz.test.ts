import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import { costDimensions } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const alice = asUser('alice');

/** Every answer to bad input is a 4xx with a JSON error that says something. */
function expectClientError(res: request.Response, what: string) {
  expect({ what, status: res.status < 500 }).toEqual({ what, status: true });
  if (res.status >= 400 && res.type === 'application/json') {
    expect(typeof res.body.error?.message).toBe('string');
  }
}

describe('fuzzing the HTTP API', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let running: string;

  beforeAll(async () => {
    gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18500, to: 18509 },
    });
    const launched = await request(gateway.server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sample-engine', version: '2.0.0' });
    running = launched.body.id;
    await waitForState(gateway.server, running, 'running');
  }, 60_000);

  afterAll(() => gateway?.backend.stop());

  it('launch bodies: any JSON gets a 2xx or a 4xx, never a 5xx', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.record(
        {
          templateId: fc.oneof(
            fc.constant('sample-engine'),
            fc.string(),
            fc.integer(),
          ),
          version: fc.oneof(
            fc.constant('1.0.0'),
            fc.constant('9.9.9'),
            fc.string(),
            fc.constant(null),
          ),
          poolId: fc.oneof(fc.constant('local'), fc.string({ maxLength: 80 })),
          name: fc.oneof(fc.constant('x'), fc.string({ maxLength: 100 })),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async b => {
        const raw = typeof b === 'string' ? b : JSON.stringify(b);
        const res = await request(gateway.server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', asUser('fuzzer'))
          .set('Content-Type', 'application/json')
          .send(raw);
        expectClientError(res, raw);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('instance ids and actions: unknown or malformed ids are a 404 naming them', async () => {
    const id = fc.oneof(
      fc.uuid(),
      fc.string({ minLength: 1, maxLength: 60 }),
      fc.constant('..'),
      fc.constant('%2e%2e'),
    );
    const action = fc.constantFrom(
      ['get', ''],
      ['get', '/events'],
      ['post', '/release'],
      ['post', '/launch'],
      ['post', '/keepalive'],
      ['delete', '?deleteData=true'],
      ['delete', '?deleteData=maybe'],
    );
    await fc.assert(
      fc.asyncProperty(id, action, async (rawId, [method, suffix]) => {
        const path = `/api/aigc-gateway/instances/${encodeURIComponent(
          rawId,
        )}${suffix}`;
        const res = await (request(gateway.server) as any)
          [method](path)
          .set('Authorization', alice);
        expectClientError(res, `${method} ${path}`);
        expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('rollout bodies, ids and actions: any input gets a 2xx or a 4xx, never a 5xx', async () => {
    const versionish = fc.oneof(
      fc.constantFrom('1.0.0', '2.0.0', '9.9.9', ''),
      fc.string({ maxLength: 70 }),
      fc.integer(),
    );
    const body = fc.oneof(
      fc.json(),
      fc.record(
        {
          templateId: fc.oneof(
            fc.constant('sample-engine'),
            fc.string(),
            fc.constant(null),
          ),
          from: versionish,
          to: versionish,
          dryRun: fc.oneof(fc.boolean(), fc.constant('yes')),
          canaryPercent: fc.oneof(
            fc.integer({ min: -10, max: 110 }),
            fc.double(),
          ),
          concurrency: fc.oneof(fc.integer({ min: -1, max: 30 }), fc.string()),
          force: fc.oneof(fc.boolean(), fc.constant(1)),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async b => {
        const raw = typeof b === 'string' ? b : JSON.stringify(b);
        const res = await request(gateway.server)
          .post('/api/aigc-gateway/rollouts')
          .set('Authorization', alice)
          .set('Content-Type', 'application/json')
          .send(raw);
        expectClientError(res, raw);
      }),
      { numRuns: 150 },
    );
    const id = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 60 }));
    const action = fc.oneof(
      fc.constantFrom('pause', 'resume', 'abort', 'rollback', ''),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(id, action, async (rawId, rawAction) => {
        const path = `/api/aigc-gateway/rollouts/${encodeURIComponent(rawId)}${
          rawAction ? `/${encodeURIComponent(rawAction)}` : ''
        }`;
        const res = await (request(gateway.server) as any)
          [rawAction ? 'post' : 'get'](path)
          .set('Authorization', alice);
        expectClientError(res, path);
        expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('list and delete queries: bad values are a 400 naming the parameter', async () => {
    const res = await request(gateway.server)
      .get('/api/aigc-gateway/instances?scope=everyone')
      .set('Authorization', alice);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('query.scope');
  });

  it('cost queries: bad ranges, refs and dimensions are a 4xx that names the problem', async () => {
    const cases: Array<[string, number, string]> = [
      ['/cost/summary?from=2026-12-01&to=2026-11-01', 400, 'must be before to'],
      ['/cost/summary?from=2026-11-01&to=2026-11-01', 400, 'must be before to'],
      ['/cost/daily?from=2020-01-01&to=2026-01-01', 400, 'at most 366 days'],
      ['/cost/summary?from=2026-13-45', 400, 'from'],
      ['/cost/summary?from=yesterday', 400, 'query.from'],
      ['/cost/summary?groupBy=planet', 400, 'query.groupBy'],
      ['/cost/summary?entityRef=nonsense', 400, 'query.entityRef'],
      ['/cost/summary?entityRef=api:default/petstore', 400, 'has no costs'],
      [
        '/cost/summary?entityRef=component:default/no-such-engine',
        404,
        'component:default/no-such-engine',
      ],
      [
        '/cost/daily?entityRef=resource:default/aigc-instance-00000000-0000-4000-8000-000000000000',
        404,
        'aigc-instance-',
      ],
      [
        '/cost/export.csv?entityRef=component:other/sample-engine',
        404,
        'default namespace',
      ],
    ];
    for (const [path, status, message] of cases) {
      const res = await request(gateway.server)
        .get(`/api/aigc-gateway${path}`)
        .set('Authorization', alice);
      expect({
        path,
        status: res.status,
        message: res.body.error?.message?.includes(message),
      }).toEqual({ path, status, message: true });
    }
    const query = fc.record(
      {
        from: fc.oneof(
          fc.string({ maxLength: 30 }),
          fc
            .date()
            .map(d => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
        to: fc.oneof(
          fc.string({ maxLength: 30 }),
          fc
            .date()
            .map(d => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
        entityRef: fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(
            'user:default/alice',
            'group:default/x',
            'component:default/sample-engine',
          ),
        ),
        groupBy: fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.constantFrom(...costDimensions),
        ),
      },
      { requiredKeys: [] },
    );
    const endpoint = fc.constantFrom(
      '/cost/summary',
      '/cost/daily',
      '/cost/export.csv',
    );
    await fc.assert(
      fc.asyncProperty(endpoint, query, async (path, q) => {
        const res = await request(gateway.server)
          .get(`/api/aigc-gateway${path}`)
          .query(q)
          .set('Authorization', alice);
        expectClientError(res, `${path} ${JSON.stringify(q)}`);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('proxy paths: dot segments, encoded slashes and odd bytes never escape or crash', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2E%2e',
        '%2f',
        '%5c',
        '..%2f',
        '%00',
        '%ff',
        'outputs',
        'internal',
        'ping',
      ),
      fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async segments => {
        const path = `/api/aigc-gateway/instances/${running}/proxy/${segments.join(
          '/',
        )}`;
        const res = await request(gateway.server)
          .get(path)
          .set('Authorization', alice);
        // Engine answers pass through as they are; only the status class matters.
        expect({ path, serverError: res.status >= 500 }).toEqual({
          path,
          serverError: false,
        });
        const dotted = segments.some(s => /^(\.|\.\.)$|%2e|%2f|%5c/i.test(s));
        // Dot segments and encoded separators are refused (a malformed % may be too).
        expect({
          path,
          refusedIfDotted: !dotted || res.status === 400,
        }).toEqual({
          path,
          refusedIfDotted: true,
        });
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('huge headers are refused with a 4xx and the gateway keeps serving', async () => {
    const res = await request(gateway.server)
      .get(`/api/aigc-gateway/instances/${running}/proxy/internal/ping`)
      .set('Authorization', alice)
      .set('X-Huge', 'a'.repeat(64 * 1024))
      .catch((error: any) => error.response ?? { status: 431 });
    expect(res.status).toBe(431);
    await request(gateway.server)
      .get(`/api/aigc-gateway/instances/${running}/proxy/internal/ping`)
      .set('Authorization', alice)
      .expect(200);
  });
});
