import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startWithAliceEngine } from '../__testUtils__/gateway';
import { talk } from '../__testUtils__/webSocket';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const evil = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };

/**
 * The portal's cookie is SameSite=None, so a browser attaches it to requests
 * that any other site makes. Such requests must not drive the user's engine.
 */
describe('requests another site makes with the user cookie', () => {
  it('are refused for state changes, WebSockets and embedded reads; own pages, navigations and tokens still work', async () => {
    const gateway = await startWithAliceEngine({
      databases,
      ports: { from: 18420, to: 18429 },
      // Cookies on the path-form proxy, as a development portal may allow.
      extra: { pathProxy: { cookie: true } },
    });
    const { server, alice, cookie, proxy, id } = gateway;
    try {
      const ownOrigin = new URL(
        (
          await request(server)
            .get(`/api/aigc-gateway/instances/${id}`)
            .set('Authorization', alice)
        ).body.url,
      ).origin;
      const job = JSON.stringify({
        prompt: 'forged by another site',
        steps: 1,
      });
      const post = () =>
        request(server)
          .post(`${proxy}/sdapi/v1/txt2img`)
          .set('Cookie', cookie)
          .set('Content-Type', 'text/plain');

      // A form post from another site, with and without Fetch Metadata, or with neither header.
      const forged = await post().set(evil).send(job);
      expect(forged.status).toBe(403);
      expect(forged.body.error.message).toContain(
        'cross-site POST request refused',
      );
      expect(
        (await post().set('Origin', 'http://evil.example').send(job)).status,
      ).toBe(403);
      expect((await post().send(job)).status).toBe(403);
      expect(
        (
          await post()
            .set({
              Origin: 'http://localhost:3000',
              'Sec-Fetch-Site': 'same-site',
            })
            .send(job)
        ).status,
      ).toBe(403);
      // Images, iframes and no-cors fetches of another site.
      const embedded = {
        ...evil,
        'Sec-Fetch-Mode': 'no-cors',
        'Sec-Fetch-Dest': 'image',
      };
      expect(
        (
          await request(server)
            .get(`${proxy}/outputs`)
            .set('Cookie', cookie)
            .set(embedded)
        ).status,
      ).toBe(403);

      // The engine's own pages, old browsers on the same origin, links and bookmarks.
      expect(
        (
          await post()
            .set({ Origin: ownOrigin, 'Sec-Fetch-Site': 'same-origin' })
            .send(job)
        ).status,
      ).toBe(200);
      expect((await post().set('Origin', ownOrigin).send(job)).status).toBe(
        200,
      );
      const navigation = {
        'Sec-Fetch-Site': 'cross-site',
        'Sec-Fetch-Mode': 'navigate',
        'Sec-Fetch-Dest': 'document',
      };
      expect(
        (
          await request(server)
            .get(`${proxy}/`)
            .set('Cookie', cookie)
            .set(navigation)
        ).status,
      ).toBe(200);
      expect(
        (
          await request(server)
            .get(`${proxy}/`)
            .set('Cookie', cookie)
            .set('Sec-Fetch-Site', 'none')
        ).status,
      ).toBe(200);
      // API clients send a token, which no browser adds by itself.
      expect(
        (
          await request(server)
            .post(`${proxy}/sdapi/v1/txt2img`)
            .set('Authorization', alice)
            .set(evil)
            .send({ prompt: 'api', steps: 1 })
        ).status,
      ).toBe(200);

      // Only the three accepted jobs made images.
      const outputs = await request(server)
        .get(`${proxy}/outputs`)
        .set('Authorization', alice);
      expect(outputs.body).toHaveLength(3);

      // WebSockets: another site's page cannot open the engine's live channel with the cookie.
      await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', alice);
      const { port } = server.address() as AddressInfo;
      const ws = `ws://127.0.0.1:${port}${proxy}/queue/join`;
      expect(await talk(ws, { cookie, origin: 'http://evil.example' })).toEqual(
        { status: 403 },
      );
      expect(await talk(ws, { cookie })).toEqual({ status: 403 });
      expect((await talk(ws, { cookie, origin: ownOrigin })).reply).toEqual(
        expect.objectContaining({ echo: 'hello' }),
      );
      expect(
        (
          await talk(ws, {
            authorization: alice,
            origin: 'http://evil.example',
          })
        ).reply,
      ).toEqual(expect.objectContaining({ echo: 'hello' }));
    } finally {
      await gateway.backend.stop();
    }
  }, 60_000);
});
