import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';

/** Where a pod finds its service account token, as Backstage's Kubernetes plugin reads it. */
export const IN_CLUSTER_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

const LOCATORS_KEY = 'kubernetes.clusterLocatorMethods';

/** The `clusters` of every `type: config` locator, as Backstage's Kubernetes plugin lists them. */
function configuredClusters(config: Config): Config[] {
  return (config.getOptionalConfigArray(LOCATORS_KEY) ?? [])
    .filter(locator => locator.getOptionalString('type') === 'config')
    .flatMap(locator => locator.getOptionalConfigArray('clusters') ?? []);
}

/**
 * A cluster of Backstage's own `kubernetes.clusterLocatorMethods`: its URL
 * and CA, with a token of the gateway's own service account. The Kubernetes
 * plugin serves `/api/kubernetes/proxy` with the cluster's token (or the
 * pod's own) to whoever holds `kubernetes.proxy`; were the runtime to use
 * the same, such a user would act with the gateway's rights (create pods,
 * mount any user's claim). So neither is accepted here.
 */
export function kubeConfigFromLocator(
  config: Config,
  clusterName: string,
  tokenFile: string,
): KubeConfig {
  const clusters = configuredClusters(config);
  const cluster = clusters.find(
    c => c.getOptionalString('name') === clusterName,
  );
  if (!cluster) {
    const names = clusters
      .map(c => c.getOptionalString('name'))
      .filter(Boolean);
    throw new Error(
      `no cluster named "${clusterName}" in ${LOCATORS_KEY} (clusters of type config: ${
        names.join(', ') || 'none'
      })`,
    );
  }
  const where = `cluster "${clusterName}" of ${LOCATORS_KEY}`;
  const url = cluster.getOptionalString('url');
  if (!url) throw new Error(`${where} has no url`);
  if (resolve(tokenFile) === IN_CLUSTER_TOKEN_FILE)
    throw new Error(
      `serviceAccountTokenFile is the pod's own token (${IN_CLUSTER_TOKEN_FILE}), which the Kubernetes plugin uses too; mount a token of the gateway's own service account elsewhere`,
    );
  if (!existsSync(tokenFile))
    throw new Error(`serviceAccountTokenFile ${tokenFile} does not exist`);
  const pluginToken = cluster.getOptionalString('serviceAccountToken');
  if (pluginToken && readFileSync(tokenFile, 'utf8').trim() === pluginToken)
    throw new Error(
      `serviceAccountTokenFile holds the serviceAccountToken of ${where}, which the Kubernetes plugin serves through /api/kubernetes/proxy; give the runtime a service account of its own`,
    );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server: url,
        caData: cluster.getOptionalString('caData'),
        caFile: cluster.getOptionalString('caFile'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    // A projected token rotates: client-node re-reads the file every minute.
    users: [
      {
        name: clusterName,
        authProvider: { name: 'tokenFile', config: { tokenFile } },
      },
    ],
    contexts: [{ name: clusterName, cluster: clusterName, user: clusterName }],
    currentContext: clusterName,
  });
  return kubeConfig;
}
