import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';

/** Who did what to which instance, as an event of Backstage's auditor. */
export interface AuditEntry {
  /** The user (entity ref) on whose behalf it was done. */
  actor: string;
  /** The event id, kebab-case: launch, release, switch-version, rollout-abort … */
  action: string;
  instanceId?: string;
  detail?: string;
}

/**
 * The gateway's changes as events of Backstage's auditor service
 * (`coreServices.auditor`). The actor is named in the event's meta, since
 * changes also come from actions and scheduled work, with no request.
 */
export class AuditTrail {
  constructor(private readonly auditor: AuditorService) {}

  /** A change that was made, with its outcome. */
  async record(entry: AuditEntry & { outcome: string }): Promise<void> {
    const event = await this.create(entry);
    await event.success({ meta: { outcome: entry.outcome } });
  }

  /**
   * Makes a change as an audit event: its outcome when it is made, or the
   * error that refused it (a permission, a quota, a budget, a conflict).
   */
  async run<T>(
    entry: AuditEntry,
    change: () => Promise<T>,
    outcome: (result: T) => JsonObject,
  ): Promise<T> {
    const event = await this.create(entry);
    let result: T;
    try {
      result = await change();
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
    await event.success({ meta: outcome(result) });
    return result;
  }

  private create(entry: AuditEntry) {
    return this.auditor.createEvent({
      eventId: entry.action,
      severityLevel: 'medium',
      meta: {
        actor: entry.actor,
        ...(entry.instanceId ? { instanceId: entry.instanceId } : {}),
        ...(entry.detail ? { detail: entry.detail } : {}),
      },
    });
  }
}
