import { spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { SandboxConfig } from '../config/localConfig';

/** The host's system folders, shown read-only (or as the symlinks they are on merged-/usr systems). */
const SYSTEM_DIRS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
];

/** What programs read of /etc to run (the loader, certificates, time zone, user names); nothing else of it. */
const SYSTEM_ETC = [
  '/etc/alternatives',
  '/etc/ca-certificates',
  '/etc/fonts',
  '/etc/group',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/mime.types',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/ssl',
];

/** What a sandboxed program sees of the host. */
export interface SandboxView {
  /** The one folder it may write, shown at `/data`: its volume. */
  volume?: string;
  /** Files and folders it may read, each at its host path: its install and the program it runs. */
  readOnly: string[];
  /** A host folder shown at `/run/aigc`, where an engine's socket is made. */
  socketDir?: string;
  /** Where the program starts. */
  cwd: string;
}

/** Where `SandboxView.socketDir` appears inside the sandbox. */
export const SANDBOX_RUN_DIR = '/run/aigc';

/** Where `SandboxView.volume` appears inside the sandbox: no host path is shown. */
export const SANDBOX_DATA_DIR = '/data';

/**
 * Command lines that run a program under bubblewrap: its own user, PID,
 * mount, network, IPC, UTS and cgroup namespaces, no capabilities, no
 * nested user namespaces, no network but its own loopback, and of the
 * host's files only the system's and what the view names.
 */
export class Bubblewrap {
  /** The host's system folders as bubblewrap mounts them; they do not change while the backend runs. */
  private readonly system = systemView();

  constructor(private readonly config: SandboxConfig) {}

  /**
   * The argv (program first) that runs `command` in a sandbox showing
   * `view`; with `infoFd`, bubblewrap writes the sandbox's PID there as JSON.
   * With `asPid1`, `command` is the sandbox's first process and gets the
   * signals sent to it (a stop's SIGTERM); without, bubblewrap's own init is
   * first, which ignores them.
   */
  wrap(
    view: SandboxView,
    command: string,
    args: string[],
    options: { infoFd?: number; asPid1?: boolean } = {},
  ): string[] {
    const argv = [
      this.config.bwrap,
      '--unshare-all',
      '--unshare-user',
      '--disable-userns',
      '--cap-drop',
      'ALL',
      '--hostname',
      'engine',
      ...(options.infoFd ? ['--info-fd', String(options.infoFd)] : []),
      ...(options.asPid1 ? ['--as-pid-1'] : []),
      ...this.system,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/run',
    ];
    for (const device of this.config.devices)
      argv.push('--dev-bind-try', device, device);
    for (const path of [...this.config.readOnlyPaths, ...view.readOnly])
      argv.push('--ro-bind', hostPath(path), path);
    if (view.volume) argv.push('--bind', view.volume, SANDBOX_DATA_DIR);
    if (view.socketDir) argv.push('--bind', view.socketDir, SANDBOX_RUN_DIR);
    argv.push('--dir', view.cwd, '--chdir', view.cwd, '--', command, ...args);
    return argv;
  }

  /**
   * Fails, saying what to do, when bubblewrap is missing or cannot make
   * namespaces here (a container without user namespaces, say).
   */
  check() {
    const probe = this.wrap({ readOnly: [], cwd: '/' }, '/bin/true', []);
    const result = spawnSync(probe[0], probe.slice(1), { encoding: 'utf8' });
    if (result.status === 0) return;
    const why =
      result.error?.message ??
      (result.stderr.trim() || `exit ${result.status}`);
    throw new Error(
      `The local runtime runs engines under bubblewrap, which failed here (${why}). Install it (Debian and Ubuntu: apt-get install bubblewrap) and allow unprivileged user namespaces, or set aigcGateway.runtime.local.sandbox.mode to none to run engines uncontained, as the backend's user`,
    );
  }
}

/** Where `path` really is; it must exist. */
function hostPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new Error(
      `${path} does not exist on this host, so no engine can be shown it`,
    );
  }
}

/** Mounts of the system's folders, as they are on this host. */
function systemView(): string[] {
  const argv: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) argv.push('--symlink', readlinkSync(dir), dir);
    else if (stat?.isDirectory()) argv.push('--ro-bind', dir, dir);
  }
  for (const path of SYSTEM_ETC) argv.push('--ro-bind-try', path, path);
  return argv;
}

/** The file a command names, when it names one (`python3` is looked up in the sandbox's PATH instead). */
export function commandFile(command: string, cwd: string): string | undefined {
  if (!command.includes('/')) return undefined;
  return isAbsolute(command) ? command : `${cwd}/${command}`;
}
