// @ts-check

/**
 * Completed jobs: counted per usage interval (so cost per job follows the
 * pool and version of the compute that did them) and in total per instance.
 * `jobs_reading` is the engine's own counter as last read in the interval:
 * engines count from zero at each start, so each interval has its own.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('usage_intervals', table => {
    table
      .integer('jobs_completed')
      .notNullable()
      .defaultTo(0)
      .comment('jobs the engine completed in the interval');
    table
      .double('jobs_reading')
      .nullable()
      .comment(
        "the engine's completed-job counter as last read; null: not read",
      );
  });
  await knex.schema.alterTable('instances', table => {
    table
      .integer('jobs_completed')
      .notNullable()
      .defaultTo(0)
      .comment('jobs the engine completed, over all its intervals');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('jobs_completed');
  });
  await knex.schema.alterTable('usage_intervals', table => {
    table.dropColumn('jobs_reading');
    table.dropColumn('jobs_completed');
  });
};
