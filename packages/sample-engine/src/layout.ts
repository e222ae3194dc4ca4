import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The engine's data layouts. Layout 1 (engine 1.x) keeps every output flat in
 * `outputs/`; layout 2 (engine 2.x) files them by day, `outputs/<yyyy-mm-dd>/`,
 * and records its layout in `layout.json`. An engine refuses a folder in
 * another layout: switching versions needs the migration (`migrate.ts`).
 */
export type DataLayout = 1 | 2;

export const LAYOUT_FILE = 'layout.json';

export function readLayout(dataDir: string): DataLayout | undefined {
  const marker = join(dataDir, LAYOUT_FILE);
  if (existsSync(marker)) {
    return JSON.parse(readFileSync(marker, 'utf8')).layout as DataLayout;
  }
  // Layout 1 had no marker; an empty folder has no layout yet.
  const outputs = join(dataDir, 'outputs');
  return existsSync(outputs) && readdirSync(outputs).length > 0 ? 1 : undefined;
}

export function writeLayout(dataDir: string, layout: DataLayout) {
  mkdirSync(dataDir, { recursive: true });
  if (layout === 2) {
    writeFileSync(join(dataDir, LAYOUT_FILE), JSON.stringify({ layout }));
  }
}

/** The folder a new output goes to, relative to the data folder. */
export function outputFolder(layout: DataLayout, now: Date): string {
  return layout === 1
    ? 'outputs'
    : join('outputs', now.toISOString().slice(0, 10));
}

/** Every output, as paths relative to the data folder, oldest name first. */
export function listOutputs(dataDir: string, layout: DataLayout): string[] {
  const outputs = join(dataDir, 'outputs');
  if (!existsSync(outputs)) return [];
  if (layout === 1) {
    return readdirSync(outputs)
      .filter(f => f.endsWith('.png'))
      .sort()
      .map(f => join('outputs', f));
  }
  return readdirSync(outputs)
    .sort()
    .flatMap(day =>
      readdirSync(join(outputs, day))
        .filter(f => f.endsWith('.png'))
        .sort()
        .map(f => join('outputs', day, f)),
    );
}
