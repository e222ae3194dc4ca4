// @ts-check

/**
 * Idle release: when the owner of an idle instance was last warned, so a
 * warning goes out once per idle stretch.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.timestamp('idle_warned_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('idle_warned_at');
  });
};
