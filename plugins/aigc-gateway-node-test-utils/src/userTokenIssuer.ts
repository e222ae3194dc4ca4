import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  JWK,
  jwtVerify,
  KeyLike,
  SignJWT,
} from 'jose';

const KID = 'test-user-key';

/**
 * Stands in for the auth backend's token side in tests and benchmarks: an
 * ES256 key, Backstage user tokens signed with it, and an `auth` plugin that
 * serves the key (`/.well-known/jwks.json`) and the users' ownership
 * (`/v1/userinfo`). Together with Backstage's real auth services this runs
 * the real token path: verification, cookies, and on-behalf-of tokens to the
 * permission backend.
 *
 * @param privateJwk - the key to sign with, e.g. the one of another process
 *   whose tokens this backend must accept; a fresh key when absent.
 *
 * @public
 */
export async function createUserTokenIssuer(privateJwk?: JWK) {
  const privateKey = privateJwk
    ? ((await importJWK(privateJwk, 'ES256')) as KeyLike)
    : (await generateKeyPair('ES256', { extractable: true })).privateKey;
  const exportedPrivate = privateJwk ?? (await exportJWK(privateKey));
  const { d: _secret, ...publicJwk } = exportedPrivate;
  const publicKey = (await importJWK(publicJwk, 'ES256')) as KeyLike;
  const ownership = new Map<string, string[]>();

  /**
   * A user token as the auth backend issues at sign-in. `groups` are the
   * user's group refs; `expiresIn` is in seconds, negative for an expired
   * token; `key` signs with another key, for forged tokens.
   */
  async function sign(
    user: string,
    options: { groups?: string[]; expiresIn?: number; key?: KeyLike } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    const sub = `user:default/${user}`;
    const ent = [sub, ...(options.groups ?? [])];
    ownership.set(sub, ent);
    const exp = now + (options.expiresIn ?? 3600);
    const key = options.key ?? privateKey;
    // The user identity proof: the signature of the limited token Backstage derives for cookies and on-behalf-of calls.
    const limited = await new SignJWT({ sub, iat: now, exp })
      .setProtectedHeader({
        typ: 'vnd.backstage.limited-user',
        alg: 'ES256',
        kid: KID,
      })
      .sign(key);
    return new SignJWT({ ent, uip: limited.split('.')[2] })
      .setProtectedHeader({ typ: 'vnd.backstage.user', alg: 'ES256', kid: KID })
      .setSubject(sub)
      .setAudience('backstage')
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
  }

  /** A key the backend does not know, for forged tokens. */
  const foreignKey = async () => (await generateKeyPair('ES256')).privateKey;

  const authPlugin = createBackendPlugin({
    pluginId: 'auth',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.addAuthPolicy({
            path: '/.well-known',
            allow: 'unauthenticated',
          });
          httpRouter.addAuthPolicy({
            path: '/v1/userinfo',
            allow: 'unauthenticated',
          });
          httpRouter.use(async (req: any, res: any, next: () => void) => {
            if (req.path === '/.well-known/jwks.json') {
              res.json({
                keys: [{ ...publicJwk, kid: KID, alg: 'ES256', use: 'sig' }],
              });
            } else if (req.path === '/v1/userinfo') {
              const token =
                /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ??
                '';
              try {
                const { payload } = await jwtVerify(token, publicKey);
                res.json({
                  claims: {
                    sub: payload.sub,
                    ent: ownership.get(String(payload.sub)) ?? [],
                  },
                });
              } catch {
                res.status(401).json({
                  error: {
                    name: 'AuthenticationError',
                    message: 'invalid token',
                  },
                });
              }
            } else {
              next();
            }
          });
        },
      });
    },
  });

  return {
    sign,
    foreignKey,
    /** The signing key, to hand to `createUserTokenIssuer` in another process. */
    privateJwk: exportedPrivate,
    /** Backstage's real auth services and the `auth` plugin above. */
    features: [authServiceFactory, httpAuthServiceFactory, authPlugin],
  };
}
