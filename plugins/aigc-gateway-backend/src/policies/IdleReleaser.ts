import { LoggerService } from '@backstage/backend-plugin-api';
import { activeWindow, describeWindow } from './releaseWindows';
import { Definitions } from '../store/DefinitionStore';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import {
  EngineTemplate,
  GatewayClock,
  GpuPool,
  IdleConfig,
  ReleaseWindow,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

const MINUTE = 60_000;

/** What the releaser does to instances and their owners; the plugin wires the real ones. */
export interface IdleActions {
  /** Whether the engine reports work in progress; undefined when it cannot tell. */
  busy(instance: InstanceRecord): Promise<boolean | undefined>;
  release(instance: InstanceRecord, why: string): Promise<void>;
  warn(instance: InstanceRecord, message: string): Promise<void>;
}

/**
 * Releases running instances nobody uses (DESIGN §7): idle means no proxied
 * traffic, no keep-alive and no work the engine reports for the timeout of
 * its template, else its pool, else `aigcGateway.idle`; within a release
 * window of either, for the window's grace. The owner is warned before. A
 * busy engine counts as active and is never released, not even at its
 * maximum lifetime.
 */
export class IdleReleaser {
  constructor(
    private readonly deps: {
      store: InstanceStore;
      definitions: () => Definitions;
      config: IdleConfig;
      actions: IdleActions;
      logger: LoggerService;
      clock: GatewayClock;
    },
  ) {}

  /** One pass over the running instances. */
  async check(): Promise<void> {
    const [running, computeSince] = await Promise.all([
      this.deps.store.listInStates(['running']),
      this.deps.store.computeSince(),
    ]);
    for (const instance of running) {
      try {
        await this.checkOne(instance, computeSince.get(instance.id));
      } catch (error) {
        this.deps.logger.warn(
          `Idle check of instance ${instance.id} failed: ${error}`,
        );
      }
    }
  }

  /**
   * The idle timeout of an instance in ms (0: idle release is off for it),
   * shortened to the grace of a release window it is in.
   */
  timeout(
    instance: InstanceRecord,
    now: Date,
  ): { ms: number; window?: ReleaseWindow } {
    const { templates, pools } = this.deps.definitions();
    const template: EngineTemplate | undefined = templates.get(
      instance.templateId,
    );
    const pool: GpuPool | undefined = pools.get(instance.poolId);
    const ms =
      (template?.idleTimeoutMinutes ??
        pool?.idleTimeoutMinutes ??
        this.deps.config.timeoutMinutes) * MINUTE;
    const windows = [
      ...(template?.releaseWindows ?? []),
      ...(pool?.releaseWindows ?? []),
    ];
    const window = activeWindow(windows, now, this.deps.config.timeZone);
    if (!window) return { ms };
    const grace = window.graceMinutes * MINUTE;
    return { ms: ms > 0 ? Math.min(ms, grace) : grace, window };
  }

  private async checkOne(instance: InstanceRecord, since: Date | undefined) {
    const { store, actions, config } = this.deps;
    const now = this.deps.clock.now();
    const { ms: timeout, window } = this.timeout(instance, now);
    const idleSince = latest(instance.lastActivityAt, since) ?? now;
    const idleFor = now.getTime() - idleSince.getTime();
    const lifetimeOver =
      config.maxLifetimeHours !== undefined &&
      since !== undefined &&
      now.getTime() - since.getTime() >= config.maxLifetimeHours * 60 * MINUTE;
    const warnAt = timeout - config.warnMinutesBefore * MINUTE;
    const due = timeout > 0 && idleFor >= timeout;
    const warnDue =
      timeout > 0 &&
      idleFor >= warnAt &&
      !due &&
      !(instance.idleWarnedAt && instance.idleWarnedAt >= idleSince);
    if (!due && !warnDue && !lifetimeOver) return;

    // Whether it is busy is the engine's own word, which hostile engine code
    // can give forever: the lifetime holds regardless, so spend has a bound.
    if (lifetimeOver) {
      await actions.release(
        instance,
        `it reached the maximum lifetime of ${config.maxLifetimeHours} h`,
      );
      return;
    }
    // Work in progress is activity: never release a busy engine before that.
    if (await actions.busy(instance)) {
      await store.touch(instance.id, now);
      return;
    }
    if (due) {
      const where = window
        ? ` in the release window ${describeWindow(window)}`
        : '';
      await actions.release(
        instance,
        `idle for ${minutes(idleFor)}${where} (no use, no work in progress)`,
      );
    } else {
      const left = minutes(timeout - idleFor);
      await actions.warn(
        instance,
        `It has been idle for ${minutes(
          idleFor,
        )} and will be released in ${left} unless you keep it. Its data is kept either way.`,
      );
      await store.markIdleWarned(instance.id, now);
    }
  }
}

function latest(...dates: Array<Date | undefined>): Date | undefined {
  return dates
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => b.getTime() - a.getTime())[0];
}

function minutes(ms: number): string {
  if (ms < MINUTE) return `${Math.max(Math.round(ms / 1000), 0)} seconds`;
  const m = Math.round(ms / MINUTE);
  return m === 1 ? '1 minute' : `${m} minutes`;
}
