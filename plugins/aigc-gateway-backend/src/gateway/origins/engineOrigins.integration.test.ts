import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  portalCookie,
  startWithAliceEngine,
  waitForState,
} from '../../__testUtils__/gateway';
import { atEngine } from '../../__testUtils__/engineOrigin';
import { talk } from '../../__testUtils__/webSocket';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Talks to a WebSocket at an engine's origin, sent to loopback with the URL's host. */
function talkAt(url: string, headers: Record<string, string>) {
  const target = new URL(url);
  return talk(`ws://127.0.0.1:${target.port}${target.pathname}`, {
    host: target.host,
    ...headers,
  });
}

/**
 * Engines at their own origins, through the gateway's own listener: the
 * portal's sign-in hands a single-use ticket for one host to the browser,
 * which becomes a session cookie of that host alone; nothing another engine
 * or site does with it drives the engine.
 */
describe('engines at their own origins', () => {
  it('open through a one-time ticket, keep their session on their host, and refuse other origins', async () => {
    const gateway = await startWithAliceEngine({
      databases,
      ports: { from: 18440, to: 18449 },
    });
    const { server, issuer, alice, cookie, id } = gateway;
    try {
      const bob = `Bearer ${await issuer.sign('bob')}`;
      const bobLaunch = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', bob)
        .send({ templateId: 'sample-engine' });
      await waitForState(server, bobLaunch.body.id, 'running', bob);
      const view = await request(server)
        .get(`/api/aigc-gateway/instances/${id}`)
        .set('Authorization', alice);
      const signIn = new URL(view.body.url);
      expect(signIn.pathname).toBe('/api/aigc-gateway/ingress/sign-in');
      const engineUrl = new URL(signIn.searchParams.get('rd')!);
      expect(engineUrl.hostname).toBe(`${id}.localhost`);
      const origin = engineUrl.origin;

      // The sign-in, with the portal's cookie, sends the browser to its engine with a ticket.
      const handoff = await request(server)
        .get(`${signIn.pathname}${signIn.search}`)
        .set('Cookie', cookie);
      expect(handoff.status).toBe(302);
      // Links without noreferrer (the catalog's) send no referrer on to the engine either.
      expect(handoff.headers['referrer-policy']).toBe('no-referrer');
      const ticketUrl = handoff.headers.location as string;
      expect(new URL(ticketUrl).origin).toBe(origin);
      // Nor over another scheme than the hosts', where the ticket could be read on the way.
      const refused = await request(server)
        .get(signIn.pathname)
        .query({ rd: `${origin.replace('http:', 'https:')}/` })
        .set('Cookie', cookie);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain(
        'rd must be an http URL, as the engine hosts are, not https:',
      );

      // The ticket becomes a session cookie of this host alone and leaves the URL.
      const redeemed = await atEngine(ticketUrl, {});
      expect(redeemed.status).toBe(303);
      expect(redeemed.headers.location).toBe('/');
      const setCookie = String(redeemed.headers['set-cookie']);
      expect(setCookie).toMatch(
        /^aigc-gateway-session=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/,
      );
      const session = setCookie.split(';')[0];
      // Used once: a ticket copied from a log or the history opens nothing.
      expect((await atEngine(ticketUrl, {})).status).toBe(401);

      const page = await atEngine(`${origin}/`, {
        headers: { cookie: session, 'sec-fetch-site': 'none' },
      });
      expect(page.status).toBe(200);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect((await atEngine(`${origin}/internal/ping`, {})).status).toBe(401);
      // A page load without a session goes to the portal's sign-in and back.
      const navigation = await atEngine(`${origin}/outputs?page=2`, {
        headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none' },
      });
      expect(navigation.status).toBe(302);
      expect(navigation.headers.location).toBe(
        `${signIn.origin}${signIn.pathname}?rd=${encodeURIComponent(
          `${origin}/outputs?page=2`,
        )}`,
      );
      // The portal's own cookie means nothing at an engine's origin.
      expect(
        (await atEngine(`${origin}/internal/ping`, { headers: { cookie } }))
          .status,
      ).toBe(401);

      // Another engine's host: alice's session is not valid there.
      const bobOrigin = origin.replace(id, bobLaunch.body.id);
      expect(
        (
          await atEngine(`${bobOrigin}/internal/ping`, {
            headers: { cookie: session },
          })
        ).status,
      ).toBe(401);
      // A cookie of the session's name set for a shared parent domain (by a
      // sibling host's page) does not hide the real session.
      expect(
        (
          await atEngine(`${origin}/internal/ping`, {
            headers: { cookie: `aigc-gateway-session=tossed; ${session}` },
          })
        ).status,
      ).toBe(200);
      // An absolute-form target names no path of the engine, with its session or not.
      expect(
        (
          await atEngine(`${origin}/internal/ping`, {
            headers: { cookie: session },
            requestTarget: `http://${bobOrigin.slice(
              'http://'.length,
            )}/outputs`,
          })
        ).status,
      ).toBe(400);
      // No service worker: its script is never served.
      const worker = await atEngine(`${origin}/sw.js`, {
        headers: {
          cookie: session,
          'service-worker': 'script',
          'sec-fetch-site': 'same-origin',
          'sec-fetch-dest': 'serviceworker',
        },
      });
      expect(worker.status).toBe(403);
      expect(worker.body).toContain('may not install service workers');
      // A host that is not exactly an engine's names none.
      expect(
        (
          await atEngine(`http://evil.localhost:${engineUrl.port}/`, {
            headers: { cookie: session },
          })
        ).status,
      ).toBe(404);

      // State changes and WebSockets only from the engine's own origin.
      const job = JSON.stringify({ prompt: 'forged', steps: 1 });
      const post = (headers: Record<string, string>) =>
        atEngine(`${origin}/sdapi/v1/txt2img`, {
          method: 'POST',
          headers: {
            cookie: session,
            'content-type': 'application/json',
            ...headers,
          },
          body: job,
        });
      expect(
        (
          await post({
            origin: 'http://evil.example',
            'sec-fetch-site': 'cross-site',
          })
        ).status,
      ).toBe(403);
      // Same-site or not (hosts under one production domain are), bob's pages cannot drive alice's engine.
      expect(
        (await post({ origin: bobOrigin, 'sec-fetch-site': 'same-site' }))
          .status,
      ).toBe(403);
      expect((await post({})).status).toBe(403);
      expect(
        (await post({ origin, 'sec-fetch-site': 'same-origin' })).status,
      ).toBe(200);
      const ws = `${origin}/queue/join`;
      expect(
        await talkAt(ws, { cookie: session, origin: 'http://evil.example' }),
      ).toEqual({ status: 403 });
      expect(await talkAt(ws, { cookie: session, origin: bobOrigin })).toEqual({
        status: 403,
      });
      expect((await talkAt(ws, { cookie: session, origin })).reply).toEqual(
        expect.objectContaining({ echo: 'hello' }),
      );
      // Someone else's session at alice's engine (an admin's; the tests'
      // policy allows everyone) lasts ten minutes, and its WebSockets with it:
      // rights are checked again at the next sign-in.
      const bobCookie = await portalCookie(server, bob);
      const bobsTicket = (
        await request(server)
          .get(`${signIn.pathname}${signIn.search}`)
          .set('Cookie', bobCookie)
      ).headers.location as string;
      const bobsSetCookie = String(
        (await atEngine(bobsTicket, {})).headers['set-cookie'],
      );
      expect(bobsSetCookie).toContain('; Max-Age=600;');
      const bobsSession = bobsSetCookie.split(';')[0];
      const bobsSocket = await talk(
        `ws://127.0.0.1:${engineUrl.port}/queue/join`,
        { host: engineUrl.host, cookie: bobsSession, origin },
        { keepOpen: true },
      );
      const closed = new Promise(r => bobsSocket.socket!.once('close', r));
      gateway.clock.advance(600_000);
      await closed;
      const ping = (sessionCookie: string) =>
        atEngine(`${origin}/internal/ping`, {
          headers: { cookie: sessionCookie },
        });
      expect((await ping(bobsSession)).status).toBe(401);
      expect((await ping(session)).status).toBe(200);
      // On the path form, a WebSocket lasts no longer than the token that
      // opened it (Backstage's tokens expire by the real clock).
      const { port } = server.address() as AddressInfo;
      const shortToken = await issuer.sign('alice', { expiresIn: 2 });
      const pathSocket = await talk(
        `ws://127.0.0.1:${port}${gateway.proxy}/queue/join`,
        { authorization: `Bearer ${shortToken}` },
        { keepOpen: true },
      );
      expect(pathSocket.reply).toEqual(
        expect.objectContaining({ echo: 'hello' }),
      );
      await new Promise(r => pathSocket.socket!.once('close', r));

      // Released: a script's request with the session reaches nothing and
      // starts nothing (wakeOnAccess.integration.test.ts has the rest).
      await request(server)
        .post(`/api/aigc-gateway/instances/${id}/release`)
        .set('Authorization', alice);
      await waitForState(server, id, 'released', alice);
      expect(
        (
          await atEngine(`${origin}/internal/ping`, {
            headers: { cookie: session },
          })
        ).status,
      ).toBe(503);
      await waitForState(server, id, 'released', alice);
    } finally {
      await gateway.backend.stop();
    }
  });
});
