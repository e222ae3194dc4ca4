/**
 * The load generator of the HTTP benchmarks: wrk (native, light on CPU, with
 * microsecond latencies) when installed, autocannon otherwise.
 */
import { ChildProcess, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const execFileAsync = promisify(execFile);

export const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1.
    return (error as { status?: number }).status === 1;
  }
})();

export interface Figures {
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  errors: number;
}

/** Waits until `url` answers with anything but a 5xx. */
export async function waitFor(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** 8 s of load on `url` over `connections` connections; wrk on `core` when given. */
export async function load(
  url: string,
  connections: number,
  headers: Record<string, string> = {},
  core?: number,
): Promise<Figures> {
  if (hasWrk) {
    const args = [
      '-t',
      '1',
      '-c',
      String(connections),
      '-d',
      '8s',
      '--latency',
    ];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    const { stdout } = await execFileAsync(
      core === undefined ? 'wrk' : 'taskset',
      [
        ...(core === undefined ? [] : ['-c', String(core), 'wrk']),
        ...args,
        url,
      ],
    );
    const ms = (label: string) => {
      const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(stdout)!;
      return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
    };
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]),
      p50: ms('50%'),
      p99: ms('99%'),
      errors:
        Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) +
        Number(/Socket errors: .*?(\d+)/.exec(stdout)?.[1] ?? 0),
    };
  }
  const r = await autocannon({
    url,
    connections,
    duration: 8,
    headers,
    pipelining: 1,
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

/** Each figure's median over rounds; errors add up. */
export function median(figures: Figures[]): Figures {
  const mid = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    rps: mid(figures.map(f => f.rps)),
    p50: mid(figures.map(f => f.p50)),
    p99: mid(figures.map(f => f.p99)),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
  };
}

/**
 * Runs every target at each connection count for `rounds` rounds,
 * interleaved so a slow spell of the machine hits them alike, and returns
 * the median figures by `<name>, <n> conn`.
 */
export async function compare(
  targets: Array<[name: string, url: string, headers: Record<string, string>]>,
  options: { connections: number[]; rounds: number; core?: number },
): Promise<Map<string, Figures>> {
  const result = new Map<string, Figures>();
  for (const connections of options.connections) {
    const samples = new Map<string, Figures[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const [name, url, headers] of targets) {
        const key = `${name}, ${connections} conn`;
        samples.set(key, [
          ...(samples.get(key) ?? []),
          await load(url, connections, headers, options.core),
        ]);
      }
    }
    for (const [key, figures] of samples) result.set(key, median(figures));
  }
  return result;
}

/** The figures as a table on the console. */
export function printTable(figures: Map<string, Figures>) {
  console.table(
    [...figures].map(([name, r]) => ({
      name,
      'req/s': Math.round(r.rps),
      'p50 ms': Number(r.p50.toFixed(3)),
      'p99 ms': Number(r.p99.toFixed(3)),
      errors: r.errors,
    })),
  );
}

/** Runs a benchmark's main: a failure sets the exit status; its child processes are stopped. */
export function runBench(main: () => Promise<void>, children: ChildProcess[]) {
  main()
    .catch(error => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      children.forEach(c => c.kill('SIGTERM'));
      process.exit();
    });
}
