import { readdirSync, readFileSync } from 'node:fs';

/**
 * When the process started, in clock ticks since boot, or undefined when
 * there is none or it has ended (a zombie, not yet reaped). With its pid it
 * names one process for good: a recycled pid has another start time, and no
 * process can choose its own.
 */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold
    // spaces: the state first, the start time 20th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
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

/**
 * Processes whose environment holds `marker` (`NAME=value`), e.g. the
 * migrations of a volume. Anyone can set an environment: use it only to
 * stop processes, never to trust one.
 */
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

/** Signals one process. */
export function signalProcess(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
