import { existsSync } from 'node:fs';
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
 * A cluster of Backstage's own `kubernetes.clusterLocatorMethods`, so the
 * gateway uses the cluster (and service account) the Kubernetes plugin
 * already knows. Only the `serviceAccount` auth provider is supported: the
 * gateway acts as itself, never on behalf of a user.
 */
export function kubeConfigFromLocator(
  config: Config,
  clusterName: string,
  tokenFile = IN_CLUSTER_TOKEN_FILE,
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
  const authProvider = cluster.getOptionalString('authProvider');
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `${where} uses authProvider "${
        authProvider ?? '(none)'
      }"; the gateway's Kubernetes runtime needs "serviceAccount"`,
    );
  }
  const token = cluster.getOptionalString('serviceAccountToken');
  if (!token && !existsSync(tokenFile)) {
    throw new Error(
      `${where} has no serviceAccountToken and the backend does not run in a pod (no ${tokenFile})`,
    );
  }
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
    users: [
      token
        ? { name: clusterName, token }
        : // A projected token rotates: client-node re-reads the file every minute.
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
