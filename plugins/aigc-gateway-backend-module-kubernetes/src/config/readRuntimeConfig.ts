import { Config } from '@backstage/config';
import { formatZodError } from '@internal/plugin-aigc-gateway-common';
import {
  KubernetesRuntimeConfig,
  kubernetesRuntimeConfigSchema,
} from './runtimeConfig';

/** The config section this module owns. */
export const RUNTIME_CONFIG_KEY = 'aigcGateway.runtime.kubernetes';

/** Whether the Kubernetes runtime is configured at all. */
export function hasRuntimeConfig(config: Config): boolean {
  return config.has(RUNTIME_CONFIG_KEY);
}

/** Reads and validates the section; the error names every bad key in one line. */
export function readRuntimeConfig(config: Config): KubernetesRuntimeConfig {
  const parsed = kubernetesRuntimeConfigSchema.safeParse(
    config.getOptional(RUNTIME_CONFIG_KEY) ?? {},
  );
  if (!parsed.success) {
    throw new Error(
      `invalid ${RUNTIME_CONFIG_KEY} configuration: ${formatZodError(
        parsed.error,
        RUNTIME_CONFIG_KEY,
      )}`,
    );
  }
  return parsed.data;
}
