// @ts-check

/**
 * Cost accounting: the owner's groups of each usage interval as rows (so a
 * group's usage is found by index), indexes for range queries over the
 * ledger, and the record of budget alerts already sent.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('usage_interval_groups', table => {
    table.bigInteger('interval_id').notNullable();
    table.string('group_ref').notNullable();
    table.primary(['group_ref', 'interval_id']);
    table.index(['interval_id'], 'usage_groups_interval_idx');
  });
  const intervals = await knex('usage_intervals').select('id', 'owner_groups');
  const rows = intervals.flatMap(i =>
    JSON.parse(i.owner_groups).map((/** @type {string} */ group_ref) => ({
      interval_id: i.id,
      group_ref,
    })),
  );
  for (let i = 0; i < rows.length; i += 500) {
    await knex('usage_interval_groups').insert(rows.slice(i, i + 500));
  }

  await knex.schema.alterTable('usage_intervals', table => {
    // A range [from, to) needs the intervals that end after `from` or are open.
    table.index(['ended_at'], 'usage_ended_idx');
    table.index(['owner_ref', 'started_at'], 'usage_owner_idx');
  });

  await knex.schema.createTable('budget_alerts', table => {
    table
      .string('budget_ref')
      .notNullable()
      .comment('the user or group the budget is for');
    table
      .string('month')
      .notNullable()
      .comment('YYYY-MM in the cost time zone');
    table.integer('threshold').notNullable().comment('percent of the budget');
    table.double('spent').notNullable();
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['budget_ref', 'month', 'threshold']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('budget_alerts');
  await knex.schema.alterTable('usage_intervals', table => {
    table.dropIndex(['ended_at'], 'usage_ended_idx');
    table.dropIndex(['owner_ref', 'started_at'], 'usage_owner_idx');
  });
  await knex.schema.dropTable('usage_interval_groups');
};
