import { spawn } from 'node:child_process';
import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EngineVersion,
  Migration,
  RuntimeVolume,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { processesMarked, signalGroup, signalProcess } from './processes';
import { describeMigration, engineInstall } from './installs';
import { installCommand } from './installCommand';
import { EngineInstall } from '../config/localConfig';
import { Bubblewrap, SANDBOX_DATA_DIR } from '../sandbox/bubblewrap';

/** Marks migration processes, so that one outliving its backend can be found. */
const MIGRATION_ENV = 'AIGC_MIGRATION_VOLUME';
const migrationMarker = (volume: RuntimeVolume) =>
  `${MIGRATION_ENV}=${volume.id}`;

/** Backups of volume folders, and migration commands run on them, for the local runtime. */
export class LocalVolumeMigrations {
  constructor(
    private readonly options: {
      dataRoot: string;
      workDir: string;
      engines: Record<string, EngineInstall>;
      /** Migrations are engine code too: they run as engines do. */
      sandbox?: Bubblewrap;
      timeoutMs?: number;
    },
  ) {}

  async backup(volume: RuntimeVolume): Promise<string> {
    const backupRef = join(
      this.options.dataRoot,
      'backups',
      `${volume.id}-${Date.now()}`,
    );
    await cp(volume.runtimeRef, backupRef, {
      recursive: true,
      preserveTimestamps: true,
      errorOnExist: true,
    });
    return backupRef;
  }

  async restore(volume: RuntimeVolume, backupRef: string): Promise<void> {
    // A migration left behind by a backend that died must not write into
    // the restored data. In a sandbox its processes go with the first one
    // killed, so some may be gone before their turn.
    for (const pid of processesMarked(migrationMarker(volume)))
      signalProcess(pid, 'SIGKILL');
    // Set the half-migrated folder aside first, so a crash here still leaves one whole copy.
    const aside = `${volume.runtimeRef}.failed-${Date.now()}`;
    await rename(volume.runtimeRef, aside).catch(error => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(backupRef, volume.runtimeRef);
    await rm(aside, { recursive: true, force: true });
  }

  async drop(backupRef: string): Promise<void> {
    await rm(backupRef, { recursive: true, force: true });
  }

  /** Runs the migration's command with the volume's folder as `${dataDir}`; its output goes to the error. */
  async run(
    volume: RuntimeVolume,
    migration: Migration,
    target: EngineVersion,
  ): Promise<void> {
    const install = engineInstall(
      this.options.engines,
      migration.local,
      describeMigration(migration),
    );
    const { sandbox, workDir } = this.options;
    const dataDir = sandbox ? SANDBOX_DATA_DIR : volume.runtimeRef;
    const vars = {
      dataDir,
      node: process.execPath,
      version: target.version,
      fromLayout: String(migration.fromLayout),
      toLayout: String(migration.toLayout),
    };
    const timeoutMs = this.options.timeoutMs ?? 15 * 60_000;
    const argv = installCommand({
      install,
      vars,
      workDir,
      sandbox,
      volume: volume.runtimeRef,
    });
    return new Promise((resolvePromise, reject) => {
      const child = spawn(argv[0], argv.slice(1), {
        cwd: workDir,
        // Its own group, so that a timeout stops all of it (a sandbox's first process takes the sandbox with it).
        detached: true,
        env: {
          PATH: process.env.PATH,
          HOME: sandbox ? '/tmp' : process.env.HOME,
          ...install.env,
          DATA_DIR: dataDir,
          [MIGRATION_ENV]: volume.id,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const timer = setTimeout(
        () => child.pid && signalGroup(child.pid, 'SIGKILL'),
        timeoutMs,
      );
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-2000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolvePromise();
        else {
          const how = signal
            ? `was stopped by ${signal}`
            : `exited with code ${code}`;
          const last = gist(output);
          reject(
            new Error(
              `the migration from layout ${migration.fromLayout} to ${
                migration.toLayout
              } ${how}${last ? `: ${last}` : ''}`,
            ),
          );
        }
      });
    });
  }
}

/** The line of a failed command's output that says what went wrong: its error, not Node's stack or version banner. */
function gist(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('at ') && !/^Node\.js v\d/.test(l));
  return lines.filter(l => /\w*Error\b/.test(l)).pop() ?? lines.pop();
}
