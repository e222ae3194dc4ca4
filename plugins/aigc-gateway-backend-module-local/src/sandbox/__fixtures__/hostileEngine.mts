// A hostile engine for the local runtime's tests, run by Node as it is. It
// answers `/ping`, and `POST /attack` tries what engine code must never
// manage (read the backend's environment and files and other users' volumes,
// reach other engines and the backend, signal their processes, write the
// runtime's records) and answers with what happened to each attempt.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

interface Attack {
  reads: string[];
  lists: string[];
  writes: Array<{ path: string; content: string }>;
  connects: Array<{ socketPath?: string; host?: string; port?: number }>;
  signals: number[];
}

/** `done: …` when it worked, `refused: <code>` when it did not. */
async function attempt(action: () => unknown): Promise<string> {
  try {
    return `done: ${String(await action()).slice(0, 60)}`;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return `refused: ${e.code ?? e.message}`;
  }
}

function reach(target: Attack['connects'][number]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = target.socketPath
      ? connect(target.socketPath)
      : connect(target.port!, target.host!);
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', reject);
  });
}

async function run(attack: Attack) {
  const outcome: Record<string, string> = {};
  for (const path of attack.reads)
    outcome[`read ${path}`] = await attempt(
      () => `${readFileSync(path).length} bytes`,
    );
  for (const path of attack.lists)
    outcome[`list ${path}`] = await attempt(() => readdirSync(path).join(','));
  for (const { path, content } of attack.writes)
    outcome[`write ${path}`] = await attempt(() => {
      writeFileSync(path, content);
      return 'written';
    });
  for (const target of attack.connects)
    outcome[`connect ${target.socketPath ?? `${target.host}:${target.port}`}`] =
      await attempt(() => reach(target));
  for (const pid of attack.signals)
    outcome[`signal ${pid}`] = await attempt(() => process.kill(pid, 0));
  return outcome;
}

createServer((req, res) => {
  if (req.url === '/ping') {
    res.end('ok');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/attack') {
    res.statusCode = 404;
    res.end();
    return;
  }
  let body = '';
  req.on('data', chunk => {
    body += chunk;
  });
  req.on('end', async () => {
    const outcome = await run(JSON.parse(body));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(outcome));
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
