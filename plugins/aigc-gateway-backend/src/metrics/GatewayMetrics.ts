import {
  MetricsService,
  MetricsServiceObservableResult,
} from '@backstage/backend-plugin-api/alpha';
import {
  instanceStates,
  PoolView,
  rolloutTargetStatuses,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { CostCalendar } from '../cost/calendar';
import { CostLedger } from '../cost/CostLedger';
import { Budgets } from '../cost/Budgets';
import { InstanceStore } from '../store/InstanceStore';
import { RolloutStore } from '../store/RolloutStore';

/** How long a finished rollout's figures stay among the metrics. */
const RECENT_ROLLOUT_MS = 60 * 60 * 1000;

/** The class of an HTTP status, as the proxy metrics group them: 2xx, 4xx … */
const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * The gateway's metrics, through Backstage's metrics service (OpenTelemetry;
 * the backend's meter provider exports them, e.g. to Prometheus). State the
 * database holds is observed when metrics are collected, so every replica
 * reports the same figures; what happens in a replica is counted there.
 */
export class GatewayMetrics {
  private readonly launches;
  private readonly releases;
  private readonly proxied;
  private readonly webSockets;
  private readonly jobs;
  private readonly launchDuration;
  private readonly queueWait;

  constructor(
    metrics: MetricsService,
    deps: {
      store: InstanceStore;
      pools: () => Promise<PoolView[]>;
      ledger: CostLedger;
      calendar: CostCalendar;
      budgets: Budgets;
      rollouts: RolloutStore;
      clock: GatewayClock;
    },
  ) {
    this.launches = metrics.createCounter('aigc_gateway.launches', {
      description:
        'Launches and wakes, by outcome (created, existing, queued, refused)',
    });
    this.releases = metrics.createCounter('aigc_gateway.releases', {
      description:
        'Releases the gateway decided itself, by reason (idle, budget, rollout)',
    });
    this.proxied = metrics.createHistogram('aigc_gateway.proxy.duration', {
      description:
        'Proxied requests to engines, by status class: time to the end of the answer',
      unit: 's',
    });
    this.webSockets = metrics.createUpDownCounter(
      'aigc_gateway.proxy.websockets',
      { description: 'WebSocket connections to engines open now' },
    );
    // Each reason from the start, so a dashboard finds the series before the first.
    for (const reason of ['idle', 'budget', 'rollout'])
      this.releases.add(0, { reason });
    this.jobs = metrics.createCounter('aigc_gateway.jobs.completed', {
      description: 'Jobs engines completed, by template',
    });
    this.launchDuration = metrics.createHistogram(
      'aigc_gateway.launch.duration',
      {
        description:
          'From the start of an engine to its first answer (launch, wake or relaunch), by pool',
        unit: 's',
      },
    );
    this.queueWait = metrics.createHistogram('aigc_gateway.queue.wait', {
      description: "Time launches waited in a pool's queue before they started",
      unit: 's',
    });

    metrics
      .createObservableGauge('aigc_gateway.instances', {
        description: 'Instances by state and pool',
      })
      .addCallback(async result => {
        // Every state of every pool, zeros included: a series left out would
        // keep its last value in the export.
        const counts = new Map(
          (await deps.store.countByStateAndPool()).map(c => [
            `${c.state} ${c.poolId}`,
            c.count,
          ]),
        );
        const poolIds = new Set([
          ...(await deps.pools()).map(p => p.id),
          ...[...counts.keys()].map(k => k.split(' ')[1]),
        ]);
        for (const pool of poolIds)
          for (const state of instanceStates)
            if (state !== 'deleted')
              result.observe(counts.get(`${state} ${pool}`) ?? 0, {
                state,
                pool,
              });
      });
    const capacity = metrics.createObservableGauge(
      'aigc_gateway.pool.capacity',
      {
        description:
          'Engines a pool has room for in all, in use, free and queued',
      },
    );
    capacity.addCallback(async result => {
      for (const pool of await deps.pools())
        for (const [use, value] of Object.entries(pool.capacity))
          result.observe(value, { pool: pool.id, use });
    });
    const monthly =
      (figure: 'cost' | 'gpuHours') =>
      async (result: MetricsServiceObservableResult) => {
        const now = deps.clock.now();
        const { items } = await deps.ledger.summary(
          { from: deps.calendar.startOfMonth(now), to: now },
          {},
          'pool',
          now,
        );
        for (const item of items)
          result.observe(item[figure], { pool: item.key });
      };
    metrics
      .createObservableGauge('aigc_gateway.cost.month', {
        description:
          'Cost of compute this calendar month by pool, in the configured currency',
      })
      .addCallback(monthly('cost'));
    metrics
      .createObservableGauge('aigc_gateway.gpu_hours.month', {
        description: 'GPU-hours this calendar month by pool',
      })
      .addCallback(monthly('gpuHours'));
    metrics
      .createObservableGauge('aigc_gateway.rollout.instances', {
        description:
          'Instances of each rollout under way or finished within the hour, by status (pending, done, failed …)',
      })
      .addCallback(async result => {
        const shown = await deps.rollouts.activeOrChangedSince(
          new Date(deps.clock.now().getTime() - RECENT_ROLLOUT_MS),
        );
        const counts = new Map<string, number>();
        for (const target of await deps.rollouts.targets(
          shown.map(r => r.id),
        )) {
          const key = `${target.rolloutId} ${target.status}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const rollout of shown)
          for (const status of rolloutTargetStatuses)
            result.observe(counts.get(`${rollout.id} ${status}`) ?? 0, {
              rollout: rollout.id,
              template: rollout.templateId,
              status,
            });
      });
    metrics
      .createObservableGauge('aigc_gateway.budget.used', {
        description: 'Share of each budget used this month (1 is all of it)',
      })
      .addCallback(async result => {
        for (const budget of await deps.budgets.statusOfAll())
          if (budget.monthly > 0)
            result.observe(budget.spent / budget.monthly, {
              entity: budget.entityRef,
            });
      });
  }

  launched(outcome: string) {
    this.launches.add(1, { outcome });
  }

  released(reason: string) {
    this.releases.add(1, { reason });
  }

  /** A proxied request answered with `status`, `seconds` after it came. */
  proxiedRequest(status: number, seconds: number) {
    this.proxied.record(seconds, { status_class: statusClass(status) });
  }

  webSocketOpened() {
    this.webSockets.add(1);
  }

  webSocketClosed() {
    this.webSockets.add(-1);
  }

  /** An engine answered `seconds` after it was started. */
  engineReady(poolId: string, seconds: number) {
    this.launchDuration.record(seconds, { pool: poolId });
  }

  /** A queued launch started after `seconds` in its pool's queue. */
  leftQueue(poolId: string, seconds: number) {
    this.queueWait.record(seconds, { pool: poolId });
  }

  jobsCompleted(templateId: string, count: number) {
    if (count > 0) this.jobs.add(count, { template: templateId });
  }
}
