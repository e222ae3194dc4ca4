/**
 * The suite's publishable packages and the checks on their packed tarballs.
 *
 *   yarn workspaces list --json | node packages.mts publishable <suite root>
 *     one JSON line per workspace whose package.json is not private:
 *     {name, version, location, role, hasBuild}
 *   node packages.mts verify <package.tgz> <local registry url>
 *     checks the packed package.json: no workspace:/backstage: ranges, not
 *     private, no publishConfig.registry other than the local registry, and
 *     every file that main/module/types/exports/bin names is in the tarball.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function fail(message: string): never {
  process.stderr.write(`packages.mts: ${message}\n`);
  process.exit(1);
}

function publishable(root: string) {
  const input = readFileSync(0, 'utf8');
  const found = [];
  for (const line of input.split('\n').filter(Boolean)) {
    const { location } = JSON.parse(line) as { location: string };
    if (location === '.') continue;
    const manifest = JSON.parse(
      readFileSync(join(root, location, 'package.json'), 'utf8'),
    );
    if (manifest.private) continue;
    found.push({
      name: manifest.name,
      version: manifest.version,
      location,
      role: manifest.backstage?.role ?? '',
      hasBuild: Boolean(manifest.scripts?.build),
    });
  }
  if (found.length === 0)
    fail('no workspace is publishable (every package.json is private)');
  return found;
}

const DEP_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];

/** Paths a manifest points at, for files that must be in the tarball. */
function pointedAt(manifest: any): string[] {
  const paths: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') paths.push(v);
    else if (v && typeof v === 'object')
      // The `backstage` export condition names a feature type, not a file.
      Object.entries(v)
        .filter(([key]) => key !== 'backstage')
        .forEach(([, value]) => walk(value));
  };
  for (const field of ['main', 'module', 'types', 'typings', 'browser'])
    walk(manifest[field]);
  walk(manifest.exports);
  walk(manifest.bin);
  return [...new Set(paths)]
    .filter(p => !p.includes('*'))
    .map(p => p.replace(/^\.\//, ''));
}

function verify(tgz: string, registry: string) {
  const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(f => f.replace(/^package\//, ''));
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const problems: string[] = [];
  if (manifest.private) problems.push('"private": true');
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries<string>(manifest[field] ?? {})) {
      if (/^(workspace|backstage|link|portal|file):/.test(range))
        problems.push(`${field}.${dep}: "${range}"`);
    }
  }
  const publishRegistry = manifest.publishConfig?.registry;
  if (publishRegistry && !publishRegistry.startsWith(registry))
    problems.push(`publishConfig.registry is ${publishRegistry}`);
  for (const path of pointedAt(manifest)) {
    if (!files.includes(path))
      problems.push(`points at ${path}, which is not in the tarball`);
  }
  if (problems.length)
    fail(
      `${manifest.name}@${manifest.version} (${tgz}): ${problems.join('; ')}`,
    );
  return {
    name: manifest.name,
    version: manifest.version,
    files: files.length,
    exports: manifest.exports ? Object.keys(manifest.exports) : [],
  };
}

const [command, ...args] = process.argv.slice(2);
if (command === 'publishable') {
  for (const p of publishable(args[0]))
    process.stdout.write(`${JSON.stringify(p)}\n`);
} else if (command === 'verify') {
  process.stdout.write(`${JSON.stringify(verify(args[0], args[1]))}\n`);
} else {
  fail(`unknown command ${command ?? '(none)'}`);
}
