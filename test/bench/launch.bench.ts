/**
 * The gateway's launch overhead: time from the launch request to `running`,
 * minus the engine's own start time measured in the same run (the engine
 * started directly and probed the same way), over 20 launches.
 *
 *   yarn bench:launch            (prints the figures; not run in CI)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asUser,
  engineServer,
  sampleGatewayConfig,
} from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

const clock = new TestClock();

const RUNS = 20;
const PROBE_MS = 50;

const percentile = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ];

async function until(probe: () => Promise<boolean>) {
  while (!(await probe())) await new Promise(r => setTimeout(r, PROBE_MS));
}

/** The anchor: the engine alone, from spawn to its first ready answer. */
async function engineStart(dir: string, port: number) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      engineServer,
      '--port',
      String(port),
      '--data',
      join(dir, `direct-${port}`),
    ],
    {
      stdio: 'ignore',
    },
  );
  await until(() =>
    fetch(`http://127.0.0.1:${port}/internal/ping`).then(
      r => r.ok,
      () => false,
    ),
  );
  const ms = performance.now() - started;
  child.kill('SIGTERM');
  return ms;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-launch-'));
  const gateway = await startGatewayProcess({
    db: join(dir, 'gateway.sqlite'),
    clock,
    config: sampleGatewayConfig({
      dataRoot: join(dir, 'engines'),
      ports: { from: 18950, to: 18969 },
      probeIntervalMs: PROBE_MS,
    }),
  });
  const headers = {
    authorization: asUser('bench'),
    'content-type': 'application/json',
  };
  const direct: number[] = [];
  const viaGateway: number[] = [];
  try {
    for (let n = 0; n < RUNS; n++) {
      direct.push(await engineStart(dir, 18990));
      const started = performance.now();
      const res = await fetch(`${gateway.baseUrl}/api/aigc-gateway/instances`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          templateId: 'sample-engine',
          version: '2.0.0',
          name: `run-${n}`,
        }),
      });
      const { id } = await res.json();
      await until(async () => {
        const body = await (
          await fetch(`${gateway.baseUrl}/api/aigc-gateway/instances/${id}`, {
            headers,
          })
        ).json();
        return body.state === 'running';
      });
      viaGateway.push(performance.now() - started);
      await fetch(
        `${gateway.baseUrl}/api/aigc-gateway/instances/${id}/release`,
        { method: 'POST', headers },
      );
    }
  } finally {
    gateway.child.kill('SIGTERM');
  }
  const overhead = viaGateway.map((v, n) => v - direct[n]);
  const row = (name: string, v: number[]) =>
    console.log(
      `${name.padEnd(28)} p50 ${percentile(v, 50).toFixed(
        0,
      )} ms   p95 ${percentile(v, 95).toFixed(0)} ms`,
    );
  console.log(
    `${RUNS} launches, readiness probed every ${PROBE_MS} ms on both sides`,
  );
  row('engine alone (anchor)', direct);
  row('launch → running (gateway)', viaGateway);
  row('gateway overhead', overhead);
  console.log('target: overhead under 200 ms');
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
