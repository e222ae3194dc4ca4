/**
 * Edits a fresh Backstage app the way an adopter does: the known pitfalls of
 * fresh apps, then the root README's install section, applied literally.
 *
 *   node app.mts pitfalls <app dir> <suite package.json>
 *   node app.mts readme <README.md> <out.json>
 *   node app.mts backend-add <index.ts> <readme.json> [package name …]
 *   node app.mts merge-yaml <app-config.yaml> <readme.json>
 *   node app.mts yarnrc <.yarnrc.yml> <registry url>
 *
 * Each command prints one JSON line on stdout; errors name what is missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The heading of the root README's install section. */
export const SECTION = '## Add AIGC Gateway to your Backstage portal';

export interface ReadmeInstall {
  /** The shell commands, one per entry (continuation lines joined). */
  commands: string[];
  /** Package names of the `backend.add(import('…'))` statements, in order. */
  backendAdds: string[];
  /** The yaml blocks, joined. */
  yaml: string;
  /** Lines an adopter types or pastes, per block kind. */
  lines: { sh: number; ts: number; yaml: number };
}

function fail(message: string): never {
  process.stderr.write(`app.mts: ${message}\n`);
  process.exit(1);
}

const isCode = (line: string, comment: string) =>
  line.trim() !== '' && !line.trim().startsWith(comment);

