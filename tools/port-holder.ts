// Says whether TCP ports are free and, for each one that is not, which process holds it:
//
//   node tools/port-holder.ts 3000 9464 4010      exit 0: all free; exit 1: one line per busy port
//
// The demo runs it before it starts anything, so a second demo says that the first one still runs (and how to
// stop it) instead of failing half-way with EADDRINUSE. Linux: the listening socket's owner from /proc;
// elsewhere `lsof`, where installed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export interface PortProcess {
  pid: number;
  command: string;
  parent?: { pid: number; command: string };
}

/** Whether the port can be bound on this address (EADDRINUSE: no). */
function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Whether something listens on the port. Binding is the only sure test, on both addresses the demo's processes
 * use: Node listens with SO_REUSEADDR, which lets 0.0.0.0 be bound while 127.0.0.1 is taken.
 */
export async function portInUse(port: number): Promise<boolean> {
  return !(await bindable(port, '0.0.0.0')) || !(await bindable(port, '127.0.0.1'));
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

function commandOf(pid: number): string {
  const argv = readText(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean);
  return argv?.length ? argv.join(' ') : '(unknown command)';
}

function parentOf(pid: number): number | undefined {
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
  const stat = readText(`/proc/${pid}/stat`);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields?.[1]);
  return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
}

/** Inodes of the sockets listening on the port, from the kernel's socket tables. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (readText(table) ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  return inodes;
}

function holderFromProc(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's process
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && inodes.has(match[1])) return Number(entry);
    }
  }
  return undefined;
}

function holderFromLsof(port: number): number | undefined {
  try {
    const out = execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t'], { encoding: 'utf8' });
    const pid = Number(out.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The process listening on the port, with its parent (e.g. the demo script that started it). */
export function portHolder(port: number): PortProcess | undefined {
  const pid = process.platform === 'linux' ? holderFromProc(port) : holderFromLsof(port);
  if (pid === undefined) return undefined;
  const ppid = process.platform === 'linux' ? parentOf(pid) : undefined;
  return {
    pid,
    command: process.platform === 'linux' ? commandOf(pid) : '(see ps)',
    parent: ppid === undefined ? undefined : { pid: ppid, command: commandOf(ppid) },
  };
}

/** One line about a busy port: who holds it and how to stop it. */
export function describeBusyPort(port: number, holder: PortProcess | undefined): string {
  if (!holder)
    return `port ${port} is in use by a process this user cannot see (try: ss -ltnp 'sport = :${port}')`;
  const owner = `PID ${holder.pid} (${holder.command})`;
  if (holder.parent?.command.includes('tools/demo.sh')) {
    return `port ${port} is in use by ${owner}, started by a demo that is still running (PID ${holder.parent.pid}, ${holder.parent.command}): stop it with Ctrl-C in its terminal or kill ${holder.parent.pid}`;
  }
  return `port ${port} is in use by ${owner}: stop it (kill ${holder.pid}) or choose another port`;
}

async function main(args: string[]): Promise<number> {
  const ports = args.map(Number);
  if (ports.length === 0 || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
    process.stderr.write('usage: node tools/port-holder.ts PORT...\n');
    return 2;
  }
  let busy = 0;
  for (const port of ports) {
    if (!(await portInUse(port))) continue;
    busy++;
    process.stderr.write(`${describeBusyPort(port, portHolder(port))}\n`);
  }
  return busy === 0 ? 0 : 1;
}

if (/port-holder\.ts$/.test(process.argv[1] ?? '') && process.env.JEST_WORKER_ID === undefined) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`port-holder: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
