import { Config } from '@backstage/config';
import { formatZodError } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
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
  return parseRuntimeConfig(
    config.getOptional(RUNTIME_CONFIG_KEY) ?? {},
    config.getOptionalString('backend.baseUrl'),
  );
}

/**
 * Validates a section; ingress URLs left out come from the backend's base URL.
 *
 * @public
 */
export function parseRuntimeConfig(
  section: unknown,
  backendBaseUrl?: string,
): KubernetesRuntimeConfig {
  const parsed = kubernetesRuntimeConfigSchema.safeParse(section);
  if (!parsed.success) {
    throw new Error(
      `invalid ${RUNTIME_CONFIG_KEY} configuration: ${formatZodError(
        parsed.error,
        RUNTIME_CONFIG_KEY,
      )}`,
    );
  }
  const { ingress, ...rest } = parsed.data;
  if (!ingress) return rest;
  const derive = (path: string) => {
    if (!backendBaseUrl || !/^https?:\/\//.test(backendBaseUrl)) {
      throw new Error(
        `invalid ${RUNTIME_CONFIG_KEY} configuration: ingress needs authUrl and signInUrl, or backend.baseUrl to derive them from`,
      );
    }
    return `${backendBaseUrl}/api/aigc-gateway${path}`;
  };
  return {
    ...rest,
    ingress: {
      ...ingress,
      authUrl: ingress.authUrl ?? derive('/forward-auth'),
      signInUrl: ingress.signInUrl ?? derive('/ingress/sign-in'),
    },
  };
}
