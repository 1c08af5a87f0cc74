import pino, { type DestinationStream, type Logger } from 'pino';

/** Fields that could hold personal data are never written, whatever a caller passes. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  '*.email',
  '*.password',
];

/**
 * The service's logger. Requests are logged as method, route path and status only: no IP address, no query string
 * values, no headers, no bodies (IP addresses and anything typed into a form are personal data).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[hidden]' },
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

/**
 * What may be logged about an error. Database drivers put a failed query's parameters (people's answers) into the
 * message, and SMTP servers echo recipient addresses: so the log gets the error's kind, codes and the stack's frames,
 * never its message.
 */
export function safeError(err: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let e: unknown = err;
  const chain: Record<string, unknown>[] = [];
  for (let depth = 0; e && depth < 4; depth++) {
    const x = e as {
      name?: string;
      code?: unknown;
      constraint?: unknown;
      statusCode?: unknown;
      responseCode?: unknown;
    };
    chain.push({
      type: x.name ?? typeof e,
      code: typeof x.code === 'string' || typeof x.code === 'number' ? x.code : undefined,
      constraint: typeof x.constraint === 'string' ? x.constraint : undefined,
      statusCode: x.statusCode,
      responseCode: x.responseCode,
    });
    e = (e as { cause?: unknown }).cause;
  }
  out.chain = chain;
  const stack = (err as { stack?: string } | undefined)?.stack;
  if (typeof stack === 'string')
    out.frames = stack
      .split('\n')
      .filter((l) => l.trimStart().startsWith('at '))
      .slice(0, 12)
      .join('\n');
  return out;
}
