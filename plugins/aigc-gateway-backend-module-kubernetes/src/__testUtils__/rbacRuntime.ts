import { KubeConfig } from '@kubernetes/client-node';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { aigcGatewayModuleKubernetes } from '../module';
import { KubernetesRuntime } from '../runtime/KubernetesRuntime';
import { rbacClusterLocator } from './clusterLocator';
import { fakeGatewayPlugin } from './fakeGateway';

/**
 * The Kubernetes module in a backend, on the test cluster as
 * `kubernetes.clusterLocatorMethods` gives it, with only the rights of
 * deploy/rbac.yaml and Ingress hosts of its own; `runtime` adds settings.
 */
export async function startRbacRuntime(
  kubeConfig: KubeConfig,
  runtime: object = {},
) {
  const { kubernetes, serviceAccountTokenFile } = await rbacClusterLocator(
    kubeConfig,
  );
  const gateway = fakeGatewayPlugin();
  const backend = await startTestBackend({
    features: [
      gateway.plugin,
      aigcGatewayModuleKubernetes,
      mockServices.rootConfig.factory({
        data: {
          kubernetes,
          aigcGateway: {
            engineOrigins: { port: 0, listenHost: '127.0.0.1' },
            runtime: {
              kubernetes: {
                cluster: 'gpu-cluster',
                serviceAccountTokenFile,
                ingress: {
                  host: '${instanceId}.engines.test',
                  authUrl:
                    'http://backstage.backstage.svc:7007/api/aigc-gateway/forward-auth',
                  signInUrl:
                    'https://portal.test/api/aigc-gateway/ingress/sign-in',
                },
                ...runtime,
              },
            },
          },
        },
      }),
    ],
  });
  const [added] = gateway.runtimes as KubernetesRuntime[];
  return { backend, runtime: added };
}
