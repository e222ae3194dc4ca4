#!/usr/bin/env node
/**
 * Migrates a sample engine data folder between layouts, in place:
 *   node src/migrate.ts --data ./data --to 2
 * 1 → 2 files flat outputs by their modification day; 2 → 1 flattens them
 * back, so the migration is reversible. Running it twice is harmless.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type DataLayout,
  LAYOUT_FILE,
  readLayout,
  writeLayout,
} from './layout.ts';
import { isMain } from './isMain.ts';

export function migrate(
  dataDir: string,
  to: DataLayout,
): { from: DataLayout | undefined; moved: number } {
  const from = readLayout(dataDir);
  const outputs = join(dataDir, 'outputs');
  let moved = 0;
  if (from === 1 && to === 2) {
    for (const file of readdirSync(outputs).filter(f => f.endsWith('.png'))) {
      const day = statSync(join(outputs, file))
        .mtime.toISOString()
        .slice(0, 10);
      mkdirSync(join(outputs, day), { recursive: true });
      renameSync(join(outputs, file), join(outputs, day, file));
      moved++;
    }
  } else if (from === 2 && to === 1) {
    // A layout-2 folder that never made an output has no outputs folder.
    for (const day of existsSync(outputs) ? readdirSync(outputs) : []) {
      for (const file of readdirSync(join(outputs, day))) {
        renameSync(join(outputs, day, file), join(outputs, file));
        moved++;
      }
      rmdirSync(join(outputs, day));
    }
    rmSync(join(dataDir, LAYOUT_FILE), { force: true });
  }
  if (to === 2 || !existsSync(join(dataDir, LAYOUT_FILE)))
    writeLayout(dataDir, to);
  return { from, moved };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, to: { type: 'string' } },
  });
  const to = Number(values.to);
  if (!values.data || (to !== 1 && to !== 2)) {
    process.stderr.write('usage: migrate.ts --data <folder> --to <1|2>\n');
    process.exit(2);
  }
  const { from, moved } = migrate(values.data, to);
  process.stdout.write(
    `migrated ${values.data} from layout ${
      from ?? 'none'
    } to ${to}: ${moved} output(s) moved\n`,
  );
}
