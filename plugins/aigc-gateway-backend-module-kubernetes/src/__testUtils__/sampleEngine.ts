import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineServer } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { eventually } from './events';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * The sample engine on this machine, standing in for an instance's
 * container: kwok runs no containers, so tests route the instance's
 * endpoint here.
 */
export async function startSampleEngine(): Promise<{
  port: number;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'aigc-k8s-engine-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      engineServer,
      '--port',
      String(port),
      '--data',
      dataDir,
      '--version',
      '2.0.0',
    ],
    { stdio: 'ignore' },
  );
  await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/internal/ping`);
    if (!res.ok) throw new Error(`ping answered ${res.status}`);
  }, 15_000);
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise(resolve => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
