import { Config } from '@backstage/config';
import { formatZodError } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { LocalRuntimeConfig, localRuntimeConfigSchema } from './localConfig';

/** The config section this module owns. */
export const LOCAL_CONFIG_KEY = 'aigcGateway.runtime.local';

/** Reads and validates the section; the error names every bad key in one line. */
export function readLocalConfig(config: Config): LocalRuntimeConfig {
  const parsed = localRuntimeConfigSchema.safeParse(
    config.getOptional(LOCAL_CONFIG_KEY) ?? {},
  );
  if (!parsed.success) {
    throw new Error(
      `Invalid ${LOCAL_CONFIG_KEY} configuration: ${formatZodError(
        parsed.error,
        LOCAL_CONFIG_KEY,
      )}`,
    );
  }
  return parsed.data;
}
