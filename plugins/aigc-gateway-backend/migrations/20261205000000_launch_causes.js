// @ts-check

/**
 * Why an instance took compute (a launch from the portal, or its address
 * opened while it was released), kept on the instance while it waits in the
 * queue and on the usage interval it opens.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table
      .string('launch_cause')
      .nullable()
      .comment('why it last took compute; null: launched');
  });
  await knex.schema.alterTable('usage_intervals', table => {
    table
      .string('cause')
      .nullable()
      .comment('why the compute was taken; null: launched');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('usage_intervals', table => {
    table.dropColumn('cause');
  });
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('launch_cause');
  });
};
