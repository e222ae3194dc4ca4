// @ts-check

/**
 * Version switches on runtimes without volume copies undo a failure by
 * running the reverse migrations; they need to know how many steps began.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('version_switches', table => {
    table.integer('steps_started').notNullable().defaultTo(0);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('version_switches', table => {
    table.dropColumn('steps_started');
  });
};
