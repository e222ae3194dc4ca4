import {
  ChildProcess,
  execFile,
  execFileSync,
  spawn,
} from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The production set-up of the README on one machine: two replicas of the
 * built backend (installed by install.sh as the image is) on PostgreSQL,
 * behind Debian's nginx, signing in through a real OpenID provider, with the
 * Kubernetes runtime on the test cluster. kwok runs no containers, so one
 * sample engine stands in for every engine pod (the runtime's
 * `endpointOverride`).
 */
const ROOT = resolve(__dirname, '../..');
export const LOGS = resolve(ROOT, 'test-results/production/logs');
export const PORTAL = 'http://localhost:8480';
const ENGINES_PORT = 8481;
const IDP_PORT = 7409;
/** The sample engine that answers for every engine pod. */
export const ENGINE_PORT = 7410;
export const REPLICAS = {
  a: { port: 7407, engines: 7408, metrics: 9474 },
  b: { port: 7417, engines: 7418, metrics: 9475 },
} as const;
export type ReplicaName = keyof typeof REPLICAS;
/** How long nginx leaves a replica alone after it failed a request. */
const FAIL_TIMEOUT_S = 2;

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run test/production/run.sh`);
  return value;
};

/** Authorization headers of a demo user, from the real sign-in through nginx. */
export async function signInAs(user: string): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'packages/dev-idp/src/token.ts'), user],
    {
      env: {
        ...process.env,
        AIGC_BACKEND_URL: PORTAL,
        AIGC_AUTH_ENVIRONMENT: 'production',
      },
    },
  );
  return { authorization: `Bearer ${stdout.trim()}` };
}

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

function logTo(name: string) {
  mkdirSync(LOGS, { recursive: true });
  return createWriteStream(join(LOGS, `${name}.log`), { flags: 'a' });
}

function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logTo(name);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

/** Waits until `check` is true; an error it throws ends the wait at once. */
async function until(
  what: string,
  check: () => Promise<boolean>,
  ms = 180_000,
) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${what} not within ${ms / 1000} s`);
}

const answers = (url: string) => () =>
  fetch(url).then(
    res => res.ok,
    () => false,
  );

/**
 * The portal's manifests (deploy/kubernetes/portal.yaml with the gateway's
 * RBAC) applied to the test cluster, a token of the gateway's account and a
 * read-only one for Backstage's Kubernetes plugin, and the cluster's config.
 */
function prepareCluster(dir: string) {
  kubectl(
    'apply',
    '-f',
    join(ROOT, 'deploy/kubernetes/portal.yaml'),
    '-f',
    join(
      ROOT,
      'plugins/aigc-gateway-backend-module-kubernetes/deploy/rbac.yaml',
    ),
  );
  kubectl('-n', 'backstage', 'create', 'serviceaccount', 'kubernetes-plugin');
  kubectl(
    'create',
    'clusterrolebinding',
    'backstage-kubernetes-plugin',
    '--clusterrole=view',
    '--serviceaccount=backstage:kubernetes-plugin',
  );
  const token = (account: string) =>
    kubectl(
      '-n',
      'backstage',
      'create',
      'token',
      account,
      '--duration=4h',
    ).trim();
  const tokenFile = join(dir, 'gateway-token');
  writeFileSync(tokenFile, token('aigc-gateway-backend'));
  const view = (path: string) =>
    kubectl('config', 'view', '--raw', '--minify', '-o', `jsonpath=${path}`);
  return {
    AIGC_TEST_GATEWAY_TOKEN_FILE: tokenFile,
    AIGC_TEST_KUBE_READONLY_TOKEN: token('kubernetes-plugin'),
    AIGC_TEST_KUBE_URL: view('{.clusters[0].cluster.server}'),
    AIGC_TEST_KUBE_CA_DATA: readFileSync(
      view('{.clusters[0].cluster.certificate-authority}'),
    ).toString('base64'),
  };
}

function nginxConf(prefix: string): string {
  const upstream = (port: 'port' | 'engines') =>
    Object.values(REPLICAS)
      .map(
        r =>
          `server 127.0.0.1:${r[port]} max_fails=1 fail_timeout=${FAIL_TIMEOUT_S}s;`,
      )
      .join('\n    ');
  return readFileSync(join(__dirname, 'nginx.conf'), 'utf8')
    .replaceAll('@PREFIX@', prefix)
    .replace('@PORTAL_SERVERS@', upstream('port'))
    .replace('@ENGINE_SERVERS@', upstream('engines'));
}

export interface Stack {
  /** Sends SIGKILL to a replica: no clean stop, no goodbye to the database. */
  kill(name: ReplicaName): Promise<void>;
  /** Starts a replica again and waits until it is ready and nginx uses it. */
  restart(name: ReplicaName): Promise<void>;
  /** A replica's Prometheus text. */
  metrics(name: ReplicaName): Promise<string>;
  /** A replica's process id. */
  pid(name: ReplicaName): number;
  /** A replica's log since the stack started. */
  log(name: ReplicaName): string;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  rmSync(LOGS, { recursive: true, force: true });
  const dir = mkdtempSync(join(tmpdir(), 'aigc-production-'));
  const install = env('AIGC_PRODUCTION_DIR');
  const cluster = prepareCluster(dir);
  const children: ChildProcess[] = [];

