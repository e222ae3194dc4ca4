import { Knex } from 'knex';
import { LoggerService } from '@backstage/backend-plugin-api';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { InstanceRecord, InstanceStore } from '../store/InstanceStore';
import { toDate } from '../store/time';
import { BudgetStatus } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { Budgets } from './Budgets';

/** The states in which an instance holds, or waits for, compute. */
const HOLDING = ['queued', 'starting', 'running'] as const;

/**
 * Enforced budgets stop spending, not only new launches: once one is used
 * up, the engines its user or group holds (those launched by its members)
 * are released after the budget's grace period, and queued launches are
 * cancelled. Their data is kept.
 */
export class BudgetEnforcer {
  constructor(
    private readonly deps: {
      db: Knex;
      budgets: Budgets;
      store: InstanceStore;
      release(instance: InstanceRecord, why: string): Promise<unknown>;
      clock: GatewayClock;
      logger: LoggerService;
    },
  ) {}

  /**
   * Releases what used-up budgets past their grace still hold; how many.
   * `statuses` are this moment's, when the caller has read them already.
   */
  async enforce(statuses?: BudgetStatus[]): Promise<number> {
    const { db, clock } = this.deps;
    let released = 0;
    // Read once, when a budget first needs them.
    let holding: InstanceRecord[] | undefined;
    for (const status of statuses ?? (await this.deps.budgets.statusOfAll())) {
      if (!status.enforce || status.spent < status.monthly) continue;
      const key = { budget_ref: status.entityRef, month: status.month };
      await db('budget_exhaustions')
        .insert({ ...key, exhausted_at: clock.now() })
        .onConflict(['budget_ref', 'month'])
        .ignore();
      const row = await db('budget_exhaustions').where(key).first();
      const graceMs = this.deps.budgets.graceOf(status.entityRef) * 60_000;
      if (clock.now().getTime() - toDate(row.exhausted_at).getTime() < graceMs)
        continue;
      holding ??= await this.deps.store.listInStates(HOLDING);
      for (const instance of paidBy(holding, status.entityRef)) {
        try {
          await this.deps.release(
            instance,
            `the monthly budget of ${status.entityRef} is used up`,
          );
          released++;
        } catch (error) {
          this.deps.logger.warn(
            `Could not release instance ${instance.id} for the used-up budget of ${status.entityRef}: ${error}`,
          );
        }
      }
    }
    return released;
  }
}

/** The instances a budget pays for: its user's, or those its group's members launched. */
function paidBy(instances: InstanceRecord[], entityRef: string) {
  return instances.filter(i =>
    entityRef.startsWith('user:')
      ? i.ownerRef === entityRef
      : i.ownerGroups.includes(entityRef),
  );
}
