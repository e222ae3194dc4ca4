import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
 * config with one cluster, `gpu-cluster`, which the Kubernetes plugin reaches
 * with an account of its own, and a file with the gateway's account's token
 * (`serviceAccountTokenFile`): the runtime then has exactly the rights the
 * file grants, and none that the plugin proxies.
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
  await core.createNamespacedServiceAccount({
    namespace: 'backstage',
    body: { metadata: { name: 'backstage-kubernetes-plugin' } },
  });
  const tokenOf = async (name: string) =>
    (
      await eventually(() =>
        core.createNamespacedServiceAccountToken({
          name,
          namespace: 'backstage',
          body: { spec: { audiences: [] } },
        }),
      )
    ).status!.token!;
  const serviceAccountTokenFile = join(
    mkdtempSync(join(tmpdir(), 'aigc-gateway-sa-')),
    'token',
  );
  writeFileSync(serviceAccountTokenFile, await tokenOf('aigc-gateway-backend'));
  return {
    kubernetes: clusterLocator(
      kubeConfig,
      await tokenOf('backstage-kubernetes-plugin'),
    ),
    serviceAccountTokenFile,
  };
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