/** Reads the install section of the README: its sh, ts and yaml blocks. */
export function extractInstall(readme: string): ReadmeInstall {
  const lines = readme.split('\n');
  const start = lines.findIndex(l => l.trimEnd() === SECTION);
  if (start < 0) fail(`README.md has no section "${SECTION}"`);
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;

  const blocks: { lang: string; body: string[] }[] = [];
  let open: { lang: string; body: string[] } | undefined;
  for (const line of lines.slice(start + 1, end)) {
    const fence = /^```(\S*)/.exec(line.trim());
    if (fence && !open) {
      open = { lang: fence[1].toLowerCase(), body: [] };
    } else if (fence && open) {
      blocks.push(open);
      open = undefined;
    } else if (open) {
      open.body.push(line);
    }
  }
  if (open) fail(`an unclosed code block in "${SECTION}"`);

  const result: ReadmeInstall = {
    commands: [],
    backendAdds: [],
    yaml: '',
    lines: { sh: 0, ts: 0, yaml: 0 },
  };
  const yamlParts: string[] = [];
  for (const { lang, body } of blocks) {
    if (['sh', 'bash', 'shell'].includes(lang)) {
      let pending = '';
      for (const line of body) {
        if (!isCode(line, '#')) continue;
        result.lines.sh += 1;
        const text = line.trim();
        if (text.endsWith('\\')) {
          pending += `${text.slice(0, -1).trim()} `;
          continue;
        }
        result.commands.push(pending + text);
        pending = '';
      }
      if (pending) result.commands.push(pending.trim());
    } else if (['ts', 'typescript'].includes(lang)) {
      const code = body.join('\n');
      const re = /backend\.add\(\s*import\(\s*['"]([^'"]+)['"]\s*\),?\s*\);/g;
      for (const m of code.matchAll(re)) result.backendAdds.push(m[1]);
      result.lines.ts += body.filter(l => isCode(l, '//')).length;
    } else if (lang === 'yaml' || lang === 'yml') {
      yamlParts.push(body.join('\n'));
      result.lines.yaml += body.filter(l => isCode(l, '#')).length;
    }
  }
  result.yaml = yamlParts.join('\n');
  if (result.commands.length === 0) fail(`no sh block in "${SECTION}"`);
  if (result.backendAdds.length === 0)
    fail(`no backend.add(import('…')) line in a ts block of "${SECTION}"`);
  if (!result.yaml.trim()) fail(`no yaml block in "${SECTION}"`);
  return result;
}

/**
 * Root resolutions that make a fresh create-app app run on Node 24 with one
 * copy of each Backstage package: better-sqlite3 13.2.0 and every
 * `@backstage/*` pin of the suite's root package.json. Returns the number of
 * lines an adopter adds to package.json for them.
 */
function pitfalls(appDir: string, suiteManifest: string) {
  const suite = JSON.parse(readFileSync(suiteManifest, 'utf8'));
  const file = join(appDir, 'package.json');
  const app = JSON.parse(readFileSync(file, 'utf8'));
  const before = JSON.stringify(app, null, 2).split('\n').length;
  const pins = Object.entries<string>(suite.resolutions ?? {}).filter(
    ([name]) => name.startsWith('@backstage/'),
  );
  if (pins.length === 0)
    fail(`${suiteManifest} has no @backstage/* resolutions to copy`);
  const sqlite = suite.resolutions['better-sqlite3'];
  if (!sqlite) fail(`${suiteManifest} has no better-sqlite3 resolution`);
  app.resolutions = {
    ...app.resolutions,
    'better-sqlite3': sqlite,
    ...Object.fromEntries(pins),
  };
  const text = `${JSON.stringify(app, null, 2)}\n`;
  writeFileSync(file, text);
  return {
    backstagePins: pins.length,
    betterSqlite3: sqlite,
    lines: text.trimEnd().split('\n').length - before,
  };
}

/** Inserts `backend.add(import('…'));` lines before `backend.start();`. */
function backendAdd(indexFile: string, packages: string[]) {
  const source = readFileSync(indexFile, 'utf8');
  const lines = source.split('\n');
  const at = lines.findIndex(l => l.trim() === 'backend.start();');
  if (at < 0) fail(`${indexFile} has no "backend.start();" line`);
  const added = packages
    .filter(name => !source.includes(`import('${name}')`))
    .map(name => `backend.add(import('${name}'));`);
  lines.splice(at, 0, ...added, ...(added.length ? [''] : []));
  writeFileSync(indexFile, lines.join('\n'));
  return { added: added.length };
}

type Yaml = typeof import('yaml');

function loadYaml(): Yaml {
  const tools = process.env.AIGC_ADOPTER_TOOLS;
  if (!tools)
    fail('AIGC_ADOPTER_TOOLS is not set (the tools folder with yaml)');
  return createRequire(join(tools, 'package.json'))('yaml');
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `add` into the document at `path`: maps key by key, lists appended. */
function mergeInto(
  yaml: Yaml,
  doc: import('yaml').Document,
  path: string[],
  add: unknown,
) {
  const current = doc.getIn(path, true);
  if (current === undefined) {
    doc.setIn(path, doc.createNode(add));
  } else if (isMap(add) && yaml.isMap(current)) {
    for (const [k, v] of Object.entries(add))
      mergeInto(yaml, doc, [...path, k], v);
  } else if (Array.isArray(add) && yaml.isSeq(current)) {
    for (const item of add) current.add(doc.createNode(item));
  } else {
    doc.setIn(path, doc.createNode(add));
  }
}

/**
 * Adds the README's yaml to app-config.yaml: top-level keys the file lacks
 * are appended as written; keys it has are merged (maps by key, lists
 * appended). The result must parse and hold every value of the README.
 */
function mergeYaml(configFile: string, readmeYaml: string) {
  const yaml = loadYaml();
  const add = yaml.parse(readmeYaml);
  if (!isMap(add)) fail('the README yaml is not a map of top-level keys');
  const text = readFileSync(configFile, 'utf8');
  const existing = yaml.parse(text) ?? {};
  const clashes = Object.keys(add).filter(k => k in existing);
  let out: string;
  if (clashes.length === 0) {
    out = `${text.trimEnd()}\n\n${readmeYaml.trim()}\n`;
  } else {
    const doc = yaml.parseDocument(text);
    for (const [k, v] of Object.entries(add)) mergeInto(yaml, doc, [k], v);
    out = doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  }
  const merged = yaml.parse(out);
  const missing: string[] = [];
  const check = (want: unknown, got: unknown, at: string) => {
    if (isMap(want)) {
      if (!isMap(got)) return missing.push(at);
      for (const [k, v] of Object.entries(want)) check(v, got[k], `${at}.${k}`);
    } else if (Array.isArray(want)) {
      if (!Array.isArray(got)) return missing.push(at);
      const gotJson = got.map(g => JSON.stringify(g));
      for (const w of want)
        if (!gotJson.includes(JSON.stringify(w))) missing.push(`${at}[]`);
    } else if (JSON.stringify(want) !== JSON.stringify(got)) {
      missing.push(at);
    }
    return undefined;
  };
  check(add, merged, '');
  if (missing.length) fail(`merged config lacks ${missing.join(', ')}`);
  writeFileSync(configFile, out);
  return {
    appendedKeys: Object.keys(add).filter(k => !clashes.includes(k)),
    mergedKeys: clashes,
  };
}

/**
 * Test environment, not adopter work: the app's Yarn installs from the local
 * registry, over plain HTTP on loopback, and takes the suite's packages
 * although they were published seconds ago (create-app's .yarnrc.yml holds
 * back packages younger than npmMinimalAgeGate).
 */
function yarnrc(file: string, registry: string) {
  const yaml = loadYaml();
  const doc = yaml.parseDocument(readFileSync(file, 'utf8'));
  doc.set('npmRegistryServer', registry);
  doc.set('unsafeHttpWhitelist', ['127.0.0.1', 'localhost']);
  const approved = (doc.get('npmPreapprovedPackages') as any)?.toJSON?.() ?? [];
  doc.set('npmPreapprovedPackages', [...approved, '@aigc-gateway/*']);
  writeFileSync(file, doc.toString());
  return { registry, npmPreapprovedPackages: [...approved, '@aigc-gateway/*'] };
}

function main(argv: string[]) {
  const [command, ...args] = argv;
  switch (command) {
    case 'pitfalls':
      return pitfalls(args[0], args[1]);
    case 'readme': {
      const install = extractInstall(readFileSync(args[0], 'utf8'));
      let config: any;
      try {
        config = loadYaml().parse(install.yaml);
      } catch (e) {
        fail(
          `the yaml of "${SECTION}" does not parse: ${(e as Error).message}`,
        );
      }
      const template = config?.aigcGateway?.templates?.[0];
      if (!template?.id || !template?.title)
        fail(
          `the yaml of "${SECTION}" has no aigcGateway.templates entry with id and title`,
        );
      const out = {
        ...install,
        template: { id: template.id, title: template.title },
      };
      writeFileSync(args[1], `${JSON.stringify(out, null, 2)}\n`);
      return {
        commands: install.commands.length,
        backendAdds: install.backendAdds,
        lines: install.lines,
        template: out.template,
      };
    }
    case 'yarnrc':
      return yarnrc(args[0], args[1]);
    case 'backend-add': {
      const install: ReadmeInstall = JSON.parse(readFileSync(args[1], 'utf8'));
      const only = args.slice(2);
      const missing = only.filter(p => !install.backendAdds.includes(p));
      if (missing.length)
        fail(`the README's ts block does not add ${missing.join(', ')}`);
      return backendAdd(args[0], only.length ? only : install.backendAdds);
    }
    case 'merge-yaml': {
      const install: ReadmeInstall = JSON.parse(readFileSync(args[1], 'utf8'));
      return mergeYaml(args[0], install.yaml);
    }
    default:
      return fail(`unknown command ${command ?? '(none)'}`);
  }
}

process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
