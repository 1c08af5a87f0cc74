import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One message the test server accepted, as a mail client would see it. */
export interface ReceivedMessage {
  /** SMTP envelope (what the server was told, not the headers). */
  envelopeFrom: string | null;
  envelopeTo: string[];
  subject: string;
  text: string;
  messageId: string;
  from: string;
  to: string;
  /** Every header line, as sent. */
  headerLines: string;
  /** The whole message source, as sent. */
  raw: string;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port> (no TLS, no authentication). */
  url: string;
  /** Messages accepted so far, in order. */
  messages: ReceivedMessage[];
  /** Every DATA attempt, accepted or refused. */
  attempts: number;
  /** When each DATA attempt arrived (ms since the epoch). */
  attemptTimes: number[];
  /** Refuse the next `k` deliveries: by default with a temporary error (451), as a busy or greylisting server does. */
  failNext(k: number, responseCode?: number): void;
  /** Hold each delivery this long before answering (to make concurrent deliveries overlap). */
  setDelay(ms: number): void;
  /** Resolves once at least `n` messages have been accepted; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Forgets messages, attempts, failures and delay. */
  reset(): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (a free port) that keeps what it receives, parsed by mailparser. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMessage[] = [];
  let failures = 0;
  let failureCode = 451;
  let delayMs = 0;
  let waiters: (() => void)[] = [];
  const state = { attempts: 0 };
  const attemptTimes: number[] = [];

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      state.attempts++;
      attemptTimes.push(Date.now());
      const refuse = failures > 0;
      if (refuse) failures--;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const finish = async () => {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          if (refuse) {
            const text = failureCode >= 500 ? 'No such mailbox (test server)' : 'Try again later (test server)';
            callback(Object.assign(new Error(text), { responseCode: failureCode }));
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          const to = parsed.to
            ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).map((a) => a.text).join(', ')
            : '';
          messages.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            from: parsed.from?.text ?? '',
            to,
            headerLines: parsed.headerLines.map((h) => h.line).join('\n'),
            raw,
          });
          callback();
          const ready = waiters;
          waiters = [];
          for (const w of ready) w();
        };
        finish().catch((err: Error) => callback(err));
      });
    },
  });
  server.on('error', () => {
    /* a client that hung up: nothing for the test to do */
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get attempts() {
      return state.attempts;
    },
    attemptTimes,
    failNext(k, responseCode = 451) {
      failures = k;
      failureCode = responseCode;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${n} message(s), received ${messages.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages;
    },
    reset() {
      messages.length = 0;
      state.attempts = 0;
      attemptTimes.length = 0;
      failures = 0;
      delayMs = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
