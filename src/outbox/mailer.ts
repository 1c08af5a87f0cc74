import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface Mailer {
  /** Where messages go, for the start-up log (no credentials). */
  describe: string;
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** Delivers over SMTP with nodemailer. The Message-ID is fixed by the outbox, so a retried message keeps its identity. */
export function smtpMailer(url: string): Mailer {
  // Every wait is well inside the worker's 120 s lease on a message, so a hung server cannot cause a second send.
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
  const u = new URL(url);
  return {
    describe: `SMTP server ${u.hostname}:${u.port || (u.protocol === 'smtps:' ? 465 : 587)}`,
    async send(m) {
      await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId });
    },
    close: () => transport.close(),
  };
}

/**
 * With no SMTP server configured, each message is written as an .eml file (whole, then renamed into place), readable by
 * the service's user only: the files hold single-use links.
 */
export function fileMailer(folder: string): Mailer {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `files in ${folder} (no SMTP_URL set)`,
    async send(m) {
      const info = await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
      });
      const name = m.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9.@-]/g, '_');
      const file = path.join(folder, `${name}.eml`);
      writeFileSync(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
    close: () => transport.close(),
  };
}
