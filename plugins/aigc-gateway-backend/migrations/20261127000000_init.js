// @ts-check

/**
 * The gateway's tables: definitions (templates, versions, pools), instances,
 * their data volumes, the usage ledger, progress events and the audit log.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pools', table => {
    table.string('id').primary();
    table.string('source').notNullable().comment('config or api');
    table.text('spec').notNullable().comment('the pool as JSON');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('templates', table => {
    table.string('id').primary();
    table.string('source').notNullable();
    table
      .text('spec')
      .notNullable()
      .comment('the template without versions, as JSON');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('versions', table => {
    table.string('template_id').notNullable();
    table.string('version').notNullable();
    table.string('status').notNullable();
    table.integer('data_layout').notNullable();
    table.string('source').notNullable();
    table.text('spec').notNullable().comment('the version as JSON');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['template_id', 'version']);
  });

  await knex.schema.createTable('volumes', table => {
    table.string('id').primary().comment('a uuid, never derived from names');
    table.string('owner_ref').notNullable();
    table.string('template_id').notNullable();
    table.string('runtime_id').notNullable();
    table.string('runtime_ref').notNullable();
    table.integer('data_layout').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('instances', table => {
    table.string('id').primary();
    table.string('owner_ref').notNullable();
    table.text('owner_groups').notNullable().comment('JSON array, at launch');
    table.string('template_id').notNullable();
    table.string('version').notNullable();
    table.string('pool_id').notNullable();
    table.string('name').notNullable().defaultTo('');
    table.string('state').notNullable();
    table.string('volume_id').notNullable();
    table.string('runtime_id').notNullable();
    // owner|template|name while the instance exists, null once deleted: the
    // unique index makes launches idempotent across requests and replicas.
    table.string('active_key').nullable().unique();
    table.text('failure_reason').nullable();
    // Set when a delete begins, so a crash mid-delete finishes as asked.
    table.boolean('delete_data').notNullable().defaultTo(false);
    table.timestamp('queued_at', { useTz: true }).nullable();
    table.timestamp('last_activity_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.integer('row_version').notNullable().defaultTo(1);
    table.index(['owner_ref'], 'instances_owner_idx');
    table.index(['pool_id', 'state'], 'instances_pool_state_idx');
    table.index(['updated_at'], 'instances_updated_idx');
  });

  await knex.schema.createTable('usage_intervals', table => {
    table.bigIncrements('id').primary();
    table.string('instance_id').notNullable();
    table.string('owner_ref').notNullable();
    table.text('owner_groups').notNullable();
    table.string('template_id').notNullable();
    table.string('version').notNullable();
    table.string('pool_id').notNullable();
    table.string('gpu_type').notNullable();
    table.double('gpu_count').notNullable();
    table.double('price_per_hour').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.index(['instance_id', 'ended_at'], 'usage_open_idx');
    table.index(['started_at'], 'usage_started_idx');
  });

  await knex.schema.createTable('instance_events', table => {
    table.bigIncrements('id').primary();
    table.string('instance_id').notNullable();
    table.string('state').notNullable();
    table.text('message').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['instance_id', 'id'], 'instance_events_instance_idx');
  });

  await knex.schema.createTable('audit_events', table => {
    table.bigIncrements('id').primary();
    table.string('actor').notNullable();
    table.string('action').notNullable();
    table.string('instance_id').nullable();
    table.string('outcome').notNullable();
    table.text('detail').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['instance_id'], 'audit_instance_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'audit_events',
    'instance_events',
    'usage_intervals',
    'instances',
    'volumes',
    'versions',
    'templates',
    'pools',
  ]) {
    await knex.schema.dropTable(table);
  }
};
