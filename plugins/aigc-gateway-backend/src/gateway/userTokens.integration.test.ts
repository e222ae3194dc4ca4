import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { startWithAliceEngine } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * The proxy with Backstage's real token verification: signed user tokens and
 * the cookie derived from them, expired and forged ones refused, also once a
 * token has been verified and remembered.
 */
describe('proxy authentication with real user tokens', () => {
  it('accepts valid tokens and cookies; refuses expired and forged ones', async () => {
    const gateway = await startWithAliceEngine({
      databases,
      ports: { from: 18400, to: 18409 },
      // Cookies on the path-form proxy, as a development portal may allow.
      extra: { pathProxy: { cookie: true } },
    });
    const { server, issuer, alice, cookie } = gateway;
    try {
      const ping = `${gateway.proxy}/internal/ping`;

      expect(
        (await request(server).get(ping).set('Authorization', alice)).status,
      ).toBe(200);

      // The cookie the portal sets for browser navigations.
      expect(cookie).toMatch(/^backstage-auth=/);
      expect(
        (await request(server).get(ping).set('Cookie', cookie)).status,
      ).toBe(200);

      const expired = await issuer.sign('alice', { expiresIn: -60 });
      expect(
        (
          await request(server)
            .get(ping)
            .set('Authorization', `Bearer ${expired}`)
        ).status,
      ).toBe(401);
      const expiredCookieRes = await request(server)
        .get('/api/aigc-gateway/cookie')
        .set(
          'Authorization',
          `Bearer ${await issuer.sign('alice', { expiresIn: 2 })}`,
        );
      const expiringCookie = String(
        expiredCookieRes.headers['set-cookie'],
      ).split(';')[0];
      expect(
        (await request(server).get(ping).set('Cookie', expiringCookie)).status,
      ).toBe(200);

      const forged = await issuer.sign('alice', {
        key: await issuer.foreignKey(),
      });
      expect(
        (
          await request(server)
            .get(ping)
            .set('Authorization', `Bearer ${forged}`)
        ).status,
      ).toBe(401);
      // A well-formed bearer token is what counts, as in Backstage: a bad one is not rescued by a good cookie.
      expect(
        (
          await request(server)
            .get(ping)
            .set('Authorization', `Bearer ${forged}`)
            .set('Cookie', cookie)
        ).status,
      ).toBe(401);

      // Remembered after its first verification, the cookie still stops working when its token expires.
      await new Promise(r => setTimeout(r, 3000));
      expect(
        (await request(server).get(ping).set('Cookie', expiringCookie)).status,
      ).toBe(401);
      expect(
        (await request(server).get(ping).set('Cookie', cookie)).status,
      ).toBe(200);
    } finally {
      await gateway.backend.stop();
    }
  });
});
