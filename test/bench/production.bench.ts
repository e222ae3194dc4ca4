/**
 * The production path, measured as users meet it: nginx → the built backend
 * (two replicas) → an engine at its own origin with a browser's session
 * cookie, next to the engine directly, one replica without nginx, and
 * configurable-http-proxy (JupyterHub's proxy) in the same run, with wrk.
 * Then each replica's memory over many launches and releases.
 *
 *   test/bench/production.sh            (not run in CI)
 *   BENCH_ROUNDS=5 BENCH_LAUNCHES=2000 test/bench/production.sh
 *   BENCH_PARTS=memory test/bench/production.sh   (one part: throughput or memory)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { engineOriginSession } from '../../plugins/aigc-gateway-backend/src/__testUtils__/engineOrigin';
import {
  ENGINE_PORT,
  PORTAL,
  REPLICAS,
  ReplicaName,
  signInAs,
  Stack,
  startStack,
} from '../production/stack';
import {
  compare,
  Figures,
  hasWrk,
  printTable,
  runBench,
  waitFor,
} from './load';

const API = `${PORTAL}/api/aigc-gateway`;
const CHP_PORT = 18890;
const children: ChildProcess[] = [];

async function eventually<T>(what: string, attempt: () => Promise<T>) {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i > 120) throw new Error(`${what}: ${error}`);
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

async function call(
  method: string,
  path: string,
  auth: Record<string, string>,
  body?: object,
) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (res.status >= 300)
    throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function untilState(
  auth: Record<string, string>,
  id: string,
  state: string,
) {
  for (let i = 0; i < 1200; i++) {
    if ((await call('GET', `/instances/${id}`, auth)).state === state) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`instance ${id} not ${state} within 120 s`);
}

/** Resident memory of a process in MiB, from /proc. */
function rssMiB(pid: number) {
  const kib = /VmRSS:\s+(\d+)/.exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  )![1];
  return Number(kib) / 1024;
}

async function throughput(auth: Record<string, string>) {
  const { id } = await call('POST', '/instances', auth, {
    templateId: 'sample-engine',
    name: 'bench-proxy',
  });
  await untilState(auth, id, 'running');
  const origin = await engineOriginSession(PORTAL, id, auth, '/bench/2k');
  const chp = spawn(
    resolve(__dirname, '../../node_modules/.bin/configurable-http-proxy'),
    [
      ...['--port', String(CHP_PORT), '--api-port', String(CHP_PORT + 1)],
      ...['--default-target', `http://127.0.0.1:${ENGINE_PORT}`],
      ...['--log-level', 'error'],
    ],
    { stdio: 'ignore' },
  );
  children.push(chp);
  await waitFor(`http://127.0.0.1:${CHP_PORT}/bench/2k`);

  console.log(`load generator: ${hasWrk ? 'wrk' : 'autocannon'}; not pinned`);
  const figures = await compare(
    [
      ['direct', `http://127.0.0.1:${ENGINE_PORT}/bench/2k`, {}],
      ['nginx → gateway', origin.url, origin.headers],
      [
        'gateway replica a',
        `http://127.0.0.1:${REPLICAS.a.engines}/bench/2k`,
        origin.headers,
      ],
      ['configurable-http-proxy', `http://127.0.0.1:${CHP_PORT}/bench/2k`, {}],
    ],
    { connections: [1, 50], rounds: Number(process.env.BENCH_ROUNDS ?? 3) },
  );
  printTable(figures);
  const at = (name: string, conn: number) =>
    figures.get(`${name}, ${conn} conn`) as Figures;
  for (const conn of [1, 50]) {
    const gateway = at('nginx → gateway', conn);
    const chpFigures = at('configurable-http-proxy', conn);
    console.log(
      `${conn} conn: nginx → gateway / configurable-http-proxy throughput ${(
        gateway.rps / chpFigures.rps
      ).toFixed(2)}× (target ≥ 2.5×), p99 ${(
        gateway.p99 / chpFigures.p99
      ).toFixed(2)}× (target ≤ 1×)`,
    );
  }
  console.log(
    `1 conn: p50 added by nginx → gateway over direct ${(
      at('nginx → gateway', 1).p50 - at('direct', 1).p50
    ).toFixed(3)} ms (target < 0.5 ms), by the replica alone ${(
      at('gateway replica a', 1).p50 - at('direct', 1).p50
    ).toFixed(3)} ms`,
  );
  await call('POST', `/instances/${id}/release`, auth);
}

/**
 * Launches and releases through nginx by 20 users' worth of workers, each
 * relaunching two instances of its own in turn (40 volumes, reused as users
 * relaunch; the test cluster has 50), and each replica's resident memory
 * after the first tenth and at the end.
 */
async function memory(stack: Stack, auth: Record<string, string>) {
  const total = Number(process.env.BENCH_LAUNCHES ?? 10_000);
  const ids: string[] = [];
  for (let n = 0; n < 40; n++) {
    const { id } = await call('POST', '/instances', auth, {
      templateId: 'sample-engine',
      name: `bench-memory-${n}`,
    });
    await untilState(auth, id, 'running');
    await call('POST', `/instances/${id}/release`, auth);
    await untilState(auth, id, 'released');
    ids.push(id);
  }
  const names = Object.keys(REPLICAS) as ReplicaName[];
  const sample = () => names.map(name => rssMiB(stack.pid(name)));
  const start = sample();
  let done = 0;
  let warm: number[] = [];
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: 20 }, async (_, worker) => {
      for (let n = 0; done < total; n++) {
        const id = ids[worker + (n % 2) * 20];
        await call('POST', `/instances/${id}/launch`, auth);
        await untilState(auth, id, 'running');
        await call('POST', `/instances/${id}/release`, auth);
        await untilState(auth, id, 'released');
        done++;
        if (done === Math.round(total / 10)) warm = sample();
      }
    }),
  );
  const end = sample();
  const seconds = (performance.now() - startedAt) / 1000;
  console.log(
    `${done} launches and releases in ${seconds.toFixed(0)} s (${(
      done / seconds
    ).toFixed(1)}/s)`,
  );
  names.forEach((name, i) =>
    console.log(
      `replica ${name}: RSS ${start[i].toFixed(0)} MiB at start, ${warm[
        i
      ].toFixed(0)} MiB after ${Math.round(total / 10)}, ${end[i].toFixed(
        0,
      )} MiB after ${done}: end / warm ${(end[i] / warm[i]).toFixed(
        2,
      )}× (target: flat)`,
    ),
  );
}

async function main() {
  const stack = await startStack();
  try {
    const auth = await eventually('sign-in', () => signInAs('alice'));
    const parts = (process.env.BENCH_PARTS ?? 'throughput,memory').split(',');
    if (parts.includes('throughput')) await throughput(auth);
    if (parts.includes('memory')) await memory(stack, auth);
  } finally {
    await stack.stop();
  }
}

runBench(main, children);
