// CPU time (user + system, all threads) and memory of one process, read from Linux's /proc: the
// benchmark's server figures and the soak's CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (`getconf CLK_TCK`, almost always 100). */
export const CLOCK_TICKS_PER_SECOND: number = (() => {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

export const PROC_AVAILABLE = existsSync('/proc/self/stat');

/** utime + stime of the process so far, in microseconds; undefined without /proc or after it exited. */
export function cpuMicros(pid: number): number | undefined {
  const times = cpuTimes(pid);
  return times === undefined ? undefined : times.user + times.system;
}

/** utime and stime (kernel) of the process so far, in microseconds; undefined without /proc or after exit. */
export function cpuTimes(pid: number): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 (utime) and 15 (stime)
    const micros = (ticks: string | undefined): number =>
      (Number(ticks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
    return { user: micros(fields[11]), system: micros(fields[12]) };
  } catch {
    return undefined;
  }
}

export interface ProcessMemory {
  /** Resident set size now, in MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), in MB. */
  peakRssMb: number;
}

/** VmRSS and VmHWM of the process; undefined without /proc or after it exited. */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
