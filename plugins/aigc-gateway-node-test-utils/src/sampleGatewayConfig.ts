import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/**
 * The sample engine's server (built JavaScript), run by the local runtime in tests and benchmarks.
 *
 * @public
 */
export const engineServer = resolvePackagePath(
  '@aigc-gateway/sample-engine',
  'dist/server.js',
);

/** Where the sample engine is installed: all a sandboxed engine sees of it. */
const enginePackage = resolvePackagePath('@aigc-gateway/sample-engine');

/** The sample engine's migration command, between its two data layouts. */
const engineMigrate = resolvePackagePath(
  '@aigc-gateway/sample-engine',
  'dist/migrate.js',
);

/**
 * The programs of the test gateways' local runtime
 * (`aigcGateway.runtime.local.engines`): the sample engine, started with
 * `engineArgs` after its usual arguments, and its migration.
 *
 * @public
 */
export function sampleEngineInstalls(engineArgs: string[] = []): JsonObject {
  return {
    'sample-engine': {
      command: '${node}',
      args: [
        engineServer,
        '--port',
        '${port}',
        '--data',
        '${dataDir}',
        '--version',
        '${version}',
        '--step-ms',
        '5',
        ...engineArgs,
      ],
      readinessPath: '/internal/ping',
      paths: [enginePackage],
    },
    'sample-engine-migrate': {
      command: '${node}',
      args: [engineMigrate, '--data', '${dataDir}', '--to', '${toLayout}'],
      paths: [enginePackage],
    },
  };
}

const migration = (fromLayout: number, toLayout: number) => ({
  fromLayout,
  toLayout,
  local: { engine: 'sample-engine-migrate' },
});

/**
 * A version of the sample engine, run by the local runtime; layout 2 brings the migrations to and from layout 1.
 *
 * @public
 */
export function sampleVersion(version: string, dataLayout: number): JsonObject {
  return {
    version,
    dataLayout,
    pools: ['local'],
    ...(dataLayout === 2
      ? { migrations: [migration(1, 2), migration(2, 1)] }
      : {}),
    runtime: { local: { engine: 'sample-engine' } },
  };
}

/**
 * The `aigcGateway` config of the test gateways: one pool on this machine and
 * the sample engine, run by the local runtime.
 *
 * @public
 */
export function sampleGatewayConfig(options: {
  dataRoot: string;
  ports?: { from: number; to: number };
  probeIntervalMs?: number;
  capacity?: number;
  /** Extra arguments for the engine, e.g. a slow start. */
  engineArgs?: string[];
  /** More programs under `runtime.local.engines`, e.g. a migration that fails. */
  engines?: JsonObject;
  /** The local runtime's `sandbox` section (bubblewrap by default). */
  sandbox?: JsonObject;
  /** The `aigcGateway.cost` section. */
  cost?: JsonObject;
  /** The `aigcGateway.idle` section. */
  idle?: JsonObject;
  /** More `aigcGateway` sections, e.g. `quotas`. */
  extra?: JsonObject;
  /** Price changes of the pool. */
  priceChanges?: JsonObject[];
}): JsonObject {
  return {
    aigcGateway: {
      runtime: {
        local: {
          dataRoot: options.dataRoot,
          engines: {
            ...sampleEngineInstalls(options.engineArgs),
            ...options.engines,
          },
          ...(options.ports ? { ports: options.ports } : {}),
          ...(options.sandbox ? { sandbox: options.sandbox } : {}),
          ...(options.probeIntervalMs
            ? { probeIntervalMs: options.probeIntervalMs }
            : {}),
        },
      },
      pools: [
        {
          id: 'local',
          title: 'This machine',
          gpuType: 'none',
          pricePerHour: 3.6,
          ...(options.priceChanges
            ? { priceChanges: options.priceChanges }
            : {}),
          ...(options.capacity === undefined
            ? {}
            : { capacity: options.capacity }),
        },
      ],
      templates: [
        {
          id: 'sample-engine',
          title: 'Sample Engine',
          owner: 'group:default/aigc-admins',
          kind: 'sd-webui',
          versions: [sampleVersion('1.0.0', 1), sampleVersion('2.0.0', 2)],
        },
      ],
      // Engine origins on a free loopback port, so test gateways run side by side.
      engineOrigins: { port: 0, listenHost: '127.0.0.1' },
      ...(options.cost ? { cost: options.cost } : {}),
      ...(options.idle ? { idle: options.idle } : {}),
      ...options.extra,
    },
  };
}
