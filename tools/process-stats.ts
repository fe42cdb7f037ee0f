// CPU time (user + system, all threads) and memory of one process, read from Linux's /proc: the
// benchmark's server figures and the soak's CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

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

/** Per-thread figures of one process summed by thread name (`comm`: node, libuv-worker, V8 DefaultWorke...). */
export interface ThreadGroupStats {
  /** Threads with this name. */
  threads: number;
  /** utime + stime, microseconds. */
  cpuMicros: number;
  /** Context switches: the thread waited (voluntary) or was preempted (involuntary). */
  voluntarySwitches: number;
  involuntarySwitches: number;
}

/**
 * CPU time and context switches of each thread of the process, summed by thread name; undefined without /proc
 * or after it exited. Tells the event loop (`node` is the main thread's name) from libuv's pool and V8's helpers.
 */
export function threadStats(pid: number): Record<string, ThreadGroupStats> | undefined {
  try {
    const groups: Record<string, ThreadGroupStats> = {};
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const base = `/proc/${pid}/task/${tid}`;
        const name = readFileSync(`${base}/comm`, 'utf8').trim();
        const stat = readFileSync(`${base}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const status = readFileSync(`${base}/status`, 'utf8');
        const count = (field: string): number =>
          Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
        const group = (groups[name] ??= {
          threads: 0,
          cpuMicros: 0,
          voluntarySwitches: 0,
          involuntarySwitches: 0,
        });
        group.threads += 1;
        group.cpuMicros += ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
        group.voluntarySwitches += count('voluntary_ctxt_switches');
        group.involuntarySwitches += count('nonvoluntary_ctxt_switches');
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return groups;
  } catch {
    return undefined;
  }
}

/** Busy CPU time of the whole machine so far (every core; /proc/stat less idle and iowait), microseconds. */
export function machineBusyMicros(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busy = fields.reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
    return (busy * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
