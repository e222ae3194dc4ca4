import { Migration } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { EngineInstall } from '../config/localConfig';

type Installs = Record<string, EngineInstall>;

/** How errors name a migration. */
export const describeMigration = (m: Migration) =>
  `the migration from layout ${m.fromLayout} to ${m.toLayout}`;

/** Why `what` cannot run: no spec, or a name nobody declared (saying where to declare it). */
export function missingInstall(
  installs: Installs,
  ref: { engine: string } | undefined,
  what: string,
): string | undefined {
  if (!ref) return `${what} has no local runtime spec`;
  if (installs[ref.engine]) return undefined;
  return `${what} names the engine install "${
    ref.engine
  }", which aigcGateway.runtime.local.engines does not declare (declared: ${
    Object.keys(installs).join(', ') || 'none'
  })`;
}

/** The install a version or migration names. */
export function engineInstall(
  installs: Installs,
  ref: { engine: string } | undefined,
  what: string,
): EngineInstall {
  const missing = missingInstall(installs, ref, what);
  if (missing) throw new Error(missing);
  return installs[ref!.engine];
}
