/** The environment app-config.production.yaml names, all set. */
export const productionEnv = {
  AUTH_SESSION_SECRET: 'a'.repeat(64),
  OIDC_METADATA_URL:
    'https://auth.example.com/oidc/.well-known/openid-configuration',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'secret',
  AIGC_SIGN_IN_DOMAIN: 'example.com',
  AIGC_ORG_FILE: './org.yaml',
  POSTGRES_HOST: 'db',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'pw',
};
