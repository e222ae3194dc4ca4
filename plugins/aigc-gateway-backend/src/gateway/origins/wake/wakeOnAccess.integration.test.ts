import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  portalCookie,
  startWithAliceEngine,
  waitForState,
} from '../../../__testUtils__/gateway';
import { atEngine, sessionAt } from '../../../__testUtils__/engineOrigin';
import { ownersOnlyPolicy } from '../../../testUtils';
import { talk } from '../../../__testUtils__/webSocket';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(60_000);

/** What a browser sends when a person opens a page. */
const navigation = { 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' };

describe("an engine's address", () => {
  it('wakes its released instance for its owner, on the same volume, and for nobody and nothing else', async () => {
    const gateway = await startWithAliceEngine({
      databases,
      ports: { from: 18460, to: 18469 },
      features: [mockServices.permissions.mock(ownersOnlyPolicy).factory],
      extra: {
        quotas: [{ entityRef: 'user:default/alice', maxInstances: 1 }],
      },
    });
    const { server, issuer, alice, cookie, id, knex, clock, audits } = gateway;
    const api = (method: 'get' | 'post', path: string, user = alice) =>
      request(server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', user);
    const state = async () => (await api('get', `/instances/${id}`)).body.state;
    try {
      // alice makes an image, and her engine's address is in the API.
      await api('post', `/instances/${id}/proxy/sdapi/v1/txt2img`)
        .send({ prompt: 'kept', steps: 2, width: 32, height: 32 })
        .expect(200);
      const view = (await api('get', `/instances/${id}`)).body;
      const { origin, session } = await sessionAt(server, view.url, cookie);
      expect(view.address).toBe(`${origin}/`);
      const at = (
        path: string,
        headers: Record<string, string> = {},
        method = 'GET',
      ) =>
        atEngine(`${origin}${path}`, {
          method,
          headers: { cookie: session!, ...headers },
        });
      // A bookmark opened in a browser without the portal's cookie goes to
      // the portal, which signs it in and comes back (once).
      const signIn = new URL(view.url);
      const html = { accept: 'text/html' };
      const toPortal = await request(server)
        .get(`${signIn.pathname}${signIn.search}`)
        .set(html);
      expect(toPortal.status).toBe(302);
      expect(toPortal.headers.location).toMatch(
        new RegExp(`/aigc-gateway\\?open=${encodeURIComponent(`${origin}/`)}$`),
      );
      expect(
        (
          await request(server)
            .get(`${signIn.pathname}${signIn.search}&portal=1`)
            .set(html)
        ).status,
      ).toBe(401);

      await api('post', `/instances/${id}/release`).expect(200);
      await waitForState(server, id, 'released', alice);

      // Scripts, prefetches and HEAD requests wake nothing.
      const script = await at('/sdapi/v1/progress', {
        accept: 'application/json',
      });
      expect(script.status).toBe(503);
      expect(script.headers['retry-after']).toBe('5');
      expect(JSON.parse(script.body).instance).toEqual({
        id,
        state: 'released',
      });
      expect(
        (await at('/', { ...navigation, 'sec-purpose': 'prefetch' })).status,
      ).toBe(503);
      expect((await at('/', navigation, 'HEAD')).status).toBe(503);
      expect(await state()).toBe('released');

      // Released by alice a moment ago: a tab left open asks before it starts it again.
      const asks = await at('/outputs', navigation);
      expect(asks.status).toBe(200);
      expect(asks.body).toContain('was released a moment ago');
      expect(await state()).toBe('released');
      // bob, at alice's address: the portal's sign-in gives him no ticket there.
      const bobCookie = await portalCookie(
        server,
        `Bearer ${await issuer.sign('bob')}`,
      );
      const bobAt = await sessionAt(server, view.url, bobCookie);
      expect(bobAt.status).toBe(404);
      expect(bobAt.session).toBeUndefined();
      expect(await state()).toBe('released');

      // Its button starts it: a post from the engine's own origin only.
      const confirm = (headers: Record<string, string>) =>
        at('/.aigc-gateway/wake?next=%2Foutputs', headers, 'POST');
      expect(
        (
          await confirm({
            origin: 'http://evil.example',
            'sec-fetch-site': 'cross-site',
          })
        ).status,
      ).toBe(403);
      expect(await state()).toBe('released');
      const confirmed = await confirm({
        origin,
        'sec-fetch-site': 'same-origin',
      });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe('/outputs');
      await waitForState(server, id, 'running', alice);
      await api('post', `/instances/${id}/release`).expect(200);
      await waitForState(server, id, 'released', alice);

      // Later, a link on another site to her engine asks before it starts it.
      clock.advance(2 * 60_000);
      const linked = await at('/outputs', {
        ...navigation,
        'sec-fetch-site': 'cross-site',
        'sec-fetch-dest': 'document',
      });
      expect(linked.status).toBe(200);
      expect(linked.body).toContain('Start Sample Engine?');
      expect(await state()).toBe('released');

      // She opens her bookmark: a progress page, then her engine at the path she asked for.
      const page = await at('/outputs', navigation);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Starting Sample Engine on This machine');
      expect(page.headers['content-security-policy']).toContain(
        "script-src 'nonce-",
      );
      await waitForState(server, id, 'running', alice);
      const status = JSON.parse((await at('/.aigc-gateway/status')).body);
      expect(status.state).toBe('running');
      const images = await at('/outputs', navigation);
      expect(images.status).toBe(200);
      expect(JSON.parse(images.body)).toHaveLength(1);
      const intervals = await knex('usage_intervals')
        .where({ instance_id: id })
        .orderBy('id');
      expect(intervals.map(i => i.cause)).toEqual([
        null,
        'woken on access',
        'woken on access',
      ]);
      expect(
        audits.filter(e => e.eventId === 'wake' && e.meta.instanceId === id),
      ).toEqual([
        expect.objectContaining({
          status: 'succeeded',
          meta: expect.objectContaining({
            actor: 'user:default/alice',
            detail: 'confirmed',
          }),
        }),
        expect.objectContaining({
          status: 'succeeded',
          meta: expect.objectContaining({
            actor: 'user:default/alice',
            detail: 'page load',
          }),
        }),
      ]);

      // A wake past a quota is refused, naming it; nothing starts.
      await api('post', `/instances/${id}/release`).expect(200);
      await waitForState(server, id, 'released', alice);
      await api('post', '/instances')
        .send({ templateId: 'sample-engine', name: 'second' })
        .expect(201);
      clock.advance(2 * 60_000);
      const refused = await at('/', navigation);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('quota');
      expect(await state()).toBe('released');
      // The refusal is audited, with its reason.
      expect(audits.at(-1)).toMatchObject({
        eventId: 'wake',
        status: 'failed',
        meta: { actor: 'user:default/alice', instanceId: id },
        error: expect.stringContaining('quota'),
      });
      // A script that asks for a wake gets the same refusal, as JSON.
      const asked = await at('/', {
        accept: 'application/json',
        'x-aigc-gateway-wake': '1',
      });
      expect(asked.status).toBe(403);
      expect(JSON.parse(asked.body).error.message).toContain('quota');
    } finally {
      await gateway.backend.stop();
    }
  });

  it("asks an admin before starting someone else's engine, and answers WebSockets with 503", async () => {
    // The tests' default policy allows everyone everything: bob acts as an admin.
    const gateway = await startWithAliceEngine({
      databases,
      ports: { from: 18470, to: 18479 },
    });
    const { server, issuer, alice, cookie, id } = gateway;
    const state = async () =>
      (
        await request(server)
          .get(`/api/aigc-gateway/instances/${id}`)
          .set('Authorization', alice)
      ).body.state;
    try {
      const view = (
        await request(server)
          .get(`/api/aigc-gateway/instances/${id}`)
          .set('Authorization', alice)
      ).body;
      const mine = await sessionAt(server, view.url, cookie);
      await request(server)
        .post(`/api/aigc-gateway/instances/${id}/release`)
        .set('Authorization', alice)
        .expect(200);
      await waitForState(server, id, 'released', alice);
      const ws = await talk(
        `ws://127.0.0.1:${new URL(mine.origin).port}/queue/join`,
        {
          host: new URL(mine.origin).host,
          cookie: mine.session!,
          origin: mine.origin,
        },
      );
      expect(ws.status).toBe(503);

      const bobCookie = await portalCookie(
        server,
        `Bearer ${await issuer.sign('bob')}`,
      );
      const bobs = await sessionAt(server, view.url, bobCookie);
      const page = await atEngine(`${bobs.origin}/`, {
        headers: { cookie: bobs.session!, ...navigation },
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('Start Sample Engine of user:default/alice?');
      expect(await state()).toBe('released');
      const confirmed = await atEngine(
        `${bobs.origin}/.aigc-gateway/wake?next=%2F`,
        {
          method: 'POST',
          headers: {
            cookie: bobs.session!,
            origin: bobs.origin,
            'sec-fetch-site': 'same-origin',
          },
        },
      );
      expect(confirmed.status).toBe(303);
      await waitForState(server, id, 'running', alice);
    } finally {
      await gateway.backend.stop();
    }
  });
});
