import http from 'node:http';
import { AddressInfo } from 'node:net';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';

/**
 * Stands in for the auth backend's signing side: an ES256 key whose public
 * half is served at `/api/auth/.well-known/jwks.json`, and Backstage user
 * tokens signed with it, so the gateway runs Backstage's real token
 * verification (`authServiceFactory`, `httpAuthServiceFactory`).
 */
export async function startUserTokenIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'test-key';
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.url === '/api/auth/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const authBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth`;

  /** A user token, as the auth backend issues at sign-in; `expiresIn` in seconds, negative for an expired one. */
  async function sign(user: string, options: { expiresIn?: number; key?: KeyLike } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const sub = `user:default/${user}`;
    const exp = now + (options.expiresIn ?? 3600);
    const key = options.key ?? privateKey;
    // The user identity proof: the signature of the limited token Backstage derives for cookies.
    const limited = await new SignJWT({ sub, iat: now, exp })
      .setProtectedHeader({ typ: 'vnd.backstage.limited-user', alg: 'ES256', kid })
      .sign(key);
    return new SignJWT({ ent: [sub], uip: limited.split('.')[2] })
      .setProtectedHeader({ typ: 'vnd.backstage.user', alg: 'ES256', kid })
      .setSubject(sub)
      .setAudience('backstage')
      .setIssuer(authBaseUrl)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
  }

  /** A key the portal does not know, for forged tokens. */
  const foreignKey = async () => (await generateKeyPair('ES256')).privateKey;

  return { sign, foreignKey, authBaseUrl, features: realAuthFeatures(authBaseUrl), stop: () => new Promise(r => server.close(r)) };
}

/** Backstage's real auth services, with discovery finding the auth plugin at `authBaseUrl`. */
export function realAuthFeatures(authBaseUrl: string) {
  return [
    authServiceFactory,
    httpAuthServiceFactory,
    createServiceFactory({
      service: coreServices.discovery,
      deps: {},
      factory: () => ({
        getBaseUrl: async (pluginId: string) =>
          pluginId === 'auth' ? authBaseUrl : `http://127.0.0.1/api/${pluginId}`,
        getExternalBaseUrl: async (pluginId: string) => `http://127.0.0.1/api/${pluginId}`,
      }),
    }),
  ];
}
