/**
 * Writes test-results/adopter/summary.json from a run's records and prints
 * it as a table: the wall time of each step, each check, and the lines the
 * adopter added.
 *
 *   node summary.mts <work dir> <summary.json> <passed|failed>
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, out, status] = process.argv.slice(2);
const read = (name: string) =>
  existsSync(join(work, name)) ? readFileSync(join(work, name), 'utf8') : '';

const steps = read('steps.tsv')
  .split('\n')
  .filter(Boolean)
  .map(line => {
    const [name, seconds, outcome] = line.split('\t');
    return { name, seconds: Number(seconds), outcome };
  });
const checks = read('checks.jsonl')
  .split('\n')
  .filter(Boolean)
  .map(line => JSON.parse(line));
const counts = JSON.parse(read('counts.json') || '{}');

const readme = counts.readme?.lines ?? { sh: 0, ts: 0, yaml: 0 };
const readmeLines = readme.sh + readme.ts + readme.yaml;
const pitfallLines = counts.pitfalls?.lines ?? 0;

const summary = {
  status,
  node: counts.node,
  createAppCached: counts.createAppCached,
  ports: counts.ports,
  yarnCommandsRetried: counts.yarnRetries ?? 0,
  publishedPackages: counts.publishable ?? [],
  adopterLines: {
    total: readmeLines + pitfallLines,
    readme: { ...readme, total: readmeLines },
    knownPitfallsOfFreshApps: {
      lines: pitfallLines,
      backstagePins: counts.pitfalls?.backstagePins,
      betterSqlite3: counts.pitfalls?.betterSqlite3,
    },
  },
  steps,
  totalSeconds: Number(steps.reduce((sum, s) => sum + s.seconds, 0).toFixed(1)),
  checks,
  strayProcessesStopped: counts.strayProcesses ?? false,
};
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);

const pad = (s: string, n: number) => s.padEnd(n);
const lines = [
  '',
  `adopter test: ${status.toUpperCase()}`,
  '',
  'step                                                         seconds',
  ...steps.map(
    s =>
      `${pad(s.name, 60)} ${String(s.seconds.toFixed(1)).padStart(7)}${
        s.outcome === 'ok' ? '' : `  ${s.outcome}`
      }`,
  ),
  `${pad('total', 60)} ${summary.totalSeconds.toFixed(1).padStart(7)}`,
  '',
  ...checks.map(
    c => `${c.ok ? 'PASS' : 'FAIL'} ${c.check} (${c.ms} ms): ${c.detail}`,
  ),
  '',
  `lines the adopter adds: ${summary.adopterLines.total} = README ${readmeLines} ` +
    `(sh ${readme.sh}, ts ${readme.ts}, yaml ${readme.yaml}) + known pitfalls of fresh apps ${pitfallLines} ` +
    `(better-sqlite3 and ${
      counts.pitfalls?.backstagePins ?? 0
    } @backstage/* pins in package.json resolutions)`,
  `summary: ${out}`,
  '',
];
process.stdout.write(lines.join('\n'));
