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
