import { resolve } from 'node:path';
import { EngineInstall } from '../config/localConfig';
import { Bubblewrap, commandFile } from '../sandbox/bubblewrap';
import { substitute } from './substitute';

/**
 * The argv that runs an install's program with its variables filled in:
 * with a sandbox, inside it, seeing the install's paths, the program, the
 * backend's Node (`${node}`) and the volume; without, as it is.
 */
export function installCommand(options: {
  install: EngineInstall;
  vars: Record<string, string>;
  workDir: string;
  sandbox?: Bubblewrap;
  /** What it may write; in a sandbox at `SANDBOX_DATA_DIR`, as `${dataDir}` says. */
  volume: string;
  socketDir?: string;
  /** A descriptor bubblewrap reports the sandbox's PID on. */
  infoFd?: number;
  /** Programs that run first in the sandbox, with the install's argv after their own (the socket forwarder). */
  entry?: { argv: string[]; files: string[] };
}): string[] {
  const { install, vars, workDir, sandbox } = options;
  const command = substitute(install.command, vars);
  const args = install.args.map(a => substitute(a, vars));
  if (!sandbox) return [command, ...args];
  const program = commandFile(command, workDir);
  const inner = [...(options.entry?.argv ?? []), command, ...args];
  return sandbox.wrap(
    {
      volume: options.volume,
      readOnly: [
        ...install.paths.map(p => resolve(workDir, p)),
        process.execPath,
        ...(program ? [program] : []),
        ...(options.entry?.files ?? []),
      ],
      socketDir: options.socketDir,
      cwd: workDir,
    },
    inner[0],
    inner.slice(1),
    // The entry (the forwarder) takes stop signals to the engine and exits with it.
    { infoFd: options.infoFd, asPid1: Boolean(options.entry) },
  );
}
