import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
} from '@kubernetes/client-node';
import { eventually } from './events';

/**
 * Applies `deploy/rbac.yaml` (namespaces `backstage` and `aigc-gateway`, the
 * service account and its roles) and returns Backstage's `kubernetes`
 * config with one cluster, `gpu-cluster`, reached with that account's
 * token: the runtime then has exactly the rights the file grants.
 */
export async function rbacClusterLocator(kubeConfig: KubeConfig) {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const objects = kubeConfig.makeApiClient(KubernetesObjectApi);
  for (const name of ['backstage', 'aigc-gateway'])
    await core.createNamespace({ body: { metadata: { name } } });
  for (const object of loadAllYaml(
    readFileSync(
      join(
        resolvePackagePath(
          '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-kubernetes',
        ),
        'deploy/rbac.yaml',
      ),
      'utf8',
    ),
  )) {
    await objects.create(object);
  }
  const token = await eventually(() =>
    core.createNamespacedServiceAccountToken({
      name: 'aigc-gateway-backend',
      namespace: 'backstage',
      body: { spec: { audiences: [] } },
    }),
  );
  return clusterLocator(kubeConfig, token.status!.token!);
}

/**
 * Backstage's `kubernetes` config with the test cluster as `gpu-cluster`,
 * reached with a service account token; `extra` adds cluster settings.
 */
export function clusterLocator(
  kubeConfig: KubeConfig,
  serviceAccountToken: string,
  extra: object = {},
) {
  const apiServer = kubeConfig.getCurrentCluster()!;
  return {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'gpu-cluster',
            url: apiServer.server,
            authProvider: 'serviceAccount',
            serviceAccountToken,
            caData: readFileSync(apiServer.caFile!).toString('base64'),
            ...extra,
          },
        ],
      },
    ],
  };
}
