import { Config } from '@backstage/config';
import {
  formatZodError,
  GatewayConfig,
  gatewayConfigSchema,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/** The config section this plugin owns. */
export const CONFIG_KEY = 'aigcGateway';

/**
 * Reads and validates the `aigcGateway` section. A bad section stops the
 * backend with one line that names every bad key, rather than failing later
 * on the first request that touches it.
 */
export function readGatewayConfig(config: Config): GatewayConfig {
  const raw = config.getOptional(CONFIG_KEY) ?? {};
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid ${CONFIG_KEY} configuration: ${formatZodError(
        parsed.error,
        CONFIG_KEY,
      )}`,
    );
  }
  return parsed.data;
}
