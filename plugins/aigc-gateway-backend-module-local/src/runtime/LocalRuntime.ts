import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
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
import { LoggerService } from '@backstage/backend-plugin-api';
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
import { isAlive, isEngineOf, signalGroup } from './processes';
import { substitute } from './substitute';
import { describeMigration, engineInstall, missingInstall } from './installs';
import { EngineInstall } from '../config/localConfig';

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
  logger: LoggerService;
  clock: GatewayClock;
}

/** What the runtime keeps on disk per engine, so a restarted backend can adopt it. */
interface ProcessRecord {
  instanceId: string;
  pid: number;
  port: number;
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

  constructor(private readonly options: LocalRuntimeOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.startTimeoutMs = options.startTimeoutMs ?? 120_000;
    this.portAllocator = new PortAllocator(options.ports, this.host);
    this.migrations = new LocalVolumeMigrations({
      dataRoot: options.dataRoot,
      workDir: options.workDir,
      engines: options.engines,
    });
    for (const dir of ['volumes', 'logs', 'processes', 'backups']) {
      mkdirSync(join(options.dataRoot, dir), { recursive: true });
    }
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
    const spec = engineInstall(
      this.options.engines,
      request.version.runtime.local,
      `version ${request.version.version} of ${request.templateId}`,
    );
    const port = await this.portAllocator.allocate();
    const vars = {
      port: String(port),
      dataDir: request.volume.runtimeRef,
      instanceId: request.instanceId,
      version: request.version.version,
      // The Node running the backend, for engines written for Node.
      node: process.execPath,
    };
    const log = openSync(this.logFile(request.instanceId), 'a');
    const child = spawn(
      substitute(spec.command, vars),
      spec.args.map(a => substitute(a, vars)),
      {
        cwd: this.options.workDir,
        detached: true,
        stdio: ['ignore', log, log],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...Object.fromEntries(
            Object.entries(spec.env).map(([k, v]) => [k, substitute(v, vars)]),
          ),
          PORT: vars.port,
          DATA_DIR: vars.dataDir,
          AIGC_INSTANCE_ID: request.instanceId,
        },
      },
    );
    closeSync(log);
    if (!child.pid) {
      this.portAllocator.release(port);
      throw new Error(`could not start ${spec.command}`);
    }
    const engine: Engine = {
      instanceId: request.instanceId,
      pid: child.pid,
      port,
      readinessPath: spec.readinessPath,
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
      `started ${spec.command} as pid ${child.pid} on port ${port}`,
    );
    this.watch(engine);
  }

  async stop(instanceId: string): Promise<void> {
    const engine = this.engines.get(instanceId);
    if (!engine) return;
    engine.stopping = true;
    clearInterval(engine.timer);
    signalGroup(engine.pid, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(engine.pid); i++) {
      await new Promise(r => setTimeout(r, 100));
    }
    if (isAlive(engine.pid)) signalGroup(engine.pid, 'SIGKILL');
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
    return engine?.phase === 'ready'
      ? { host: this.host, port: engine.port }
      : undefined;
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
      if (!isAlive(engine.pid)) {
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

  private async probe(engine: Engine): Promise<boolean> {
    try {
      const res = await fetch(
        `http://${this.host}:${engine.port}${engine.readinessPath}`,
        { signal: AbortSignal.timeout(Math.max(500, this.probeIntervalMs)) },
      );
      return res.ok;
    } catch {
      return false;
    }
  }

  private exited(engine: Engine, how: string) {
    if (engine.stopping || !this.engines.has(engine.instanceId)) return;
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
    this.portAllocator.release(engine.port);
    rmSync(join(this.processDir, `${engine.instanceId}.json`), { force: true });
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
      port: engine.port,
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
      if (!isAlive(record.pid) || !isEngineOf(record.pid, record.instanceId)) {
        rmSync(path, { force: true });
        continue;
      }
      const engine: Engine = { ...record, phase: 'starting', stopping: false };
      this.engines.set(engine.instanceId, engine);
      this.portAllocator.reserve(engine.port);
      this.options.logger.info(
        `Adopted engine of instance ${engine.instanceId} (pid ${engine.pid}, port ${engine.port})`,
      );
      this.watch(engine);
    }
  }
}
