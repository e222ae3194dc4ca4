import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * The named key from `gateway_keys`, made on first use. Replicas that start
 * together may both try to insert it; the first insert wins and everyone
 * reads that one back.
 */
export async function signingKey(
  db: Knex,
  id: string,
  clock: GatewayClock,
): Promise<Buffer> {
  await db('gateway_keys')
    .insert({
      id,
      secret: randomBytes(32).toString('base64url'),
      created_at: clock.now(),
    })
    .onConflict('id')
    .ignore();
  const row = await db('gateway_keys').where({ id }).first('secret');
  return Buffer.from(row.secret, 'base64url');
}
