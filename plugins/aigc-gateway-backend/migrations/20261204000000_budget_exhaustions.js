// @ts-check

/**
 * When each enforced budget ran out in a month, so that its running engines
 * are released a grace period later, counted the same on every replica and
 * across restarts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('budget_exhaustions', table => {
    table
      .string('budget_ref')
      .notNullable()
      .comment('the user or group the budget is for');
    table
      .string('month')
      .notNullable()
      .comment('YYYY-MM in the cost time zone');
    table
      .timestamp('exhausted_at', { useTz: true })
      .notNullable()
      .comment('when the gateway first saw the budget used up');
    table.primary(['budget_ref', 'month']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('budget_exhaustions');
};
