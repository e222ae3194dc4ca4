/**
 * Waking an engine from its address: the time from opening the address of a
 * released instance (a page load with the user's session there) to the
 * engine's first byte, next to its anchor measured in the same run, a
 * relaunch from the portal's API (then polling the instance until it runs)
 * to the same first byte. The sample engine loads its "model" for 5 s.
 *
 *   yarn bench:wake            (prints the figures; not run in CI)
 */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createUserTokenIssuer,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { sampleGatewayConfig } from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';
import { engineOriginSession } from '../../plugins/aigc-gateway-backend/src/__testUtils__/engineOrigin';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const POLL_MS = 50;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A request to the engine listener with the engine's Host: status, headers and body. */
function atOrigin(
  port: string,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  return new Promise<{ status: number; location?: string; body: string }>(
    (resolve, reject) =>
      request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          headers: { host, ...options.headers },
        },
        res => {
          let body = '';
          res.on('data', chunk => (body += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              location: res.headers.location,
              body,
            }),
          );
        },
      )
        .on('error', reject)
        .end(),
  );
}

async function until(probe: () => Promise<boolean>) {
  while (!(await probe())) await new Promise(r => setTimeout(r, POLL_MS));
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-wake-'));
  const issuer = await createUserTokenIssuer();
  const gateway = await startGatewayProcess({
    db: join(dir, 'gateway.sqlite'),
    clock: new TestClock(),
    config: sampleGatewayConfig({
      dataRoot: join(dir, 'engines'),
      probeIntervalMs: POLL_MS,
      engineArgs: ['--startup-ms', '5000'],
    }),
    userKey: issuer.privateJwk,
  });
  const api = `${gateway.baseUrl}/api/aigc-gateway`;
  const auth = { authorization: `Bearer ${await issuer.sign('alice')}` };
  const call = async (method: string, path: string, body?: object) =>
    (
      await fetch(`${api}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      })
    ).json();
  const stateIs = (id: string, state: string) => async () =>
    (await call('GET', `/instances/${id}`)).state === state;
  try {
    const { id } = await call('POST', '/instances', {
      templateId: 'sample-engine',
    });
    await until(stateIs(id, 'running'));
    const session = await engineOriginSession(gateway.baseUrl, id, auth);
    const port = new URL(session.url).port;
    const host = session.headers.Host;
    const browser = {
      cookie: session.headers.cookie,
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
    };
    const firstByte = () =>
      until(
        async () =>
          (await atOrigin(port, host, '/', { headers: browser })).status ===
          200,
      );
    const release = async () => {
      await call('POST', `/instances/${id}/release`);
      await until(stateIs(id, 'released'));
    };

    const relaunch: number[] = [];
    const wake: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      await release();
      let started = performance.now();
      await call('POST', `/instances/${id}/launch`);
      await until(stateIs(id, 'running'));
      await firstByte();
      relaunch.push(performance.now() - started);

      await release();
      started = performance.now();
      // The address, as a browser opens it. Released a moment ago by its
      // owner, it asks first; the page's button posts the start.
      const page = await atOrigin(port, host, '/', { headers: browser });
      if (page.body.includes('was released a moment ago')) {
        await atOrigin(port, host, '/.aigc-gateway/wake?next=%2F', {
          method: 'POST',
          headers: {
            ...browser,
            origin: `http://${host}`,
            'sec-fetch-site': 'same-origin',
          },
        });
      }
      // The progress page polls the status until it runs, then loads the page.
      await until(
        async () =>
          JSON.parse(
            (
              await atOrigin(port, host, '/.aigc-gateway/status', {
                headers: { cookie: browser.cookie },
              })
            ).body,
          ).state === 'running',
      );
      await firstByte();
      wake.push(performance.now() - started);
    }
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `${RUNS} runs each; the engine loads for 5 s; polled every ${POLL_MS} ms on both sides`,
    );
    console.log(
      `relaunch from the API to first byte (anchor): median ${ms(
        median(relaunch),
      )}`,
    );
    console.log(
      `opening the address to first byte:           median ${ms(median(wake))}`,
    );
    console.log(
      `what the wake adds over the relaunch: ${ms(
        median(wake) - median(relaunch),
      )} (ratio ${(median(wake) / median(relaunch)).toFixed(
        3,
      )}; target under 300 ms)`,
    );
  } finally {
    gateway.child.kill('SIGTERM');
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
