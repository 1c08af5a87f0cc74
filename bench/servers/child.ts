import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';

/** A message from the orchestrator to a server child; `id` pairs it with the reply. */
export interface ChildRequest {
  id: number;
  type: string;
  [key: string]: unknown;
}

type Handler = (msg: ChildRequest) => Promise<unknown> | unknown;

/**
 * The child side of a server under test: listens on 127.0.0.1 (a free port), tells the parent over IPC, and answers
 * its requests (CPU profile start/stop, stop, and any server-specific ones) so the load generator never shares this
 * process's event loop.
 */
export async function runChild(opts: {
  /** Starts listening on 127.0.0.1 and a free port; returns the port. */
  listen: () => Promise<number>;
  close: () => Promise<void>;
  handlers?: Record<string, Handler>;
}): Promise<void> {
  const handlers = opts.handlers ?? {};
  if (!process.send) throw new Error('start this file with child_process.fork (it talks to bench/run.ts over IPC)');
  let session: Session | undefined;
  const builtIn: Record<string, Handler> = {
    async 'profile-start'() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    async 'profile-stop'(msg) {
      if (!session) return;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(String(msg.file), JSON.stringify(profile));
      session.disconnect();
      session = undefined;
    },
    memory() {
      const m = process.memoryUsage();
      return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1024 / 1024)]));
    },
    async stop() {
      setTimeout(() => process.exit(0), 2000).unref();
      await opts.close();
      setImmediate(() => process.exit(0));
    },
  };
  process.on('message', (msg: ChildRequest) => {
    const handler = handlers[msg.type] ?? builtIn[msg.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${msg.type}`);
        return handler(msg);
      })
      .then(
        (result) => process.send!({ id: msg.id, ok: true, result }),
        (err: Error) => process.send!({ id: msg.id, ok: false, error: err.message }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port: await opts.listen() });
}

/** Listens a plain node:http server (bare, Express) on 127.0.0.1 and a free port. */
export function listenHttp(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
