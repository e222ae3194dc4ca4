import { ConfigReader } from '@backstage/config';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { productionGuardPlugin, productionProblems } from './productionGuard';
import { productionEnv } from '../__testUtils__/productionEnv';

const production = new ConfigReader({
  auth: {
    environment: 'production',
    providers: { oidc: { production: { clientId: 'portal' } } },
  },
});

describe('the production guard', () => {
  it('names each missing variable, a short session secret and a development provider left reachable', () => {
    const { AUTH_SESSION_SECRET: _secret, ...withoutSecret } = productionEnv;
    expect(productionProblems(production, withoutSecret)).toEqual([
      'AUTH_SESSION_SECRET is not set',
    ]);
    expect(
      productionProblems(production, {
        ...productionEnv,
        AUTH_SESSION_SECRET: 'short',
      }),
    ).toEqual([
      'AUTH_SESSION_SECRET is shorter than 32 characters (openssl rand -hex 32 makes one)',
    ]);
    const withDevelopment = new ConfigReader({
      auth: {
        environment: 'production',
        providers: { oidc: { development: { clientId: 'aigc-portal' } } },
      },
    });
    expect(productionProblems(withDevelopment, productionEnv)).toEqual([
      'auth.providers.oidc.development is configured; set it to null in production',
    ]);
    expect(productionProblems(production, productionEnv)).toEqual([]);
    // The development portal is not checked.
    expect(
      productionProblems(
        new ConfigReader({ auth: { environment: 'development' } }),
        {},
      ),
    ).toEqual([]);
  });

  it('stops a production backend from starting without its session secret, naming it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, productionEnv);
    delete process.env.AUTH_SESSION_SECRET;
    try {
      await expect(
        startTestBackend({
          features: [
            productionGuardPlugin,
            mockServices.rootConfig.factory({
              data: production.get() as any,
            }),
          ],
        }),
      ).rejects.toThrow(
        /configured for production but cannot start: AUTH_SESSION_SECRET is not set/,
      );
    } finally {
      process.env = saved;
    }
  });
});
