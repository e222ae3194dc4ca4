import { NotAllowedError } from '@backstage/errors';
import { CostCalendar } from '../cost/calendar';
import { CostLedger } from '../cost/CostLedger';
import { LaunchGate, LaunchOwner } from '../lifecycle/LaunchGate';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';
import {
  GatewayClock,
  GpuPool,
  Quota,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Per-user and per-group quotas (DESIGN §7): instances holding compute, GPUs
 * they hold, and this month's spend. A group's quota counts every instance
 * launched by its members. A refusal names the quota, its limit and the use.
 */
export class Quotas implements LaunchGate {
  constructor(
    private readonly deps: {
      quotas: Quota[];
      store: InstanceStore;
      definitions: () => Definitions;
      ledger: CostLedger;
      calendar: CostCalendar;
      currency: string;
      clock: GatewayClock;
    },
  ) {}

  async check(owner: LaunchOwner, pool: GpuPool): Promise<void> {
    const applicable = this.deps.quotas.filter(
      q =>
        q.entityRef === owner.ownerRef ||
        owner.ownerGroups.includes(q.entityRef),
    );
    for (const quota of applicable) await this.checkOne(quota, pool);
  }

  private async checkOne(quota: Quota, pool: GpuPool) {
    const whose = quota.entityRef.startsWith('user:')
      ? quota.entityRef
      : `the members of ${quota.entityRef}`;
    const refuse = (what: string) => {
      throw new NotAllowedError(
        `launch refused by the quota of ${quota.entityRef}: ${what}`,
      );
    };
    const scope = quota.entityRef.startsWith('user:')
      ? { ownerRef: quota.entityRef }
      : { groupRef: quota.entityRef };
    if (quota.maxInstances !== undefined || quota.maxGpus !== undefined) {
      const held = await this.deps.store.computeHeldBy(scope);
      if (
        quota.maxInstances !== undefined &&
        held.length + 1 > quota.maxInstances
      ) {
        refuse(
          `at most ${quota.maxInstances} running or queued instance(s), and ${whose} already run(s) or queue(s) ${held.length}`,
        );
      }
      if (quota.maxGpus !== undefined) {
        const pools = this.deps.definitions().pools;
        const gpus = held.reduce(
          (sum, id) => sum + (pools.get(id)?.gpusPerInstance ?? 0),
          0,
        );
        if (gpus + pool.gpusPerInstance > quota.maxGpus) {
          refuse(
            `at most ${quota.maxGpus} GPU(s) in use; ${gpus} are in use and this launch needs ${pool.gpusPerInstance}`,
          );
        }
      }
    }
    if (quota.monthlySpend !== undefined) {
      const now = this.deps.clock.now();
      const { total } = await this.deps.ledger.summary(
        { from: this.deps.calendar.startOfMonth(now), to: now },
        scope,
        'user',
        now,
      );
      if (total.cost >= quota.monthlySpend) {
        const currency = this.deps.currency;
        refuse(
          `at most ${quota.monthlySpend.toFixed(
            2,
          )} ${currency} per month; ${total.cost.toFixed(
            2,
          )} ${currency} spent in ${this.deps.calendar.month(now)}`,
        );
      }
    }
  }
}
