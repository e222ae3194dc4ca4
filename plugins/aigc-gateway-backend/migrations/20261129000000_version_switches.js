// @ts-check

/**
 * Version switches in progress: one row per migrating instance, naming the
 * backup of its volume, so that a backend that dies mid-migration can be
 * undone by whichever replica notices the stale heartbeat.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('version_switches', table => {
    table.string('instance_id').primary();
    table.string('from_version').notNullable();
    table.string('to_version').notNullable();
    table.integer('from_layout').notNullable();
    table.integer('to_layout').notNullable();
    table
      .text('backup_ref')
      .nullable()
      .comment('set once the backup is complete');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('heartbeat_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('version_switches');
};
