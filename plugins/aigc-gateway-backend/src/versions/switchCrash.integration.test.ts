import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { switchCrashSetup } from '../__testUtils__/switchCrashSetup';
import { callGateway as api, until } from '../__testUtils__/gatewayProcessApi';
import {
  GatewayProcess,
  killHard,
  startGatewayProcess,
} from '../__testUtils__/startGatewayProcess';

/** Processes of this host whose environment carries the local runtime's marker of a volume's migration. */
function migrationProcesses(volumeId: string): string[] {
  return readdirSync('/proc').filter(pid => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1')
        .split('\0')
        .includes(`AIGC_MIGRATION_VOLUME=${volumeId}`);
    } catch {
      return false; // not a process, or gone
    }
  });
}

describe('kill -9 of the backend in the middle of a version switch', () => {
  const clock = new TestClock();
  // 3.0.0's migration starts changing the data, then takes its time.
  const { db, dataRoot, config } = switchCrashSetup({
    prefix: 'aigc-switch-crash-',
    ports: { from: 19080, to: 19084 },
    script:
      "require('fs').writeFileSync(process.env.DATA_DIR + '/half-done', 'x'); setTimeout(() => {}, 30000)",
  });
  let gateway: GatewayProcess | undefined;
  let knex: Knex;

  beforeAll(() => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: db },
      useNullAsDefault: true,
    });
  });
  afterAll(async () => {
    gateway?.child.kill('SIGTERM');
    await knex.destroy();
  });

  it('comes back with the data restored and the instance on its old version', async () => {
    gateway = await startGatewayProcess({ db, config, clock });
    const launched = await api(gateway, 'POST', '/instances', {
      templateId: 'sample-engine',
      version: '2.0.0',
    });
    const id = launched.body.id;
    const state = (wanted: string) => async () =>
      (await api(gateway!, 'GET', `/instances/${id}`)).body.state === wanted
        ? true
        : undefined;
    await until('running', state('running'));
    await api(gateway, 'POST', `/instances/${id}/release`);
    await until('released', state('released'));
    const { volume_id: volumeId } = await knex('instances')
      .where({ id })
      .first();
    const volume = join(dataRoot, 'volumes', volumeId);
    const before = readdirSync(volume).sort();

    expect(
      (
        await api(gateway, 'POST', `/instances/${id}/switch-version`, {
          version: '3.0.0',
        })
      ).status,
    ).toBe(202);
    await until('the migration to change the data', async () =>
      existsSync(join(volume, 'half-done')) ? true : undefined,
    );
    await killHard(gateway);
    expect((await knex('instances').where({ id }).first()).state).toBe(
      'migrating',
    );

    gateway = await startGatewayProcess({ db, config, clock });
    const recovered = await until('recovery', async () => {
      const { body } = await api(gateway!, 'GET', `/instances/${id}`);
      return body.state === 'released' ? body : undefined;
    });
    expect({
      version: recovered.version,
      failureReason: recovered.failureReason,
    }).toEqual({
      version: '2.0.0',
      failureReason:
        'the switch to version 3.0.0 was interrupted; the data was restored',
    });
    expect(readdirSync(volume).sort()).toEqual(before);
    // The migration that outlived its backend was stopped with it undone.
    expect(migrationProcesses(volumeId)).toEqual([]);
    expect(await knex('version_switches')).toEqual([]);
    expect(
      (await knex('volumes').where({ id: volumeId }).first()).data_layout,
    ).toBe(2);

    // The instance works on its version, as if the switch had not been tried.
    await api(gateway, 'POST', `/instances/${id}/launch`);
    await until('running again', state('running'));
  }, 120_000);
});
