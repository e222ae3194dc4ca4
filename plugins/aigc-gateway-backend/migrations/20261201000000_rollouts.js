// @ts-check

/**
 * Rollouts: an admin's move of a template's instances from one version to
 * another, and each instance's part in it. Kept in the database so that
 * any replica advances a rollout, and a restarted backend resumes it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rollouts', table => {
    table.string('id').primary();
    table.string('template_id').notNullable();
    table.string('from_version').notNullable();
    table.string('to_version').notNullable();
    table.string('state').notNullable().index();
    table.integer('canary_percent').notNullable();
    table.integer('concurrency').notNullable();
    table.boolean('force').notNullable();
    table
      .boolean('canary_cleared')
      .notNullable()
      .defaultTo(false)
      .comment('the canaries switched, or an admin went on without them');
    table.text('message').nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('rollout_targets', table => {
    table
      .string('rollout_id')
      .notNullable()
      .references('id')
      .inTable('rollouts')
      .onDelete('CASCADE');
    table.string('instance_id').notNullable();
    table.string('owner_ref').notNullable();
    table.string('name').notNullable();
    table
      .integer('position')
      .notNullable()
      .comment('order of the switches, canaries first');
    table.boolean('canary').notNullable();
    table
      .string('goal')
      .notNullable()
      .comment('to, or from while rolling back');
    table.string('status').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('detail').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['rollout_id', 'instance_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rollout_targets');
  await knex.schema.dropTable('rollouts');
};
