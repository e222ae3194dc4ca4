import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
// The module is tested inside the gateway plugin it extends, as a portal runs it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import aigcGatewayModuleKubernetes from '../index';
import { sampleVersion } from './fixtures';
import {
  demoUserInfoServiceFactory,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

/** Runs on from a fixed Monday morning, also across restarts of the backend. */
const testClock = new TestClock();

/**
 * The gateway plugin with this module, its engines on the test cluster in
 * pool `rtx3090` (the cluster's four one-GPU nodes), every instance routed to
 * the sample engine at `enginePort` on this machine since kwok runs no
 * containers. With `database`, its data is kept in SQLite files there;
 * `ingress` gives instances Ingress hosts.
 */
export function startGatewayOnCluster(options: {
  kubeconfig: string;
  namespace: string;
  enginePort: number;
  database?: string;
  ingress?: object;
  features?: any[];
}) {
  const { image, args, readinessPath } = sampleVersion.runtime.kubernetes!;
  return startTestBackend({
    features: [
      testClock.factory(),
      aigcGatewayPlugin,
      aigcGatewayModuleKubernetes,
      ...(options.database ? [databaseServiceFactory] : []),
      ...(options.features ?? []),
      // carol administers the gateway, as in the demo organisation.
      demoUserInfoServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...(options.database
            ? {
                backend: {
                  database: {
                    client: 'better-sqlite3',
                    connection: { directory: options.database },
                  },
                },
              }
            : {}),
          aigcGateway: {
            engineOrigins: { port: 0, listenHost: '127.0.0.1' },
            runtime: {
              kubernetes: {
                kubeconfig: options.kubeconfig,
                namespace: options.namespace,
                createNamespace: true,
                volumeSize: '1Gi',
                stopGracePeriodSeconds: 0,
                endpointOverride: { '*': `127.0.0.1:${options.enginePort}` },
                allowedRegistries: ['registry.example.com'],
                ...(options.ingress ? { ingress: options.ingress } : {}),
              },
            },
            pools: [
              {
                id: 'rtx3090',
                title: 'Office RTX 3090',
                gpuType: 'RTX-3090',
                pricePerHour: 0.5,
                kubernetes: {
                  nodeSelector: { 'aigc-gateway.io/pool': 'rtx3090' },
                },
              },
            ],
            templates: [
              {
                id: 'sample-engine',
                title: 'Sample Engine',
                owner: 'group:default/aigc-admins',
                kind: 'sd-webui',
                versions: [
                  {
                    version: '2.0.0',
                    dataLayout: 2,
                    pools: ['rtx3090'],
                    // The fixtures' version; only its image, args and probe path, as an admin writes them.
                    runtime: { kubernetes: { image, args, readinessPath } },
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
}
