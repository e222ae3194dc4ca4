import { EngineInstall } from '../config/localConfig';

/** The install a version or migration names; a name nobody declared fails with where to declare it. */
export function engineInstall(
  installs: Record<string, EngineInstall>,
  ref: { engine: string } | undefined,
  what: string,
): EngineInstall {
  if (!ref) throw new Error(`${what} has no local runtime spec`);
  const install = installs[ref.engine];
  if (!install) {
    throw new Error(
      `${what} names the engine install "${
        ref.engine
      }", which aigcGateway.runtime.local.engines does not declare (declared: ${
        Object.keys(installs).join(', ') || 'none'
      })`,
    );
  }
  return install;
}
