import { readdirSync, readFileSync } from 'node:fs';

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is the engine of `instanceId`: the runtime marks each engine
 * with AIGC_INSTANCE_ID, so a recycled pid is never mistaken for it.
 */
export function isEngineOf(pid: number, instanceId: string): boolean {
  return hasMarker(pid, `AIGC_INSTANCE_ID=${instanceId}`);
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .includes(marker);
  } catch {
    return false;
  }
}

/** Processes whose environment holds `marker` (`NAME=value`), e.g. the migrations of a volume. */
export function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter(p => /^\d+$/.test(p))
    .map(Number)
    .filter(pid => hasMarker(pid, marker));
}

/** Signals the engine's whole process group (it runs detached, as its leader). */
export function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
