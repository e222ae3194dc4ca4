import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { createUserTokenIssuer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { ownersOnlyPolicy } from '@aigc-gateway/backstage-plugin-aigc-gateway-backend/testUtils';
import knexFactory from 'knex';
import request from 'supertest';
import fc from 'fast-check';
import { kubeConfigFromFile } from './cluster/kubeConfigFromFile';
import { eventually } from './__testUtils__/events';
import { startSampleEngine } from './__testUtils__/sampleEngine';
import { startGatewayOnCluster } from './__testUtils__/gatewayOnCluster';
import { poolCounted, portalUsers } from './__testUtils__/portalUsers';
import {
  describeWithCluster,
  startTestCluster,
  TestCluster,
} from './__testUtils__/testCluster';

const NAMESPACE = 'aigc-gateway-test';
const alice = mockCredentials.user.header('user:default/alice');

/** The gateway as users reach it, with engines on the test cluster. */
describeWithCluster('the gateway on the Kubernetes runtime', () => {
  let cluster: TestCluster;
  let engine: { port: number; stop(): Promise<void> };
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let core: CoreV1Api;
  const api = (method: 'get' | 'post', path: string) =>
    request(backend.server)
      [method](`/api/aigc-gateway${path}`)
      .set('Authorization', alice);
  const stateOf = async (id: string) =>
    (await api('get', `/instances/${id}`)).body;

  /** The gateway on the test cluster; see startGatewayOnCluster. */
  const startGateway = (
    database?: string,
    options: { ingress?: object; features?: any[] } = {},
  ) =>
    startGatewayOnCluster({
      kubeconfig: cluster.kubeconfig,
      namespace: NAMESPACE,
      enginePort: engine.port,
      database,
      ...options,
    });

  beforeAll(async () => {
    cluster = startTestCluster('aigc-k8s-gateway-test');
    core = kubeConfigFromFile(cluster.kubeconfig).makeApiClient(CoreV1Api);
    // kwok runs no containers: every instance's traffic goes to one sample engine here.
    engine = await startSampleEngine();
    backend = await startGateway();
    await poolCounted(backend.server, alice);
  }, 30 * 60_000);

  afterAll(async () => {
    await backend?.stop();
    await engine?.stop();
    cluster?.stop();
  }, 60_000);

  it('launches a pod, proxies to the engine, releases keeping the claim, and relaunches on the same claim', async () => {
    const launched = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name: 'k8s',
    });
    expect(launched.status).toBe(201);
    const id = launched.body.id;
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('running'),
      60_000,
    );

    const pod = await core.readNamespacedPod({
      name: `aigc-${id}`,
      namespace: NAMESPACE,
    });
    expect(pod.metadata?.labels?.['backstage.io/kubernetes-id']).toBe(
      `aigc-instance-${id}`,
    );
    expect(pod.spec?.nodeSelector).toEqual({
      'aigc-gateway.io/pool': 'rtx3090',
    });
    const claim = pod.spec?.volumes?.find(v => v.persistentVolumeClaim)
      ?.persistentVolumeClaim?.claimName;
    expect(claim).toMatch(/^aigc-vol-[0-9a-f-]+$/);

    const page = await api('get', `/instances/${id}/proxy/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sample Engine');

    await api('post', `/instances/${id}/release`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('released'),
      30_000,
    );
    await expect(
      core.readNamespacedPod({ name: `aigc-${id}`, namespace: NAMESPACE }),
    ).rejects.toThrow();
    expect(
      (
        await core.readNamespacedPersistentVolumeClaim({
          name: claim!,
          namespace: NAMESPACE,
        })
      ).status?.phase,
    ).toBe('Bound');

    await api('post', `/instances/${id}/launch`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('running'),
      60_000,
    );
    const again = await core.readNamespacedPod({
      name: `aigc-${id}`,
      namespace: NAMESPACE,
    });
    expect(
      again.spec?.volumes?.find(v => v.persistentVolumeClaim)
        ?.persistentVolumeClaim?.claimName,
    ).toBe(claim);
    await api('post', `/instances/${id}/release`);
    await eventually(
      async () => expect((await stateOf(id)).state).toBe('released'),
      30_000,
    );
  }, 180_000);

  it('takes versions through the API from allowed registries only, and without a podSpecPatch', async () => {
    const carol = mockCredentials.user.header('user:default/carol');
    const create = (image: string, extra: object = {}) =>
      request(backend.server)
        .post('/api/aigc-gateway/versions?dryRun=true')
        .set('Authorization', carol)
        .send({
          templateId: 'sample-engine',
          version: '2.1.0',
          basedOn: '2.0.0',
          pools: ['rtx3090'],
          runtime: { kubernetes: { image, ...extra } },
        });
    const evil = await create('evil.example/miner:1');
    expect({ status: evil.status, message: evil.body.error?.message }).toEqual({
      status: 400,
      message:
        'version 2.1.0: image evil.example/miner:1 is from evil.example, which aigcGateway.runtime.kubernetes.allowedRegistries does not allow (registry.example.com)',
    });
    const patched = await create(
      'registry.example.com/aigc/sample-engine:2.1.0',
      {
        podSpecPatch: { hostNetwork: true },
      },
    );
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toContain(
      'a podSpecPatch is not allowed',
    );
    expect(
      (await create('registry.example.com/aigc/sample-engine:2.1.0')).status,
    ).toBe(200);
  });

  it('queues a launch into a full pool, with the pool live from the nodes, and starts it when a GPU frees', async () => {
    const ids: string[] = [];
    for (const name of ['q1', 'q2', 'q3', 'q4']) {
      const res = await api('post', '/instances').send({
        templateId: 'sample-engine',
        name,
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const fifth = await api('post', '/instances').send({
      templateId: 'sample-engine',
      name: 'q5',
    });
    expect({ status: fifth.status, state: fifth.body.state }).toEqual({
      status: 202,
      state: 'queued',
    });
    const pools = (await api('get', '/pools')).body.items;
    expect(pools[0].capacity).toEqual({
      total: 4,
      used: 4,
      free: 0,
      queued: 1,
    });

    for (const id of ids)
      await eventually(
        async () => expect((await stateOf(id)).state).toBe('running'),
        60_000,
      );
    await api('post', `/instances/${ids[0]}/release`);
    await eventually(
      async () => expect((await stateOf(fifth.body.id)).state).toBe('running'),
      60_000,
    );
    for (const id of [...ids.slice(1), fifth.body.id])
      await api('post', `/instances/${id}/release`);
  }, 240_000);

  it('converges after the backend restarts mid-launch, and closes the usage of a pod deleted behind its back', async () => {
    const database = mkdtempSync(join(tmpdir(), 'aigc-k8s-restart-'));
    const first = await startGateway(database);
    await poolCounted(first.server, alice);
    const launched = await request(first.server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sample-engine', name: 'restart' });
    expect({ status: launched.status, state: launched.body.state }).toEqual({
      status: 201,
      state: 'starting',
    });
    const id = launched.body.id;
    // The backend goes while the pod is still starting; its pod and its data stay.
    await first.stop();

    const second = await startGateway(database);
    try {
      const stateOn = async () =>
        (
          await request(second.server)
            .get(`/api/aigc-gateway/instances/${id}`)
            .set('Authorization', alice)
        ).body;
      await eventually(
        async () => expect((await stateOn()).state).toBe('running'),
        60_000,
      );
      expect(
        (
          await core.readNamespacedPod({
            name: `aigc-${id}`,
            namespace: NAMESPACE,
          })
        ).status?.phase,
      ).toBe('Running');

      await core.deleteNamespacedPod({
        name: `aigc-${id}`,
        namespace: NAMESPACE,
        gracePeriodSeconds: 0,
      });
      const failed = await eventually(async () => {
        const body = await stateOn();
        expect(body.state).toBe('failed');
        return body;
      }, 30_000);
      expect(failed.failureReason).toBe(
        `the pod aigc-${id} was deleted outside the gateway`,
      );
      const db = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(database, 'aigc-gateway.sqlite') },
        useNullAsDefault: true,
      });
      try {
        const intervals = await db('usage_intervals').where({
          instance_id: id,
        });
        expect(intervals.map(i => i.ended_at !== null)).toEqual([true]);
      } finally {
        await db.destroy();
      }
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('opens an engine at its own Ingress host to its owner only, matching the host exactly', async () => {
    const issuer = await createUserTokenIssuer();
    const gateway = await startGateway(undefined, {
      features: [
        ...issuer.features,
        mockServices.permissions.mock(ownersOnlyPolicy).factory,
      ],
      ingress: {
        host: '${instanceId}.engines.test',
        className: 'nginx',
        tlsSecretName: 'engines-wildcard-tls',
        authUrl:
          'http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth',
        signInUrl: 'https://portal.test/api/aigc-gateway/ingress/sign-in',
      },
    });
    const networking = kubeConfigFromFile(cluster.kubeconfig).makeApiClient(
      NetworkingV1Api,
    );
    const { authorization, call, portalCookie, launch } = portalUsers(
      gateway.server,
      user => issuer.sign(user),
    );
    /**
     * What ingress-nginx asks /forward-auth for a request to `url`, from the
     * Ingress of `instance` (by default the one whose host `url` names).
     */
    const forwardAuth = (
      url: string,
      cookie?: string,
      instance = new URL(url).hostname.split('.')[0],
    ) => {
      const req = request(gateway.server)
        .get(`/api/aigc-gateway/forward-auth?instance=${instance}`)
        .set('X-Original-URL', url);
      return cookie ? req.set('Cookie', cookie) : req;
    };
    /** Signs in as `user` to the engine at `url` and returns the session cookie of its host. */
    const signIn = async (user: string, url: string) => {
      const res = await request(gateway.server)
        .get(`/api/aigc-gateway/ingress/sign-in?rd=${encodeURIComponent(url)}`)
        .set('Cookie', await portalCookie(user));
      expect(res.status).toBe(302);
      const back = await forwardAuth(res.headers.location);
      expect(back.status).toBe(200);
      return {
        ticketUrl: res.headers.location as string,
        session: String(back.headers['set-cookie']).split(';')[0],
      };
    };
    try {
      await poolCounted(gateway.server, await authorization('alice'));
      const alice1 = await launch('alice', 'ingress-alice');
      const bob1 = await launch('bob', 'ingress-bob');
      const hostA = `${alice1.id}.engines.test`;
      const hostB = `${bob1.id}.engines.test`;

      // The Ingress, as the API server stored it.
      const ingress = await networking.readNamespacedIngress({
        name: `aigc-${alice1.id}`,
        namespace: NAMESPACE,
      });
      expect(ingress.metadata?.labels?.['backstage.io/kubernetes-id']).toBe(
        `aigc-instance-${alice1.id}`,
      );
      expect(ingress.metadata?.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/auth-url': `http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth?instance=${alice1.id}`,
        'nginx.ingress.kubernetes.io/auth-signin':
          'https://portal.test/api/aigc-gateway/ingress/sign-in',
        'nginx.ingress.kubernetes.io/auth-response-headers':
          'X-Auth-Request-User',
      });
      expect(ingress.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'Pod',
        name: `aigc-${alice1.id}`,
      });
      expect(ingress.spec).toMatchObject({
        ingressClassName: 'nginx',
        tls: [{ hosts: [hostA], secretName: 'engines-wildcard-tls' }],
        rules: [
          {
            host: hostA,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: `aigc-${alice1.id}`,
                      port: { name: 'http' },
                    },
                  },
                },
              ],
            },
          },
        ],
      });
      // The portal opens the engine through the sign-in, at its host.
      expect(alice1.url).toMatch(
        new RegExp(
          `/api/aigc-gateway/ingress/sign-in\\?rd=${encodeURIComponent(
            `https://${hostA}/`,
          ).replace(/[.%]/g, '\\$&')}$`,
        ),
      );

      // Without a session: 401, which nginx turns into a redirect to the sign-in.
      expect((await forwardAuth(`https://${hostA}/`)).status).toBe(401);
      const a = await signIn('alice', `https://${hostA}/sdapi/v1/options`);
      expect(new URL(a.ticketUrl).pathname).toBe('/sdapi/v1/options');
      expect(a.session).toMatch(/^__Host-aigc-gateway=/);
      const ok = await forwardAuth(
        `https://${hostA}/queue/join?x=1`,
        a.session,
      );
      expect({
        status: ok.status,
        user: ok.headers['x-auth-request-user'],
      }).toEqual({ status: 200, user: 'user:default/alice' });
      const b = await signIn('bob', `https://${hostB}/`);
      // A ticket works once: one copied from the address bar or a log opens nothing.
      expect((await forwardAuth(a.ticketUrl)).status).toBe(401);

      // bob cannot sign in to alice's engine, nor use his ticket or session there.
      const bobAtA = await request(gateway.server)
        .get(
          `/api/aigc-gateway/ingress/sign-in?rd=${encodeURIComponent(
            `https://${hostA}/`,
          )}`,
        )
        .set('Cookie', await portalCookie('bob'));
      expect(bobAtA.status).toBe(404);
      const bobTicket = new URL(b.ticketUrl).searchParams.get(
        'aigc-gateway-ticket',
      );
      expect(
        (
          await forwardAuth(
            `https://${hostA}/?aigc-gateway-ticket=${bobTicket}`,
          )
        ).status,
      ).toBe(401);
      expect((await forwardAuth(`https://${hostA}/`, b.session)).status).toBe(
        401,
      );
      // Another tenant's host anywhere but in the host itself names no engine.
      for (const url of [
        `https://evil.test/?host=${hostA}`,
        `https://evil.test/${hostA}/`,
        `https://${hostA}.evil.test/`,
        `https://evil-${hostA}/`,
        `https://evil.test/?next=https://${hostA}/`,
      ]) {
        expect({
          url,
          status: (await forwardAuth(url, a.session)).status,
        }).toEqual({ url, status: 403 });
      }
      // A request routed to bob's Ingress (by an absolute-form target) with
      // alice's Host header: nginx reports alice's host; bob's auth URL names bob.
      expect(
        (await forwardAuth(`https://${hostA}/`, a.session, bob1.id)).status,
      ).toBe(403);
      expect(
        (await forwardAuth(`https://${hostB}/`, b.session, alice1.id)).status,
      ).toBe(403);
      // bob's own host with alice's host in its path or query is still bob's engine only.
      const bobWithA = await forwardAuth(
        `https://${hostB}/${hostA}/?host=${hostA}`,
        b.session,
      );
      expect({
        status: bobWithA.status,
        user: bobWithA.headers['x-auth-request-user'],
      }).toEqual({
        status: 200,
        user: 'user:default/bob',
      });
      // Traefik's headers name the host the same way.
      const traefik = await request(gateway.server)
        .get(`/api/aigc-gateway/forward-auth?instance=${alice1.id}`)
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'evil.test')
        .set('X-Forwarded-Uri', `/?host=${hostA}`)
        .set('Cookie', a.session);
      expect(traefik.status).toBe(403);
      expect(
        (await request(gateway.server).get('/api/aigc-gateway/forward-auth'))
          .status,
      ).toBe(400);

      // Fuzzed forward-auth requests: never a 5xx, and a 200 only for a host with its own session.
      const hostPart = fc.oneof(
        fc.constantFrom(
          hostA,
          hostB,
          `${hostA}.evil.test`,
          `evil-${hostA}`,
          'evil.test',
          hostA.toUpperCase(),
          `${hostA}:8443`,
        ),
        fc.domain(),
        fc.string({ maxLength: 40 }),
      );
      const tail = fc.oneof(
        fc.constantFrom(
          '/',
          `/?host=${hostA}`,
          `/${hostA}/`,
          '/?aigc-gateway-ticket=x.y',
        ),
        fc.webPath(),
      );
      const cookie = fc.oneof(
        fc.constantFrom(a.session, b.session, `${a.session}x`, ''),
        fc.string({ maxLength: 60 }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          hostPart,
          tail,
          cookie,
          async (nginx, host, path, sent) => {
            const req = request(gateway.server).get(
              `/api/aigc-gateway/forward-auth?instance=${
                host.startsWith(bob1.id) ? bob1.id : alice1.id
              }`,
            );
            if (nginx) req.set('X-Original-URL', `https://${host}${path}`);
            else req.set('X-Forwarded-Host', host).set('X-Forwarded-Uri', path);
            const res = await req.set('Cookie', sent);
            const url = `${
              nginx ? 'X-Original-URL' : 'X-Forwarded-Host'
            } ${host} ${path} cookie ${sent.slice(0, 20)}`;
            expect({
              url,
              status: [200, 400, 401, 403].includes(res.status),
            }).toEqual({ url, status: true });
            const hostname =
              res.status === 200
                ? new URL(`https://${host}${path}`).hostname
                : undefined;
            const own =
              (hostname === hostA && sent === a.session) ||
              (hostname === hostB && sent === b.session);
            expect({
              url,
              passedOnlyWithItsSession: res.status !== 200 || own,
            }).toEqual({ url, passedOnlyWithItsSession: true });
          },
        ),
        { numRuns: 200 },
      );

      // Released: the Ingress goes with the pod and the session no longer opens anything.
      await (
        await call('alice')
      )('post', `/instances/${alice1.id}/release`);
      await eventually(
        async () =>
          expect(
            (
              await (
                await call('alice')
              )('get', `/instances/${alice1.id}`)
            ).body.state,
          ).toBe('released'),
        30_000,
      );
      await expect(
        networking.readNamespacedIngress({
          name: `aigc-${alice1.id}`,
          namespace: NAMESPACE,
        }),
      ).rejects.toThrow();
      // Every replica's access cache learns of the release within a second.
      await eventually(
        async () =>
          expect(
            (
              await forwardAuth(`https://${hostA}/`, a.session)
            ).status,
          ).toBe(403),
        5_000,
      );
      await (
        await call('bob')
      )('post', `/instances/${bob1.id}/release`);
      await eventually(
        async () =>
          expect(
            (
              await (
                await call('bob')
              )('get', `/instances/${bob1.id}`)
            ).body.state,
          ).toBe('released'),
        30_000,
      );
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});
