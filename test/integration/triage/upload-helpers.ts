import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { staffCookie } from '../../helpers/staff.js';

/** Helpers for the chronology, attachment and e-mail intake tests: sessions with a CSRF token, and test files. */

/** A signed-in session and a CSRF token for it (from the home page), as the access-matrix test makes them. */
export async function staffSession(
  app: FastifyInstance,
  db: Db,
  staff: { id: string },
): Promise<{ cookie: string; csrf: string }> {
  const cookie = await staffCookie(app, db, staff);
  const home = await app.inject({ method: 'GET', url: '/staff', headers: { cookie } });
  expect(home.statusCode).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1];
  expect(csrf).toBeTruthy();
  const csrfCookies = [home.cookies].flat().filter((c) => c.name === 'prevent_csrf');
  return { cookie: [cookie, ...csrfCookies.map((c) => `${c.name}=${c.value}`)].join('; '), csrf: csrf! };
}

export interface FilePart {
  field: string;
  filename: string;
  type: string;
  data: Buffer;
}

/** A multipart/form-data body as a browser sends it. */
export function multipart(
  fields: Record<string, string>,
  file?: FilePart,
): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----test${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The smallest file every PDF reader and file-type recognise as a PDF. */
export const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n%%EOF\n',
);

/** A 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

export const HTML_PAGE = Buffer.from('<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n');

/** An e-mail as the team inbox would save it: a text body and, optionally, a PDF referral form attached. */
export function testEml(opts: { subject?: string; body?: string; pdf?: boolean; from?: string } = {}): Buffer {
  const boundary = 'BOUNDARY-0123456789';
  const lines = [
    `From: ${opts.from ?? 'Sam Teacher <sam.teacher@school.example>'}`,
    'To: Prevent team <prevent@cumbria.police.example>',
    `Subject: ${opts.subject ?? 'Referral about a pupil'}`,
    'Date: Tue, 24 Nov 2026 09:30:00 +0000',
    'Message-ID: <test-0001@school.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    opts.body ?? 'I am worried about a pupil, Jordan Pupil, who has been sharing violent videos.\n\nSam Teacher',
  ];
  if (opts.pdf !== false) {
    lines.push(
      `--${boundary}`,
      'Content-Type: application/pdf; name="referral-form.pdf"',
      'Content-Disposition: attachment; filename="referral-form.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      TINY_PDF.toString('base64'),
    );
  }
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'));
}
