import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { rootDir } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { SNAPSHOT_FILE } from './engines.js';

/** A fixed cookie secret, so the signed draft and CSRF cookies a client holds stay valid across a restart. */
export const DURABILITY_COOKIE_SECRET = 'durability-test-cookie-secret-0123456789-abcdefghij';

export interface ServerOptions {
  /** DATA_DIR of the process (the embedded database lives in DATA_DIR/pglite). */
  dataDir: string;
  /** A PostgreSQL database; the embedded engine is used without one. */
  databaseUrl?: string | undefined;
  /** The port to listen on (a restart reuses the address clients know); a free one by default. */
  port?: number;
  /** More environment (overrides the defaults). */
  env?: Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  pid: number;
  port: number;
  baseUrl: string;
  /** Settles when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** Everything the process wrote to stdout and stderr so far (the tail, if it wrote a lot). */
  output(): string;
  /** Resolves when GET /health/ready answers 200; rejects, with the process's output, if it exits or times out first. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends a signal (SIGKILL by default) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
}

const MAX_OUTPUT = 256 * 1024;
const live = new Set<ServerProcess>();

/** A TCP port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `node --import tsx src/server.ts` as a child process, without waiting for it to be ready. */
export async function spawnServer(opts: ServerOptions): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    COOKIE_SECRET: DURABILITY_COOKIE_SECRET,
    RATE_LIMIT_PUBLIC_POST: '1000000',
    LOG_LEVEL: 'warn',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: rootDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      append(Buffer.from(`spawn error: ${err.message}\n`));
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;

  const handle: ServerProcess = {
    pid: child.pid ?? -1,
    port,
    baseUrl,
    exited,
    hasExited: () => done,
    output: () => out,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (done) {
          const exit = await exited;
          throw new Error(`server exited before it was ready (${JSON.stringify(exit)}):\n${out}`);
        }
        try {
          const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          if (res.status === 200) return;
        } catch {
          /* not listening yet */
        }
        await sleep(100);
      }
      throw new Error(`server not ready after ${timeoutMs} ms:\n${out}`);
    },
    async kill(signal = 'SIGKILL') {
      if (!done) child.kill(signal);
      return exited;
    },
    async stop(graceMs = 20_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  return handle;
}

/**
 * Writes the migrated test snapshot into DATA_DIR/pglite, so a server process starts on an existing embedded database
 * instead of running initdb (about 10 s saved per test on a busy machine). Every later start is a real restart.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  const database = await openDatabase({
    pgliteDir: path.join(dataDir, 'pglite'),
    pgliteSnapshot: new Blob([readFileSync(SNAPSHOT_FILE)]),
  });
  await database.close();
}

/** Starts a server process and waits until it is ready; kills it if it does not become ready. */
export async function startServer(opts: ServerOptions, timeoutMs = 60_000): Promise<ServerProcess> {
  const server = await spawnServer(opts);
  try {
    await server.ready(timeoutMs);
  } catch (err) {
    await server.kill('SIGKILL');
    throw err;
  }
  return server;
}

/** Kills every server process this test file started that is still running (for afterAll/afterEach). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill('SIGKILL')));
}

// Last resort: never leave a server behind when the test worker itself ends.
process.once('exit', () => {
  for (const s of live) {
    try {
      process.kill(s.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
