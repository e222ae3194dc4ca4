import { Knex } from 'knex';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * Which sign-in tickets were used, so a ticket that leaks from a URL (a log,
 * a shared link) cannot be used a second time, on any replica. A use is
 * remembered until the ticket expires.
 */
export class TicketUses {
  constructor(
    private readonly db: Knex,
    private readonly clock: GatewayClock,
  ) {}

  /** True the first time a ticket is used, false ever after. */
  async claim(ticketId: string, expiresAt: number): Promise<boolean> {
    await this.db('ingress_ticket_uses')
      .where('expires_at', '<', new Date(this.clock.now().getTime()))
      .delete();
    const inserted = await this.db('ingress_ticket_uses')
      .insert({ id: ticketId, expires_at: new Date(expiresAt) })
      .onConflict('id')
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }
}
