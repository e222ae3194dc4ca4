/**
 * Streams and large transfers through the gateway, each next to its anchor
 * in the same run, the engine reached directly: the first token of a
 * streamed Ollama answer and its tokens per second; a 100 MiB upload and
 * download, with the gateway's resident memory before and at its peak during
 * the transfers (it must not hold whole bodies).
 *
 *   yarn bench:stream          (prints the figures; not run in CI)
 *   BENCH_MIB=300 yarn bench:stream   (larger transfers)
 */
import { request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createUserTokenIssuer,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { sampleGatewayConfig } from '../../plugins/aigc-gateway-backend/src/__testUtils__/gateway';
import { startGatewayProcess } from '../../plugins/aigc-gateway-backend/src/__testUtils__/startGatewayProcess';

const ENGINE_PORT = 18840;
const TOKENS = 400;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIB = Number(process.env.BENCH_MIB ?? 100);

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One call: ms to the first body byte, ms to the end, bytes received. */
function call(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: { mib: number } | string;
  },
) {
  return new Promise<{
    first: number;
    total: number;
    bytes: number;
    status: number;
  }>((resolve, reject) => {
    const started = performance.now();
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      res => {
        let first = 0;
        let bytes = 0;
        res.on('data', chunk => {
          if (!bytes) first = performance.now() - started;
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            first,
            total: performance.now() - started,
            bytes,
            status: res.statusCode!,
          }),
        );
      },
    );
    req.on('error', reject);
    const { body } = options;
    if (typeof body === 'string') req.end(body);
    else if (body) {
      // Written a MiB at a time, as a client streams a file.
      const chunk = Buffer.alloc(1 << 20, 1);
      let left = body.mib;
      const more = () => {
        while (left > 0) {
          left--;
          if (!req.write(chunk)) {
            req.once('drain', more);
            return;
          }
        }
        req.end();
      };
      more();
    } else req.end();
  });
}

/** The process's resident memory in MiB. */
const rssMiB = (pid: number) =>
  Number(
    /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
  ) / 1024;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aigc-bench-stream-'));
  const issuer = await createUserTokenIssuer();
  const gateway = await startGatewayProcess({
    db: join(dir, 'gateway.sqlite'),
    clock: new TestClock(),
    config: sampleGatewayConfig({
      dataRoot: join(dir, 'engines'),
      ports: { from: ENGINE_PORT, to: ENGINE_PORT },
      engineArgs: ['--step-ms', '1'],
      // The engine on a host port, so that it can be reached directly too.
      sandbox: { mode: 'none' },
    }),
    userKey: issuer.privateJwk,
  });
  const auth = { authorization: `Bearer ${await issuer.sign('alice')}` };
  try {
    const api = `${gateway.baseUrl}/api/aigc-gateway`;
    const { id } = await (
      await fetch(`${api}/instances`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ templateId: 'sample-engine' }),
      })
    ).json();
    for (;;) {
      const { state } = await (
        await fetch(`${api}/instances/${id}`, { headers: auth })
      ).json();
      if (state === 'running') break;
      await new Promise(r => setTimeout(r, 100));
    }
    const direct = `http://127.0.0.1:${ENGINE_PORT}`;
    const viaGateway = `${api}/instances/${id}/proxy`;
    const json = { 'content-type': 'application/json' };
    const generate = JSON.stringify({
      prompt: 'one token at a time',
      options: { num_predict: TOKENS },
    });

    const rows: Array<[string, number, number]> = [];
    for (const [name, base, headers] of [
      ['direct (anchor)', direct, json],
      ['through the gateway', viaGateway, { ...json, ...auth }],
    ] as const) {
      const firsts: number[] = [];
      const rates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const r = await call(`${base}/api/generate`, {
          method: 'POST',
          headers,
          body: generate,
        });
        firsts.push(r.first);
        rates.push(TOKENS / ((r.total - r.first) / 1000));
      }
      rows.push([name, median(firsts), median(rates)]);
    }
    console.log(
      `Ollama /api/generate, ${TOKENS} tokens, 1 ms each; medians of ${ROUNDS} rounds`,
    );
    for (const [name, first, rate] of rows)
      console.log(
        `  ${name.padEnd(22)} first token ${first.toFixed(
          2,
        )} ms, ${rate.toFixed(0)} tokens/s`,
      );
    console.log(
      `  first-token delay added: ${(rows[1][1] - rows[0][1]).toFixed(
        2,
      )} ms (target under 2 ms); throughput ratio ${(
        rows[1][2] / rows[0][2]
      ).toFixed(3)} (target at least 0.9)`,
    );

    const pid = gateway.child.pid!;
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
    const transfers: Array<[string, number, number]> = [];
    for (const [name, base, headers] of [
      ['direct (anchor)', direct, {}],
      ['through the gateway', viaGateway, auth],
    ] as const) {
      const up = await call(`${base}/bench/upload`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: { mib: MIB },
      });
      const down = await call(`${base}/bench/download?mib=${MIB}`, { headers });
      if (down.bytes !== MIB << 20)
        throw new Error(`${name}: ${down.bytes} bytes downloaded`);
      transfers.push([name, up.total, down.total]);
    }
    clearInterval(sampler);
    console.log(`${MIB} MiB each way`);
    for (const [name, up, down] of transfers)
      console.log(
        `  ${name.padEnd(22)} upload ${up.toFixed(
          0,
        )} ms, download ${down.toFixed(0)} ms`,
      );
    console.log(
      `  gateway / direct: upload ${(transfers[1][1] / transfers[0][1]).toFixed(
        2,
      )}, download ${(transfers[1][2] / transfers[0][2]).toFixed(
        2,
      )}; gateway memory ${before.toFixed(0)} MiB before, ${peak.toFixed(
        0,
      )} MiB at its peak`,
    );
  } finally {
    gateway.child.kill('SIGTERM');
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
