import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { accessLog, attachments, caseEvents, referrals } from '../../../src/db/schema/index.js';
import { addAttachment } from '../../../src/features/triage/attachments/service.js';
import { changeState, takeReferral } from '../../../src/features/triage/workflow.js';
import { testApp, testConfig, useTestApp } from '../../helpers/app.js';
import { openTestDatabase, resetDatabase } from '../../helpers/engines.js';
import { createAdvice, createReferral } from '../../helpers/cases.js';
import { FormClient } from '../../helpers/client.js';
import { engines } from '../../helpers/engines.js';
import { completeJourney, publicReferral } from '../../helpers/journeys.js';
import { createStaff, organisationId } from '../../helpers/staff.js';
import { HTML_PAGE, multipart, staffSession, TINY_PDF, TINY_PNG } from './upload-helpers.js';

/** The chronology, notes, corrections and attachments of a case, through the real app, on both engines. */
describe.each(engines)('chronology, notes, corrections and attachments (%s)', (engine) => {
  const t = useTestApp(engine);
  const db = () => t.database.db;

  async function officerWithCase() {
    const officer = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Alex Officer' });
    const referral = await createReferral(db(), { assignedOfficerId: officer.id });
    const who = await staffSession(t.app, db(), officer);
    return { officer, referral, who };
  }

  const form = (who: { cookie: string }, url: string, body: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(body).toString(),
    });

  const get = (who: { cookie: string }, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

  const titles = (html: string) =>
    [...html.matchAll(/<h3 class="govuk-heading-s govuk-!-margin-bottom-1">([^<]*)<\/h3>/g)].map((m) => m[1]);

  it('shows every entry in time order, in words, starting with how the referral arrived', async () => {
    const reference = await completeJourney(new FormClient(t.app), '/refer', publicReferral);
    const [row] = await db().select().from(referrals).where(eq(referrals.reference, reference));
    const officer = await createStaff(db(), { roles: ['prevent_officer'], displayName: 'Alex Officer' });
    await takeReferral(db(), officer.id, row!.id);
    await db().transaction((tx) =>
      changeState(tx, row!.id, {
        from: 'in_triage',
        to: 'awaiting_information',
        author: { kind: 'staff', id: officer.id },
        onHoldUntil: '2027-03-03',
        reason: 'Waiting for the school to reply.',
      }),
    );
    const who = await staffSession(t.app, db(), officer);
    expect(
      (await form(who, `/staff/referrals/${reference}/notes`, { _csrf: who.csrf, note: 'Rang the school.' }))
        .statusCode,
    ).toBe(303);

    const res = await get(who, `/staff/referrals/${reference}/chronology`);
    expect(res.statusCode).toBe(200);
    expect(titles(res.body)).toEqual([
      'Received through the online form',
      'Taken from the queue by Alex Officer',
      'Moved from New to In triage',
      'Moved from In triage to Waiting for information until 3 March 2027',
      'Note',
    ]);
    expect(res.body).toContain('Waiting for the school to reply.');
    expect(res.body).toContain('Rang the school.');
    expect(res.body).not.toContain('onHoldUntil');
    // The registry logged the view.
    const views = await db()
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.action, 'consultation'), eq(accessLog.reference, reference)));
    expect(views.some((v) => (v.detail as { route?: string }).route === '/staff/referrals/:reference/chronology')).toBe(
      true,
    );
  });

  it('adds a note (refusing an empty one with the error summary) and logs it as an alteration', async () => {
    const { referral, who } = await officerWithCase();
    const empty = await form(who, `/staff/referrals/${referral.reference}/notes`, { _csrf: who.csrf, note: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).toContain('Enter the note');
    expect(empty.body).toContain('href="#note"');
    expect(await db().$count(caseEvents, eq(caseEvents.referralId, referral.id))).toBe(0);

    const ok = await form(who, `/staff/referrals/${referral.reference}/notes`, {
      _csrf: who.csrf,
      note: 'Spoke to the DSL.\n\nNo further worries.',
    });
    expect(ok.statusCode).toBe(303);
    const [event] = await db().select().from(caseEvents).where(eq(caseEvents.referralId, referral.id));
    expect(event).toMatchObject({ kind: 'note', body: 'Spoke to the DSL.\n\nNo further worries.' });
    expect(ok.headers.location).toBe(`/staff/referrals/${referral.reference}/chronology#entry-${event!.id}`);
    const alterations = await db()
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.action, 'alteration'), eq(accessLog.reference, referral.reference)));
    expect(alterations).toHaveLength(1);
    expect(alterations[0]!.detail).toMatchObject({ change: 'note-added', event: event!.id });
  });

  it('adds a note to an advice request too', async () => {
    const officer = await createStaff(db(), { roles: ['prevent_officer'] });
    const advice = await createAdvice(db());
    const who = await staffSession(t.app, db(), officer);
    const ok = await form(who, `/staff/advice/${advice.reference}/notes`, { _csrf: who.csrf, note: 'Called back.' });
    expect(ok.statusCode).toBe(303);
    const page = await get(who, `/staff/advice/${advice.reference}/chronology`);
    expect(titles(page.body)).toEqual(['Note']);
  });

  it('corrects an entry with a new entry, never changing the original, linked both ways', async () => {
    const { referral, who } = await officerWithCase();
    await form(who, `/staff/referrals/${referral.reference}/notes`, {
      _csrf: who.csrf,
      note: 'Met the mother on Tuesday.',
    });
    const [note] = await db().select().from(caseEvents).where(eq(caseEvents.referralId, referral.id));
    const url = `/staff/referrals/${referral.reference}/chronology/${note!.id}/correct`;

    const page = await get(who, url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Met the mother on Tuesday.');

    const empty = await form(who, url, { _csrf: who.csrf, correction: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the correction');
    expect(empty.body).toContain('href="#correction"');

    const ok = await form(who, url, { _csrf: who.csrf, correction: 'It was Wednesday, not Tuesday.' });
    expect(ok.statusCode).toBe(303);
    const events = await db()
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.referralId, referral.id))
      .orderBy(caseEvents.id);
    expect(events).toHaveLength(2);
    expect(events[0]!.body).toBe('Met the mother on Tuesday.');
    expect(events[1]).toMatchObject({
      kind: 'correction',
      correctsId: note!.id,
      body: 'It was Wednesday, not Tuesday.',
    });

    const chronology = await get(who, `/staff/referrals/${referral.reference}/chronology`);
    expect(titles(chronology.body)[1]).toMatch(
      /^Correction of the entry of \d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)$/,
    );
    expect(chronology.body).toMatch(/Corrected: see the entry of [^<]+/);
    expect(chronology.body).toContain(`href="#entry-${events[1]!.id}"`);
    expect(chronology.body).toContain(`href="#entry-${note!.id}"`);
  });

  it("refuses to correct another case's entry, an unknown or a non-numeric id (404)", async () => {
    const { referral, who, officer } = await officerWithCase();
    const other = await createReferral(db(), { assignedOfficerId: officer.id });
    await form(who, `/staff/referrals/${other.reference}/notes`, { _csrf: who.csrf, note: 'On the other case.' });
    const [foreign] = await db().select().from(caseEvents).where(eq(caseEvents.referralId, other.id));
    for (const id of [String(foreign!.id), '999999', 'abc', '1e3', '00000000-0000-4000-8000-000000000000']) {
      const url = `/staff/referrals/${referral.reference}/chronology/${id}/correct`;
      expect((await get(who, url)).statusCode, id).toBe(404);
      expect((await form(who, url, { _csrf: who.csrf, correction: 'Sneaky.' })).statusCode, id).toBe(404);
    }
    expect(await db().$count(caseEvents, eq(caseEvents.kind, 'correction'))).toBe(0);
  });

  describe('attachments', () => {
    const upload = (
      who: { cookie: string; csrf?: string },
      reference: string,
      file: Parameters<typeof multipart>[1],
      csrf = true,
    ) => {
      const body = multipart(csrf && who.csrf ? { _csrf: who.csrf } : {}, file);
      return t.app.inject({
        method: 'POST',
        url: `/staff/referrals/${reference}/attachments`,
        headers: { cookie: who.cookie, ...body.headers },
        payload: body.payload,
      });
    };

    it('keeps a PDF named .png as a PDF (the type comes from the content), with its chronology entry and log', async () => {
      const { referral, who } = await officerWithCase();
      const res = await upload(who, referral.reference, {
        field: 'file',
        filename: 'photo.png',
        type: 'image/png',
        data: TINY_PDF,
      });
      expect(res.statusCode).toBe(303);
      const [row] = await db().select().from(attachments).where(eq(attachments.referralId, referral.id));
      expect(row).toMatchObject({
        mediaType: 'application/pdf',
        fileName: 'photo.png',
        sizeBytes: TINY_PDF.length,
        role: 'attachment',
      });
      expect(row!.sha256).toMatch(/^[0-9a-f]{64}$/);
      const [event] = await db().select().from(caseEvents).where(eq(caseEvents.referralId, referral.id));
      expect(event).toMatchObject({ kind: 'attachment', data: { attachmentId: row!.id } });
      const [log] = await db()
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.action, 'alteration'), eq(accessLog.reference, referral.reference)));
      expect(log!.detail).toMatchObject({ change: 'attachment-added', attachment: row!.id });
      const page = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}/chronology`,
        headers: { cookie: who.cookie },
      });
      expect(page.body).toContain('File attached: photo.png');
      expect(page.body).toContain(`/staff/referrals/${referral.reference}/attachments/${row!.id}`);
    });

    it('accepts a PNG and sanitises the file name for display', async () => {
      const { referral, who } = await officerWithCase();
      const res = await upload(who, referral.reference, {
        field: 'file',
        filename: '..\\evil<b>.png',
        type: 'application/octet-stream',
        data: TINY_PNG,
      });
      expect(res.statusCode).toBe(303);
      const [row] = await db().select().from(attachments).where(eq(attachments.referralId, referral.id));
      expect(row).toMatchObject({ mediaType: 'image/png', fileName: 'evil_b_.png' });
    });

    it('refuses an HTML file named .pdf, an empty file, no file and a file over the limit, with a GOV.UK error', async () => {
      const { referral, who } = await officerWithCase();
      const cases: [Parameters<typeof multipart>[1], string][] = [
        [
          { field: 'file', filename: 'form.pdf', type: 'application/pdf', data: HTML_PAGE },
          'must be a PDF, a Word document',
        ],
        [
          { field: 'file', filename: 'empty.pdf', type: 'application/pdf', data: Buffer.alloc(0) },
          'The selected file is empty',
        ],
        [undefined, 'Select a file to attach'],
        [
          {
            field: 'file',
            filename: 'big.pdf',
            type: 'application/pdf',
            data: Buffer.concat([TINY_PDF, Buffer.alloc(10 * 1024 * 1024)]),
          },
          'The selected file must be smaller than 10 MB',
        ],
      ];
      for (const [file, message] of cases) {
        const res = await upload(who, referral.reference, file);
        expect(res.statusCode, message).toBe(400);
        expect(res.body).toContain('govuk-error-summary');
        expect(res.body).toContain(message);
        expect(res.body).toContain('href="#file"');
      }
      expect(await db().$count(attachments)).toBe(0);
      expect(await db().$count(caseEvents)).toBe(0);
    });

    it('refuses an upload without the CSRF token (403) and keeps nothing', async () => {
      const { referral, who } = await officerWithCase();
      const res = await upload(
        who,
        referral.reference,
        { field: 'file', filename: 'a.pdf', type: 'application/pdf', data: TINY_PDF },
        false,
      );
      expect(res.statusCode).toBe(403);
      // The service's own error page, not a bare framework answer.
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const wrong = await upload({ cookie: who.cookie, csrf: 'not-the-token' }, referral.reference, {
        field: 'file',
        filename: 'a.pdf',
        type: 'application/pdf',
        data: TINY_PDF,
      });
      expect(wrong.statusCode).toBe(403);
      expect(await db().$count(attachments)).toBe(0);
    });

    it('sends an upload without a signed-in session to sign in unread, and answers an unreadable one 400 (not 500)', async () => {
      const referral = await createReferral(db(), {});
      // A body the multipart parser would refuse (400): answered 303 instead, so it was never parsed.
      for (const url of [`/staff/referrals/${referral.reference}/attachments`, '/staff/intake/from-email']) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          payload: 'not multipart at all',
        });
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location).toBe('/staff/sign-in?expired=1');
        expect(res.headers.connection).toBe('close');
      }
      // Signed in, the same body is refused as a bad request, on the service's own page.
      const { who } = await officerWithCase();
      const bad = await t.app.inject({
        method: 'POST',
        url: `/staff/referrals/${referral.reference}/attachments`,
        headers: { cookie: who.cookie, 'content-type': 'multipart/form-data; boundary=x' },
        payload: 'not multipart at all',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^text\/html/);
    });

    it('serves the download with safe headers and logs a consultation naming the attachment', async () => {
      const { referral, who } = await officerWithCase();
      await upload(who, referral.reference, {
        field: 'file',
        filename: 'Referral form – Jordan.pdf',
        type: 'application/pdf',
        data: TINY_PDF,
      });
      const [row] = await db().select().from(attachments).where(eq(attachments.referralId, referral.id));
      const res = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}/attachments/${row!.id}`,
        headers: { cookie: who.cookie },
      });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(TINY_PDF)).toBe(true);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="Referral form _ Jordan.pdf"; filename\*=UTF-8''/,
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      const logs = await db()
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.action, 'consultation'), eq(accessLog.reference, referral.reference)));
      expect(logs.filter((l) => (l.detail as { attachment?: string }).attachment === row!.id)).toHaveLength(1);

      const unknown = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}/attachments/00000000-0000-4000-8000-000000000000`,
        headers: { cookie: who.cookie },
      });
      expect(unknown.statusCode).toBe(404);
    });

    it("refuses the download to someone without case.view, and another referral's attachment through this one", async () => {
      const { referral, who, officer } = await officerWithCase();
      await upload(who, referral.reference, {
        field: 'file',
        filename: 'a.pdf',
        type: 'application/pdf',
        data: TINY_PDF,
      });
      const [row] = await db().select().from(attachments).where(eq(attachments.referralId, referral.id));
      const url = `/staff/referrals/${referral.reference}/attachments/${row!.id}`;
      const before = await db().$count(accessLog);
      for (const staff of [
        await createStaff(db(), { roles: ['analyst'] }),
        await createStaff(db(), { roles: ['channel_coordinator'], organisation: 'cumberland' }),
      ]) {
        const other = await staffSession(t.app, db(), staff);
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie: other.cookie } });
        expect(res.statusCode).toBe(403);
        expect(res.body).not.toContain('%PDF');
      }
      expect(await db().$count(accessLog)).toBe(before);
      expect(await organisationId(db(), 'cumberland')).toBeTruthy();
      const second = await createReferral(db(), { assignedOfficerId: officer.id });
      const cross = await t.app.inject({
        method: 'GET',
        url: `/staff/referrals/${second.reference}/attachments/${row!.id}`,
        headers: { cookie: who.cookie },
      });
      expect(cross.statusCode).toBe(404);
    });
  });

  describe('with ATTACHMENTS_DIR set', () => {
    let app: FastifyInstance;
    let database: Database;
    const dir = mkdtempSync(path.join(tmpdir(), 'prevent-attachments-'));
    beforeAll(async () => {
      database = await openTestDatabase(engine);
      await resetDatabase(database);
      ({ app } = await testApp(database, {
        config: testConfig({}, { ATTACHMENTS_DIR: dir, ATTACHMENT_MAX_BYTES: '4096' }),
      }));
    });
    afterAll(async () => {
      await app?.close();
      await database?.close();
    });

    it('writes the bytes to a file named by the attachment id, stores only the path, and serves it back', async () => {
      const officer = await createStaff(database.db, { roles: ['prevent_officer'] });
      const referral = await createReferral(database.db, { assignedOfficerId: officer.id });
      const who = await staffSession(app, database.db, officer);
      const body = multipart(
        { _csrf: who.csrf },
        { field: 'file', filename: 'a.png', type: 'image/png', data: TINY_PNG },
      );
      const res = await app.inject({
        method: 'POST',
        url: `/staff/referrals/${referral.reference}/attachments`,
        headers: { cookie: who.cookie, ...body.headers },
        payload: body.payload,
      });
      expect(res.statusCode).toBe(303);
      const [row] = await database.db.select().from(attachments).where(eq(attachments.referralId, referral.id));
      expect(row!.content).toBeNull();
      expect(row!.storedPath).toBe(path.join(dir, row!.id));
      expect(readFileSync(row!.storedPath!).equals(TINY_PNG)).toBe(true);
      const download = await app.inject({
        method: 'GET',
        url: `/staff/referrals/${referral.reference}/attachments/${row!.id}`,
        headers: { cookie: who.cookie },
      });
      expect(download.rawPayload.equals(TINY_PNG)).toBe(true);

      // The configured limit applies (4 KB here).
      const big = multipart(
        { _csrf: who.csrf },
        {
          field: 'file',
          filename: 'b.pdf',
          type: 'application/pdf',
          data: Buffer.concat([TINY_PDF, Buffer.alloc(5000)]),
        },
      );
      const refused = await app.inject({
        method: 'POST',
        url: `/staff/referrals/${referral.reference}/attachments`,
        headers: { cookie: who.cookie, ...big.headers },
        payload: big.payload,
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('The selected file must be smaller than 4 KB');
    });

    it('removes the file again when its record is not committed', async () => {
      const referral = await createReferral(database.db, {});
      const before = readdirSync(dir).sort();
      // Nobody has this id: the attachment's row breaks its foreign key after the file was written.
      const stranger = { userId: randomUUID(), organisationCode: 'cumbria-police-prevent' };
      await expect(
        addAttachment(database.db, {
          dir,
          referral,
          actor: stranger,
          justification: null,
          fileName: 'orphan.png',
          mediaType: 'image/png',
          bytes: TINY_PNG,
        }),
      ).rejects.toThrow();
      expect(readdirSync(dir).sort()).toEqual(before);
      expect(await database.db.$count(attachments, eq(attachments.referralId, referral.id))).toBe(0);
    });
  });
});
