import { Knex } from 'knex';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { BudgetStatus } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { LaunchGate, LaunchOwner } from '../lifecycle/LaunchGate';
import { CostCalendar } from './calendar';
import { CostLedger } from './CostLedger';
import {
  Budget,
  GatewayClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Monthly budgets of users and groups (DESIGN §9): month-to-date spend from
 * the ledger, notifications when spend crosses a threshold, and, for
 * enforced budgets, a launch gate that refuses new starts once a budget is
 * used up.
 */
export class Budgets implements LaunchGate {
  constructor(
    private readonly deps: {
      db: Knex;
      ledger: CostLedger;
      calendar: CostCalendar;
      budgets: Budget[];
      thresholds: number[];
      currency: string;
      notifications?: NotificationService;
      logger: LoggerService;
      clock: GatewayClock;
    },
  ) {}

  private now() {
    return this.deps.clock.now();
  }

  /** The budgets that apply to someone (their own and their groups'), with this month's spend. */
  async statusFor(owner: LaunchOwner): Promise<BudgetStatus[]> {
    const mine = this.deps.budgets.filter(
      b =>
        b.entityRef === owner.ownerRef ||
        owner.ownerGroups.includes(b.entityRef),
    );
    return Promise.all(mine.map(b => this.status(b, this.now())));
  }

  async statusOfAll(): Promise<BudgetStatus[]> {
    return Promise.all(this.deps.budgets.map(b => this.status(b, this.now())));
  }

  async check(owner: LaunchOwner): Promise<void> {
    for (const status of await this.statusFor(owner)) {
      if (status.enforce && status.spent >= status.monthly) {
        throw new NotAllowedError(
          `launch refused: the monthly budget of ${status.entityRef} is used up ` +
            `(${status.spent.toFixed(2)} of ${status.monthly.toFixed(2)} ${
              this.deps.currency
            } spent in ${status.month})`,
        );
      }
    }
  }

  /**
   * Notifies a budget's owners once per month and threshold crossed. The
   * alert row is written first: with several replicas only the one whose
   * insert succeeds sends. A failed send removes the row so the next run retries.
   * `statuses` are this moment's, when the caller has read them already.
   */
  async alert(statuses?: BudgetStatus[]): Promise<number> {
    let sent = 0;
    const now = this.now();
    for (const status of statuses ?? (await this.statusOfAll())) {
      for (const threshold of this.deps.thresholds) {
        if (status.percent < threshold) continue;
        const key = {
          budget_ref: status.entityRef,
          month: status.month,
          threshold,
        };
        const inserted = await this.deps
          .db('budget_alerts')
          .insert({ ...key, spent: status.spent, sent_at: now })
          .onConflict(['budget_ref', 'month', 'threshold'])
          .ignore()
          .returning('threshold');
        if (inserted.length === 0) continue;
        try {
          await this.notify(status, threshold);
          sent++;
        } catch (error) {
          await this.deps.db('budget_alerts').where(key).delete();
          this.deps.logger.warn(
            `Could not send the budget alert for ${status.entityRef}: ${error}`,
          );
        }
      }
    }
    return sent;
  }

  private async notify(status: BudgetStatus, threshold: number) {
    const { currency, notifications } = this.deps;
    if (!notifications) return;
    const amount = `${status.spent.toFixed(2)} of ${status.monthly.toFixed(
      2,
    )} ${currency}`;
    await notifications.send({
      recipients: { type: 'entity', entityRef: status.entityRef },
      payload: {
        title: `AIGC budget ${threshold}% used: ${status.entityRef}`,
        description: `${amount} spent in ${status.month}.${
          status.enforce && threshold >= 100
            ? ` New engine launches are refused until next month, and running engines are released ${this.graceOf(
                status.entityRef,
              )} minutes after the budget ran out (their data is kept).`
            : ''
        }`,
        link: '/aigc-gateway/cost',
        severity: threshold >= 100 ? 'high' : 'normal',
        topic: 'aigc-gateway-budget',
      },
    });
  }

  /** How long, in minutes, engines go on once the enforced budget of `entityRef` is used up. */
  graceOf(entityRef: string): number {
    return (
      this.deps.budgets.find(b => b.entityRef === entityRef)?.graceMinutes ?? 0
    );
  }

  private async status(budget: Budget, now: Date): Promise<BudgetStatus> {
    const from = this.deps.calendar.startOfMonth(now);
    const scope = budget.entityRef.startsWith('user:')
      ? { ownerRef: budget.entityRef }
      : { groupRef: budget.entityRef };
    const { total } = await this.deps.ledger.summary(
      { from, to: now },
      scope,
      'user',
      now,
    );
    return {
      entityRef: budget.entityRef,
      month: this.deps.calendar.month(now),
      monthly: budget.monthly,
      enforce: budget.enforce,
      spent: total.cost,
      percent: (total.cost / budget.monthly) * 100,
    };
  }
}
