import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { aigcGatewayModuleKubernetes } from './module';
import { createKubernetesRuntime } from './runtime/createKubernetesRuntime';
import { KubernetesRuntime } from './runtime/KubernetesRuntime';
import { UnavailableRuntime } from './runtime/UnavailableRuntime';
import { fakeGatewayPlugin } from './__testUtils__/fakeGateway';
import { pools, sampleVersion, startRequest } from './__testUtils__/fixtures';

const testClock = new TestClock();

/** A kubeconfig whose API server is a closed port on this machine. */
function unreachableKubeconfig(): string {
  const file = join(
    mkdtempSync(join(tmpdir(), 'aigc-kube-')),
    'kubeconfig.yaml',
  );
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
  );
  return file;
}

describe('aigcGatewayModuleKubernetes', () => {
  it('adds no runtime when the Kubernetes runtime is not configured', async () => {
    const gateway = fakeGatewayPlugin();
    const backend = await startTestBackend({
      features: [
        gateway.plugin,
        aigcGatewayModuleKubernetes,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(gateway.runtimes).toEqual([]);
    await backend.stop();
  });

  it('adds a runtime that reports a configuration that cannot work, and the backend starts', async () => {
    const gateway = fakeGatewayPlugin();
    const backend = await startTestBackend({
      features: [
        gateway.plugin,
        aigcGatewayModuleKubernetes,
        mockServices.rootConfig.factory({
          data: {
            aigcGateway: {
              engineOrigins: { port: 0, listenHost: '127.0.0.1' },
              runtime: {
                kubernetes: {
                  cluster: 'gpu-cluster',
                  serviceAccountTokenFile: '/run/aigc-gateway/token',
                },
              },
            },
          },
        }),
      ],
    });
    const [runtime] = gateway.runtimes;
    expect(runtime).toBeInstanceOf(UnavailableRuntime);
    expect(runtime.id).toBe('kubernetes');
    const why =
      'the kubernetes runtime is not available: no cluster named "gpu-cluster" in kubernetes.clusterLocatorMethods (clusters of type config: none)';
    await expect(
      runtime.start(startRequest('i', 'v', pools.a100)),
    ).rejects.toThrow(why);
    await expect(runtime.list()).rejects.toThrow(why);
    await backend.stop();
  });
});

describe('createKubernetesRuntime', () => {
  it('logs a missing kubeconfig as one line', async () => {
    const logger = mockServices.logger.mock();
    const runtime = await createKubernetesRuntime({
      config: new ConfigReader({
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: { kubernetes: { kubeconfig: '/nonexistent/kubeconfig' } },
        },
      }),
      logger,
      clock: testClock,
    });
    expect(logger.error).toHaveBeenCalledWith(
      'The Kubernetes runtime is not available: no kubeconfig file at /nonexistent/kubeconfig',
    );
    await expect(
      runtime.ensureVolume('v', {
        templateId: 'sample-engine',
        version: sampleVersion,
        pool: pools.a100,
      }),
    ).rejects.toThrow('no kubeconfig file at /nonexistent/kubeconfig');
  });

  it('logs an invalid section with every bad key', async () => {
    const logger = mockServices.logger.mock();
    await createKubernetesRuntime({
      config: new ConfigReader({
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: {
            kubernetes: {
              cluster: 'c',
              serviceAccountTokenFile: 't',
              volumeSize: 'big',
            },
          },
        },
      }),
      logger,
      clock: testClock,
    });
    expect(logger.error).toHaveBeenCalledWith(
      'The Kubernetes runtime is not available: invalid aigcGateway.runtime.kubernetes configuration: aigcGateway.runtime.kubernetes.volumeSize: must be a quantity such as 20Gi',
    );
  });

  it('keeps trying an API server it cannot reach, and says so on every call', async () => {
    const logger = mockServices.logger.mock();
    const runtime = await createKubernetesRuntime({
      config: new ConfigReader({
        aigcGateway: {
          engineOrigins: { port: 0, listenHost: '127.0.0.1' },
          runtime: {
            kubernetes: {
              kubeconfig: unreachableKubeconfig(),
              connectTimeoutSeconds: 1,
            },
          },
        },
      }),
      logger,
      clock: testClock,
    });
    expect(runtime).toBeInstanceOf(KubernetesRuntime);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*; the Kubernetes runtime keeps trying$/,
      ),
    );
    await expect(
      runtime.start(startRequest('i', 'v', pools.a100)),
    ).rejects.toThrow(
      /^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    await expect(runtime.list()).rejects.toThrow(/ECONNREFUSED/);
    expect(runtime.poolSlots!(pools.a100)).toBeUndefined();
    await runtime.shutdown();
  });
});
