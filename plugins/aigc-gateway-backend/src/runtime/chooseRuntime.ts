import { EngineRuntime } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * The one runtime the installed modules added. Every pool runs on the
 * gateway's runtime, so two runtimes would serve the same pools: that is a
 * configuration error at start, naming both, not a silent choice.
 */
export function chooseRuntime(
  added: EngineRuntime[],
  poolIds: string[],
): EngineRuntime | undefined {
  if (added.length > 1) {
    throw new Error(
      `Two engine runtimes serve the same pools (${
        poolIds.join(', ') || 'none configured'
      }): ${added
        .map(r => `"${r.id}"`)
        .sort()
        .join(
          ' and ',
        )}. Configure one runtime: remove the other's aigcGateway.runtime section or its backend module.`,
    );
  }
  return added[0];
}
