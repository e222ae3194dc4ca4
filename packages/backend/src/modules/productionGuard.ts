import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/**
 * What app-config.production.yaml takes from the environment. A variable that
 * is missing does not fail Backstage's config loading: the key then keeps
 * app-config.yaml's development value (a public session secret, the demo
 * client secret), so it is checked here by name.
 */
const REQUIRED_ENVIRONMENT = [
  'AUTH_SESSION_SECRET',
  'OIDC_METADATA_URL',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'AIGC_SIGN_IN_DOMAIN',
  'AIGC_ORG_FILE',
  'POSTGRES_HOST',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
];

/**
 * Why a portal configured for production must not start, if it must not:
 * a required variable missing, a guessable session secret, or a sign-in
 * provider of the development environment still reachable.
 */
export function productionProblems(
  config: Config,
  env: NodeJS.ProcessEnv,
): string[] {
  if (config.getOptionalString('auth.environment') !== 'production') return [];
  const problems = REQUIRED_ENVIRONMENT.filter(name => !env[name]?.trim()).map(
    name => `${name} is not set`,
  );
  if ((env.AUTH_SESSION_SECRET?.length ?? 0) < 32 && env.AUTH_SESSION_SECRET)
    problems.push(
      'AUTH_SESSION_SECRET is shorter than 32 characters (openssl rand -hex 32 makes one)',
    );
  const providers = config.getOptionalConfig('auth.providers');
  for (const provider of providers?.keys() ?? []) {
    if (providers!.has(`${provider}.development`))
      problems.push(
        `auth.providers.${provider}.development is configured; set it to null in production`,
      );
  }
  return problems;
}

/** Stops a production start at once, with every problem named, before any user can sign in. */
export const productionGuardPlugin = createBackendPlugin({
  pluginId: 'production-guard',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig },
      async init({ config }) {
        const problems = productionProblems(config, process.env);
        if (problems.length > 0)
          throw new Error(
            `The portal is configured for production but cannot start: ${problems.join(
              '; ',
            )}`,
          );
      },
    });
  },
});
