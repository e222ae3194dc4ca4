import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesRuntimeConfig } from '../config/runtimeConfig';
import { kubeConfigFromFile } from './kubeConfigFromFile';
import { kubeConfigFromLocator } from './kubeConfigFromLocator';

/** The cluster access the runtime config names: a kubeconfig file or a Backstage cluster. */
export function loadKubeConfig(
  runtimeConfig: KubernetesRuntimeConfig,
  rootConfig: Config,
): KubeConfig {
  if (runtimeConfig.kubeconfig) {
    return kubeConfigFromFile(runtimeConfig.kubeconfig, runtimeConfig.context);
  }
  return kubeConfigFromLocator(
    rootConfig,
    runtimeConfig.cluster!,
    runtimeConfig.serviceAccountTokenFile!,
  );
}
