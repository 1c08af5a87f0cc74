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
 * Paths whose last part is a single-use credential (a password-reset link, a referrer's re-contact link). Add any later
 * token route here: `test/integration/logging.test.ts` fails when a route with a `:token` parameter is not covered.
 */
export const TOKEN_PATHS = ['/staff/password-reset/', '/referral-update/'] as const;

/** %XX sequences decoded where they can be (an invalid one is left as it is), so an encoded path is matched too. */
function looselyDecoded(path: string): string {
  return path.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The path as it may be logged: no query string, and nothing after a token route's prefix, whatever the method, the
 * status, the case of the letters, repeated slashes, extra segments or percent-encoding (valid or not).
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0]!.split('#')[0]!;
  const plain = looselyDecoded(path)
    .toLowerCase()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/');
  for (const prefix of TOKEN_PATHS) {
    if (plain.includes(prefix)) return `${prefix}[token]`;
  }
  return path;
}

/**
 * The service's logger. Requests are logged as method, route path and status only: no IP address, no query string
 * values, no headers, no bodies (IP addresses and anything typed into a form are personal data), and no single-use
 * token (`loggablePath`).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[hidden]' },
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: loggablePath(req.url) }),
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
