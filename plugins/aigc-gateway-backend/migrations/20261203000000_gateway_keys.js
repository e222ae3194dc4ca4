// @ts-check

/**
 * Keys the gateway signs its own tokens with (the ingress sessions), shared
 * by every replica through the database so none needs configuring; and the
 * ingress sign-in tickets used so far, so each is used once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gateway_keys', table => {
    table.string('id').primary();
    table.string('secret', 128).notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('ingress_ticket_uses', table => {
    table.string('id', 64).primary();
    table.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ingress_ticket_uses');
  await knex.schema.dropTable('gateway_keys');
};
