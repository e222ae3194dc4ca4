import { readdirSync, readFileSync } from 'node:fs';

/**
 * Engines of an instance, found by the marker the runtime sets: the first
 * process of each (a sandbox's processes all carry the marker).
 */
export function enginePids(instanceId: string): number[] {
  const marked = readdirSync('/proc')
    .filter(p => /^\d+$/.test(p))
    .filter(p => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'utf8')
          .split('\0')
          .includes(`AIGC_INSTANCE_ID=${instanceId}`);
      } catch {
        return false;
      }
    });
  const parentOf = (pid: string) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    } catch {
      return undefined;
    }
  };
  return marked.filter(p => !marked.includes(parentOf(p)!)).map(Number);
}
