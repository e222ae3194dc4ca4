import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

export interface GatewayProcess {
  child: ChildProcess;
  baseUrl: string;
}

/**
 * Starts gatewayProcess.ts as a child and waits until it listens. With
 * `userKey` (see `createUserTokenIssuer`), it verifies real user tokens signed with that key.
 * The child's clock starts at `clock`'s current time and runs on, so a
 * gateway started again after a crash goes on later than the one before.
 */
export function startGatewayProcess(options: {
  db: string;
  config: object;
  clock: TestClock;
  userKey?: object;
  realScheduler?: boolean;
}): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      resolve(__dirname, 'gatewayProcess.ts'),
    ],
    {
      env: {
        ...process.env,
        AIGC_TEST_GATEWAY_DB: options.db,
        AIGC_TEST_GATEWAY_CONFIG: JSON.stringify(options.config),
        AIGC_TEST_CLOCK_AT: options.clock.now().toISOString(),
        ...(options.userKey
          ? { AIGC_TEST_USER_KEY: JSON.stringify(options.userKey) }
          : {}),
        ...(options.realScheduler ? { AIGC_TEST_REAL_SCHEDULER: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((done, fail) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`gateway did not start:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        done({ child, baseUrl: `http://127.0.0.1:${port}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', code => {
      clearTimeout(timer);
      fail(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
}

/** kill -9, and wait until the process is gone. */
export async function killHard(gateway: GatewayProcess) {
  const gone = new Promise(r => gateway.child.once('exit', r));
  gateway.child.kill('SIGKILL');
  await gone;
}
