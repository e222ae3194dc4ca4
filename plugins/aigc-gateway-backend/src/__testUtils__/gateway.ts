import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { aigcGatewayPlugin } from '../plugin';
import { gatewayDatabase } from './databases';

export const engineServer = resolve(__dirname, '../../../../packages/sample-engine/src/server.ts');

export const asUser = (name: string) => mockCredentials.user.header(`user:default/${name}`);

/** A version of the sample engine, run by the local runtime. */
export function sampleVersion(version: string, dataLayout: number): JsonObject {
  return {
    version,
    dataLayout,
    pools: ['local'],
    runtime: {
      local: {
        command: '${node}',
        args: [engineServer, '--port', '${port}', '--data', '${dataDir}', '--version', version, '--step-ms', '5'],
        readinessPath: '/internal/ping',
      },
    },
  };
}

/**
 * The `aigcGateway` config of the test gateways: one pool on this machine and
 * the sample engine, run by the local runtime.
 */
export function sampleGatewayConfig(options: {
  dataRoot: string;
  ports?: { from: number; to: number };
  probeIntervalMs?: number;
  capacity?: number;
  /** Extra arguments for the engine, e.g. a slow start. */
  engineArgs?: string[];
  /** The `aigcGateway.cost` section. */
  cost?: JsonObject;
  /** Price changes of the pool. */
  priceChanges?: JsonObject[];
}): JsonObject {
  const version = (v: string, dataLayout: number): JsonObject => {
    const base = sampleVersion(v, dataLayout) as any;
    base.runtime.local.args.push(...(options.engineArgs ?? []));
    return base;
  };
  return {
    aigcGateway: {
      runtime: {
        local: {
          dataRoot: options.dataRoot,
          ...(options.ports ? { ports: options.ports } : {}),
          ...(options.probeIntervalMs ? { probeIntervalMs: options.probeIntervalMs } : {}),
        },
      },
      pools: [
        {
          id: 'local',
          title: 'This machine',
          gpuType: 'none',
          pricePerHour: 3.6,
          ...(options.priceChanges ? { priceChanges: options.priceChanges } : {}),
          ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
        },
      ],
      templates: [
        {
          id: 'sample-engine',
          title: 'Sample Engine',
          owner: 'group:default/aigc-admins',
          kind: 'sd-webui',
          versions: [version('1.0.0', 1), version('2.0.0', 2)],
        },
      ],
      ...(options.cost ? { cost: options.cost } : {}),
    },
  };
}

/** The gateway plugin alone, on a test database, with the real local runtime and sample engine. */
export async function startGateway(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  ports: { from: number; to: number };
  capacity?: number;
  cost?: JsonObject;
  priceChanges?: JsonObject[];
  /** Extra features or service overrides, e.g. a permissions mock. */
  features?: any[];
}) {
  const knex = await options.databases.init(options.databaseId);
  const dataRoot = mkdtempSync(join(tmpdir(), 'aigc-local-'));
  const backend = await startTestBackend({
    features: [
      aigcGatewayPlugin,
      ...(options.features ?? []),
      gatewayDatabase(knex),
      mockServices.rootConfig.factory({
        data: sampleGatewayConfig({
          dataRoot,
          ports: options.ports,
          probeIntervalMs: 100,
          capacity: options.capacity,
          cost: options.cost,
          priceChanges: options.priceChanges,
        }),
      }),
    ],
  });
  return { backend, server: backend.server, knex, dataRoot };
}

/** Polls the API until the instance reaches `state`; `authorization` is alice's by default. */
export async function waitForState(server: any, id: string, state: string, authorization = asUser('alice')) {
  let last: any;
  for (let i = 0; i < 300; i++) {
    const res = await request(server).get(`/api/aigc-gateway/instances/${id}`).set('Authorization', authorization);
    last = res.body;
    if (last.state === state) return last;
    if (last.state === 'failed' && state !== 'failed') {
      throw new Error(`instance failed: ${last.failureReason}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`instance ${id} did not become ${state}; it is ${last?.state}`);
}

