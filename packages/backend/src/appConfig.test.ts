import { resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import { commonSignInResolvers } from '@backstage/plugin-auth-node';
import { productionProblems } from './modules/productionGuard';
import { productionEnv } from './__testUtils__/productionEnv';
import {
  formatZodError,
  gatewayConfigSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const repoRoot = resolve(__dirname, '../../..');

/** The portal's config files as the backend reads them, includes and all. */
async function load(files: string[]) {
  const { appConfigs } = await loadConfig({
    configRoot: repoRoot,
    configTargets: files.map(file => ({ path: resolve(repoRoot, file) })),
  });
  return ConfigReader.fromConfigs(appConfigs);
}

describe("the portal's app-config", () => {
  it('parses, and its aigcGateway section (with the included sample engine) is valid', async () => {
    const config = await load(['app-config.yaml']);
    const parsed = gatewayConfigSchema.safeParse(config.get('aigcGateway'));
    expect(
      parsed.success ? 'valid' : formatZodError(parsed.error, 'aigcGateway'),
    ).toBe('valid');
    const sample = parsed.data!.templates.find(t => t.id === 'sample-engine')!;
    expect(
      sample.versions.map(v => [v.version, v.dataLayout, v.migrations.length]),
    ).toEqual([
      ['1.0.0', 1, 0],
      ['2.0.0', 2, 2],
    ]);
    expect(sample.versions[1].runtime.local).toEqual({
      engine: 'sample-engine',
    });
    // `$${…}` reaches the runtime as `${…}`, for it to fill in.
    expect(
      config.getStringArray(
        'aigcGateway.runtime.local.engines.sample-engine.args',
      ),
    ).toContain('${dataDir}');
  });

  describe('for production, with the environment it names', () => {
    const saved = { ...process.env };
    let config: ConfigReader;
    beforeAll(async () => {
      Object.assign(process.env, productionEnv);
      config = await load(['app-config.yaml', 'app-config.production.yaml']);
    });
    afterAll(() => {
      process.env = saved;
    });

    it('keeps nothing of the development setup reachable, and passes the production guard', () => {
      expect(config.getString('auth.environment')).toBe('production');
      expect(config.has('auth.providers.oidc.development')).toBe(false);
      expect(config.getString('auth.session.secret')).toBe(
        productionEnv.AUTH_SESSION_SECRET,
      );
      expect(config.has('backend.cors')).toBe(false);
      const targets = config
        .getConfigArray('catalog.locations')
        .map(l => l.getString('target'));
      expect(targets).not.toContain('./examples/org.yaml');
      expect(targets).toContain(productionEnv.AIGC_ORG_FILE);
      expect(productionProblems(config, process.env)).toEqual([]);
    });

    it('lets only accounts of the configured domain sign in', async () => {
      const [resolverConfig] = config.getConfigArray(
        'auth.providers.oidc.production.signIn.resolvers',
      );
      expect(resolverConfig.getString('resolver')).toBe(
        'emailLocalPartMatchingUserEntityName',
      );
      const resolveUser =
        commonSignInResolvers.emailLocalPartMatchingUserEntityName({
          allowedDomains: resolverConfig.getStringArray('allowedDomains'),
        });
      const signedIn: unknown[] = [];
      const ctx = {
        signInWithCatalogUser: async (query: unknown) => {
          signedIn.push(query);
          return { token: 'token' };
        },
      } as any;
      await expect(
        resolveUser({ profile: { email: 'carol@evil.example' } } as any, ctx),
      ).rejects.toThrow('Sign-in user email is not from an allowed domain');
      expect(signedIn).toEqual([]);
      await resolveUser(
        { profile: { email: 'carol@example.com' } } as any,
        ctx,
      );
      expect(signedIn).toEqual([{ entityRef: { name: 'carol' } }]);
    });
  });
});
