import { performance } from 'node:perf_hooks';
import { ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import {
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  EngineRuntime,
  EngineVersion,
  GatewayClock,
  Migration,
  RuntimeEndpoint,
  RuntimeEvent,
  RuntimeInstanceStatus,
  RuntimePhase,
  RuntimeStartRequest,
  RuntimeVolume,
  VolumeMigrator,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { PortAllocator } from './ports';
import { LocalVolumeMigrations } from './volumeMigrations';
import { signalGroup, signalProcess, startTimeOf } from './processes';
import { describeMigration, engineInstall, missingInstall } from './installs';
import { installCommand } from './installCommand';
import { substitute } from './substitute';
import { answersOk } from './probe';
import { EngineInstall } from '../config/localConfig';
import {
  Bubblewrap,
  SANDBOX_DATA_DIR,
  SANDBOX_RUN_DIR,
} from '../sandbox/bubblewrap';
import { socketRoot } from '../sandbox/socketRoot';

/** The first program in an engine's sandbox: joins the sandbox's socket to the engine's port. */
const FORWARDER = resolvePackagePath(
  '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local',
  'sandbox/forward.cjs',
);

/** The port a sandboxed engine listens on: each has a loopback of its own. */
const SANDBOXED_ENGINE_PORT = 7860;

/** @public */
export interface LocalRuntimeOptions {
  /** Volumes, logs and process records live under this folder. */
  dataRoot: string;
  /** Working directory of engine commands (relative paths in args resolve here). */
  workDir: string;
  ports: { from: number; to: number };
  host?: string;
  probeIntervalMs?: number;
  /** A start that is not ready by then is reported as crashed. */
  startTimeoutMs?: number;
  /** The programs versions may name, from `aigcGateway.runtime.local.engines`. */
  engines: Record<string, EngineInstall>;
  /** Where engines and migrations run; without one, as the backend's user. */
  sandbox?: Bubblewrap;
  logger: LoggerService;
  clock: GatewayClock;
}

/**
 * What the runtime keeps on disk per engine, so a restarted backend can
 * adopt it. Engines cannot write it: a sandbox does not show the data root.
 */
interface ProcessRecord {
  instanceId: string;
  /** The process the runtime started, leader of the engine's process group. */
  pid: number;
  /** The process whose life is the engine's: the sandbox's first process, or `pid`. */
  watchedPid: number;
  /** `watchedPid`'s start time: a pid that outlived the engine is someone else's. */
  startTime: string;
  port: number;
  socketPath?: string;
  readinessPath: string;
  startedAt: string;
}

interface Engine extends ProcessRecord {
  phase: RuntimePhase;
  stopping: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Engines as child processes of this machine. Each runs detached in its own
 * process group with its data folder, a port from the range and a log file;
 * readiness is an HTTP probe. After a backend crash the engines keep running
 * and the next backend adopts them from their process records.
 *
 * @public
 */
export class LocalRuntime implements EngineRuntime, VolumeMigrator {
  readonly id = 'local';
  // Volumes are folders, copied aside before a migration.
  readonly volumeBackups = true;
  private readonly engines = new Map<string, Engine>();
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  private readonly portAllocator: PortAllocator;
  private readonly host: string;
  private readonly probeIntervalMs: number;
  private readonly startTimeoutMs: number;
  private readonly migrations: LocalVolumeMigrations;
  /** Where sandboxed engines' sockets are, a folder per instance. */
  private readonly sockets: string;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.startTimeoutMs = options.startTimeoutMs ?? 120_000;
    this.portAllocator = new PortAllocator(options.ports, this.host);
    this.migrations = new LocalVolumeMigrations({
      dataRoot: options.dataRoot,
      workDir: options.workDir,
      engines: options.engines,
      sandbox: options.sandbox,
    });
    for (const dir of ['volumes', 'logs', 'processes', 'backups']) {
      // Only the backend's user reaches engines' sockets and data.
      mkdirSync(join(options.dataRoot, dir), { recursive: true, mode: 0o700 });
    }
    this.sockets = options.sandbox ? socketRoot(options.dataRoot) : '';
    this.adoptSurvivors();
  }

  private get processDir() {
    return join(this.options.dataRoot, 'processes');
  }

  logFile(instanceId: string) {
    return join(this.options.dataRoot, 'logs', `${instanceId}.log`);
  }

  async ensureVolume(volumeId: string): Promise<RuntimeVolume> {
    const runtimeRef = join(this.options.dataRoot, 'volumes', volumeId);
    mkdirSync(runtimeRef, { recursive: true });
    return { id: volumeId, runtimeRef };
  }

  backupVolume(volume: RuntimeVolume): Promise<string> {
    return this.migrations.backup(volume);
  }

  restoreVolume(volume: RuntimeVolume, backupRef: string): Promise<void> {
    return this.migrations.restore(volume, backupRef);
  }

  dropBackup(backupRef: string): Promise<void> {
    return this.migrations.drop(backupRef);
  }

  runMigration(
    volume: RuntimeVolume,
    migration: Migration,
    target: EngineVersion,
  ): Promise<void> {
    return this.migrations.run(volume, migration, target);
  }

  async deleteVolume(volume: RuntimeVolume): Promise<void> {
    const volumes = resolve(this.options.dataRoot, 'volumes') + sep;
    const target = resolve(volume.runtimeRef);
    // Only ever a folder of ours.
    if (!target.startsWith(volumes)) {
      throw new Error(
        `refusing to delete ${target}: not a volume of this runtime`,
      );
    }
    rmSync(target, { recursive: true, force: true });
  }

  refuseVersion(version: EngineVersion): string | undefined {
    const { engines } = this.options;
    return (
      missingInstall(
        engines,
        version.runtime.local,
        `version ${version.version}`,
      ) ??
      version.migrations
        .map(m => missingInstall(engines, m.local, describeMigration(m)))
        .find(Boolean)
    );
  }

  async start(request: RuntimeStartRequest): Promise<void> {
    if (this.engines.has(request.instanceId)) return;
    const { sandbox, workDir } = this.options;
    const install = engineInstall(
      this.options.engines,
      request.version.runtime.local,
      `version ${request.version.version} of ${request.templateId}`,
    );
    const port = sandbox
      ? SANDBOXED_ENGINE_PORT
      : await this.portAllocator.allocate();
    const socketDir = join(this.sockets, request.instanceId);
    const vars = {
      port: String(port),
      dataDir: sandbox ? SANDBOX_DATA_DIR : request.volume.runtimeRef,
      instanceId: request.instanceId,
      version: request.version.version,
      // The Node running the backend, for engines written for Node.
      node: process.execPath,
    };
    if (sandbox) {
      rmSync(socketDir, { recursive: true, force: true });
      mkdirSync(socketDir, { mode: 0o700 });
    }
    let argv: string[];
    try {
      argv = installCommand({
        install,
        vars,
        workDir,
        sandbox,
        volume: request.volume.runtimeRef,
        socketDir,
        infoFd: 3,
        entry: {
          argv: [
            process.execPath,
            FORWARDER,
            `${SANDBOX_RUN_DIR}/engine.sock`,
            String(port),
          ],
          files: [FORWARDER],
        },
      });
    } catch (error) {
      if (!sandbox) this.portAllocator.release(port);
      throw error;
    }
    const log = openSync(this.logFile(request.instanceId), 'a');
    const child = spawn(argv[0], argv.slice(1), {
      cwd: workDir,
      detached: true,
      stdio: ['ignore', log, log, sandbox ? 'pipe' : 'ignore'],
      env: {
        PATH: process.env.PATH,
        // A sandbox shows nothing of the backend's home.
        HOME: sandbox ? '/tmp' : process.env.HOME,
        ...Object.fromEntries(
          Object.entries(install.env).map(([k, v]) => [k, substitute(v, vars)]),
        ),
        PORT: vars.port,
        DATA_DIR: vars.dataDir,
        AIGC_INSTANCE_ID: request.instanceId,
      },
    });
    closeSync(log);
    const watchedPid = sandbox ? await sandboxPid(child) : child.pid;
    const startTime = watchedPid && startTimeOf(watchedPid);
    if (!child.pid || !watchedPid || !startTime) {
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      if (!sandbox) this.portAllocator.release(port);
      throw new Error(
        `could not start ${install.command}${this.lastLogLine(
          request.instanceId,
        )}`,
      );
    }
    const engine: Engine = {
      instanceId: request.instanceId,
      pid: child.pid,
      watchedPid,
      startTime,
      port,
      socketPath: sandbox ? join(socketDir, 'engine.sock') : undefined,
      readinessPath: install.readinessPath,
      startedAt: this.options.clock.now().toISOString(),
      phase: 'starting',
      stopping: false,
    };
    this.engines.set(engine.instanceId, engine);
    this.writeRecord(engine);
    child.once('exit', (code, signal) =>
      this.exited(
        engine,
        signal ? `killed by ${signal}` : `exited with code ${code}`,
      ),
    );
    child.unref();
    this.emit(
      engine,
      'starting',
      `started ${install.command} as pid ${child.pid}${
        sandbox ? ' in a sandbox' : ` on port ${port}`
      }`,
    );
    this.watch(engine);
  }

  async stop(instanceId: string): Promise<void> {
    const engine = this.engines.get(instanceId);
    if (!engine) return;
    engine.stopping = true;
    clearInterval(engine.timer);
    for (let i = 0; i < 100 && isAlive(engine); i++) {
      // A sandbox's first process passes it on and ends with the engine,
      // then bubblewrap; signalled too, bubblewrap would end first and leave
      // the sandbox to the host's init. It ignores signals until its handler
      // is in place (it is the namespace's init), so they are sent again.
      if (engine.socketPath) {
        if (i % 10 === 0) signalProcess(engine.watchedPid, 'SIGTERM');
      } else if (i === 0) signalGroup(engine.pid, 'SIGTERM');
      await new Promise(r => setTimeout(r, 100));
    }
    // A sandbox's first process takes all of the sandbox with it.
    if (isAlive(engine)) signalGroup(engine.pid, 'SIGKILL');
    this.forget(engine);
    this.emit(engine, 'stopped', 'engine stopped');
  }

  observe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<RuntimeInstanceStatus[]> {
    return [...this.engines.values()].map(e => ({
      instanceId: e.instanceId,
      phase: e.phase,
    }));
  }

  endpoint(instanceId: string): RuntimeEndpoint | undefined {
    const engine = this.engines.get(instanceId);
    return engine?.phase === 'ready' ? this.addressOf(engine) : undefined;
  }

  private addressOf(engine: ProcessRecord): RuntimeEndpoint {
    return engine.socketPath
      ? { host: '127.0.0.1', port: engine.port, socketPath: engine.socketPath }
      : { host: this.host, port: engine.port };
  }

  /** Stops every engine this backend holds: a clean shutdown leaves nothing behind. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.engines.keys()].map(id => this.stop(id)));
    this.listeners.clear();
  }

  private emit(engine: Engine, phase: RuntimePhase, reason: string) {
    engine.phase = phase;
    const event = {
      instanceId: engine.instanceId,
      phase,
      reason,
      at: this.options.clock.now(),
    };
    for (const listener of this.listeners) listener(event);
  }

  /** Probes readiness while starting, then liveness (adopted engines have no exit event). */
  private watch(engine: Engine) {
    const deadline = performance.now() + this.startTimeoutMs;
    engine.timer = setInterval(async () => {
      if (engine.stopping) return;
      if (!isAlive(engine)) {
        this.exited(engine, 'the engine process is gone');
        return;
      }
      if (engine.phase === 'ready') return;
      if (await this.probe(engine)) {
        // The engine may have stopped or become ready during the probe.
        if (!engine.stopping && (engine.phase as string) !== 'ready') {
          this.emit(engine, 'ready', `answering on port ${engine.port}`);
        }
      } else if (performance.now() > deadline) {
        signalGroup(engine.pid, 'SIGKILL');
        this.exited(engine, `not ready after ${this.startTimeoutMs / 1000} s`);
      }
    }, this.probeIntervalMs);
    // Probes never keep the process alive on their own.
    engine.timer.unref();
  }

  private probe(engine: Engine): Promise<boolean> {
    return answersOk(
      this.addressOf(engine),
      engine.readinessPath,
      Math.max(500, this.probeIntervalMs),
    );
  }

  private exited(engine: Engine, how: string) {
    if (engine.stopping || !this.engines.has(engine.instanceId)) return;
    // bubblewrap gone but its sandbox not (someone killed it alone): nothing may run unwatched.
    if (isAlive(engine)) signalGroup(engine.pid, 'SIGKILL');
    this.forget(engine);
    this.emit(
      engine,
      'crashed',
      `${how}${this.lastLogLine(engine.instanceId)}`,
    );
  }

  private forget(engine: Engine) {
    clearInterval(engine.timer);
    this.engines.delete(engine.instanceId);
    if (!engine.socketPath) this.portAllocator.release(engine.port);
    rmSync(join(this.processDir, `${engine.instanceId}.json`), { force: true });
    if (engine.socketPath)
      rmSync(join(this.sockets, engine.instanceId), {
        recursive: true,
        force: true,
      });
  }

  private lastLogLine(instanceId: string): string {
    try {
      const lines = readFileSync(this.logFile(instanceId), 'utf8')
        .trim()
        .split('\n');
      const last = lines[lines.length - 1]?.trim();
      return last ? `: ${last.slice(0, 300)}` : '';
    } catch {
      return '';
    }
  }

  private writeRecord(engine: Engine) {
    const record: ProcessRecord = {
      instanceId: engine.instanceId,
      pid: engine.pid,
      watchedPid: engine.watchedPid,
      startTime: engine.startTime,
      port: engine.port,
      socketPath: engine.socketPath,
      readinessPath: engine.readinessPath,
      startedAt: engine.startedAt,
    };
    writeFileSync(
      join(this.processDir, `${engine.instanceId}.json`),
      JSON.stringify(record),
    );
  }

  /** Adopts engines a crashed backend left running; forgets records of dead ones. */
  private adoptSurvivors() {
    for (const file of readdirSync(this.processDir)) {
      const path = join(this.processDir, file);
      let record: ProcessRecord;
      try {
        record = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        rmSync(path, { force: true });
        continue;
      }
      if (!isAlive(record)) {
        rmSync(path, { force: true });
        continue;
      }
      const engine: Engine = { ...record, phase: 'starting', stopping: false };
      this.engines.set(engine.instanceId, engine);
      if (!engine.socketPath) this.portAllocator.reserve(engine.port);
      this.options.logger.info(
        `Adopted engine of instance ${engine.instanceId} (pid ${engine.pid}, port ${engine.port})`,
      );
      this.watch(engine);
    }
  }
}

/** True while the engine's process lives: the same pid with the same start time. */
function isAlive(record: Pick<ProcessRecord, 'watchedPid' | 'startTime'>) {
  return (
    typeof record.startTime === 'string' &&
    startTimeOf(record.watchedPid) === record.startTime
  );
}

/** The PID (on this host) of the sandbox's first process, which bubblewrap reports on descriptor 3. */
function sandboxPid(child: ChildProcess): Promise<number | undefined> {
  const info = child.stdio[3] as Readable;
  return new Promise(resolvePid => {
    let text = '';
    info.on('data', chunk => {
      text += chunk;
      try {
        resolvePid(JSON.parse(text)['child-pid']);
        info.destroy();
      } catch {
        // not all of it yet
      }
    });
    info.on('end', () => resolvePid(undefined));
    info.on('error', () => resolvePid(undefined));
  });
}
