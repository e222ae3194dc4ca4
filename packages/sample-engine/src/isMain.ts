import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether the module is the program node runs, also when started through a bin link. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return !!entry && realpathSync(entry) === fileURLToPath(moduleUrl);
}
