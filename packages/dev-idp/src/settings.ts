import { fileURLToPath } from 'node:url';

/** Settings shared by the provider and the token command, so both agree. */
export interface DevIdpSettings {
  host: string;
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  password: string;
  backendUrl: string;
  orgFile: string;
  /** Where the provider keeps its signing key between restarts. */
  keyFile: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function devIdpSettings(env: NodeJS.ProcessEnv): DevIdpSettings {
  const host = env.AIGC_DEV_IDP_HOST ?? 'localhost';
  const port = Number(env.AIGC_DEV_IDP_PORT ?? 7009);
  return {
    host,
    port,
    issuer: `http://${host}:${port}`,
    clientId: env.AIGC_DEV_IDP_CLIENT_ID ?? 'aigc-portal',
    clientSecret: env.AIGC_DEV_IDP_CLIENT_SECRET ?? 'aigc-portal-dev-secret',
    password: env.AIGC_DEV_IDP_PASSWORD ?? 'aigc-demo',
    backendUrl: env.AIGC_BACKEND_URL ?? 'http://localhost:7007',
    orgFile: env.AIGC_ORG_FILE ?? `${repoRoot}examples/org.yaml`,
    keyFile: `${
      env.AIGC_DATA_DIR ?? `${repoRoot}.data`
    }/dev-idp/signing-key.json`,
  };
}
