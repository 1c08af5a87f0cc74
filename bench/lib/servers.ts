import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serversDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'servers');

/** A server under test, running in a child process of its own. */
export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** Sends a request to the child and waits for its answer. */
  call<T = unknown>(type: string, payload?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface Reply {
  id?: number;
  type?: string;
  port?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
}

/** Forks `bench/servers/<script>.ts` (with tsx), waits until it listens, and returns a handle. */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = fork(path.join(serversDir, `${script}.ts`), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${name} server exited (${code}) before listening`));
    child.once('exit', onExit);
    child.on('message', (msg: Reply) => {
      if (msg.type === 'ready' && msg.port) {
        child.off('exit', onExit);
        resolve(msg.port);
        return;
      }
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name}: ${msg.error}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    call<T>(type: string, payload: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, type, ...payload });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ id: 0, type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size and its high-water mark of a process, in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the largest sample (MB). */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let max = memoryOf(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m && m.rssMb > max) max = m.rssMb;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const m = memoryOf(pid);
      if (m && m.rssMb > max) max = m.rssMb;
      return max;
    },
  };
}

/** CPU time (user + system, all threads) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ: 100 on every mainstream architecture (getconf CLK_TCK). */
const CLOCK_TICKS = 100;
