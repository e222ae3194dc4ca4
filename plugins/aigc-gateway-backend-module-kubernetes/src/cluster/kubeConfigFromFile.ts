import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig file, switched to `context` when given; each problem is one clear line. */
export function kubeConfigFromFile(path: string, context?: string): KubeConfig {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new Error(`no kubeconfig file at ${file}`);
  }
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(file);
  } catch (error) {
    throw new Error(
      `could not read the kubeconfig ${file}: ${(error as Error).message}`,
    );
  }
  if (context) {
    const names = kubeConfig.getContexts().map(c => c.name);
    if (!names.includes(context)) {
      throw new Error(
        `the kubeconfig ${file} has no context "${context}" (its contexts: ${
          names.join(', ') || 'none'
        })`,
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error(
      `the kubeconfig ${file} names no cluster for context "${
        kubeConfig.getCurrentContext() || '(none)'
      }"`,
    );
  }
  return kubeConfig;
}