  const engineData = join(dir, 'engine');
  mkdirSync(engineData);
  children.push(
    startProcess(
      'sample-engine',
      process.execPath,
      [
        join(
          install,
          'node_modules/@aigc-gateway/sample-engine/dist/server.js',
        ),
        ...['--port', String(ENGINE_PORT), '--data', engineData],
        ...['--version', '2.0.0'],
      ],
      {},
    ),
  );

  const idpSecret = 'production-test-client-secret';
  children.push(
    startProcess(
      'dev-idp',
      process.execPath,
      ['packages/dev-idp/src/server.ts'],
      {
        env: {
          AIGC_DEV_IDP_PORT: String(IDP_PORT),
          AIGC_DEV_IDP_CLIENT_SECRET: idpSecret,
          AIGC_BACKEND_URL: PORTAL,
          AIGC_DATA_DIR: dir,
        },
      },
    ),
  );

  const replicaEnv: NodeJS.ProcessEnv = {
    ...cluster,
    NODE_ENV: 'production',
    APP_BASE_URL: PORTAL,
    BACKEND_BASE_URL: PORTAL,
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: env('AIGC_PRODUCTION_PG_PORT'),
    POSTGRES_USER: 'postgres',
    POSTGRES_PASSWORD: 'unused-with-trust-auth',
    AUTH_SESSION_SECRET: 'a-production-test-secret-of-more-than-32-characters',
    OIDC_METADATA_URL: `http://localhost:${IDP_PORT}/.well-known/openid-configuration`,
    OIDC_CLIENT_ID: 'aigc-portal',
    OIDC_CLIENT_SECRET: idpSecret,
    AIGC_SIGN_IN_DOMAIN: 'example.com',
    AIGC_ORG_FILE: join(install, 'examples/org.yaml'),
    AIGC_TEST_ENGINE_ADDRESS: `127.0.0.1:${ENGINE_PORT}`,
    AIGC_TEST_ENGINES_PUBLIC_PORT: String(ENGINES_PORT),
  };
  const replicas = new Map<ReplicaName, ChildProcess>();
  const startReplica = async (name: ReplicaName) => {
    const ports = REPLICAS[name];
    const child = startProcess(
      `replica-${name}`,
      process.execPath,
      [
        ...['--require', './instrumentation.js', 'packages/backend'],
        ...['--config', 'app-config.yaml'],
        ...['--config', 'app-config.production.yaml'],
        ...['--config', join(__dirname, 'app-config.test.yaml')],
      ],
      {
        cwd: install,
        env: {
          ...replicaEnv,
          // Environment config wins over the files: each replica its own ports.
          APP_CONFIG_backend_listen: `:${ports.port}`,
          APP_CONFIG_aigcGateway_engineOrigins_port: String(ports.engines),
          AIGC_METRICS_PORT: String(ports.metrics),
        },
      },
    );
    replicas.set(name, child);
    const ready = answers(
      `http://localhost:${ports.port}/.backstage/health/v1/readiness`,
    );
    await until(`replica ${name} ready`, async () => {
      if (child.exitCode !== null) {
        throw new Error(
          `replica ${name} exited (${child.exitCode}); see ${LOGS}/replica-${name}.log`,
        );
      }
      return ready();
    });
  };

  const prefix = join(dir, 'nginx');
  mkdirSync(prefix);
  writeFileSync(join(prefix, 'nginx.conf'), nginxConf(prefix));
  const nginx = startProcess(
    'nginx',
    env('AIGC_NGINX'),
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    {},
  );

  const stop = async () => {
    for (const child of [...replicas.values(), nginx, ...children]) {
      child.kill('SIGTERM');
    }
    await new Promise(r => setTimeout(r, 3_000));
    for (const child of [...replicas.values(), nginx, ...children]) {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  try {
    await until(
      'the sample engine',
      answers(`http://127.0.0.1:${ENGINE_PORT}/internal/ping`),
    );
    await until(
      'the OpenID provider',
      answers(`http://localhost:${IDP_PORT}/.well-known/openid-configuration`),
    );
    // One after the other: both would run the same migrations at once.
    await startReplica('a');
    await startReplica('b');
    await until('nginx', answers(`${PORTAL}/.backstage/health/v1/readiness`));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    async kill(name) {
      const child = replicas.get(name)!;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart(name) {
      await startReplica(name);
      // nginx sends it requests again once its fail_timeout is over.
      await new Promise(r => setTimeout(r, (FAIL_TIMEOUT_S + 1) * 1000));
    },
    async metrics(name) {
      return (
        await fetch(`http://localhost:${REPLICAS[name].metrics}/metrics`)
      ).text();
    },
    pid(name) {
      return replicas.get(name)!.pid!;
    },
    log(name) {
      return readFileSync(join(LOGS, `replica-${name}.log`), 'utf8');
    },
    stop,
  };
}
