import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenHttp, runChild } from './child.js';

/** One canned response: the bytes our application sent for that request, captured once by the orchestrator. */
export interface CannedResponse {
  method: 'GET' | 'POST';
  path: string;
  status: number;
  headers: Record<string, string>;
  /** base64 */
  body: string;
}

interface Prepared {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

/**
 * The ceiling: a bare node:http server that answers each measured request with the same status, content type (and
 * Location) and body bytes as our application, from memory, doing nothing else.
 */
const routes = new Map<string, Prepared>();

function send(res: ServerResponse, r: Prepared): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const r = routes.get(`${req.method} ${req.url?.split('?')[0]}`);
  if (!r) {
    res.writeHead(404).end();
    return;
  }
  if (req.method === 'GET') send(res, r);
  else {
    req.resume();
    req.on('end', () => send(res, r));
  }
});

await runChild({
  listen: () => listenHttp(server),
  close: () => new Promise((resolve) => server.close(() => resolve())),
  handlers: {
    routes(msg) {
      for (const c of msg.routes as CannedResponse[]) {
        const body = Buffer.from(c.body, 'base64');
        routes.set(`${c.method} ${c.path}`, {
          status: c.status,
          headers: { ...c.headers, 'content-length': body.length },
          body,
        });
      }
      return routes.size;
    },
  },
});
