import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  accessLogBatches,
  accessLogFilterChoices,
  appendAccessLog,
  countAccessLog,
  searchAccessLog,
  type AccessLogFilters,
} from '../../access-log/queries.js';
import { messages } from '../../messages.js';
import type { Principal } from '../../policies/index.js';
import { ACCESS_LOG_CSV_HEADER, accessLogCsvLine, csvLine } from './csv.js';
import {
  filtersForLog,
  normaliseReference,
  parseCursor,
  parseFilters,
  REFERENCE_PATTERN,
  type ParsedFilters,
} from './filters.js';
import { personRecordIds, type PersonRecord } from './person.js';
import { chainStatus } from '../../access-log/seal.js';
import { verifyChain } from '../../access-log/verify.js';
import {
  chainModel,
  countText,
  entryView,
  errorList,
  filterFormModel,
  paginationModel,
  type CheckSummary,
} from './view-model.js';
import { referenceInputModel } from '../../views/reference-field.js';
import { STAFF_PREFIX, staffRoute, type StaffDeps } from '../../staff/registry.js';

const AUDIT = `${STAFF_PREFIX}/audit`;
const COUNT_CAP = 10_000;
/** The last on-demand verification, between the POST that ran it and the page that shows it (ids and counts only). */
const CHECK_COOKIE = 'prevent_audit_check';
const CHECK_PROBLEMS_KEPT = 10;

/**
 * The data protection officer's oversight of the DPA 2018 s.62 log: search and read it, export it, see every access to
 * one person's records, and check its hash chain. Filters are ids, references, codes and dates (never a name), so
 * query strings are safe in addresses and server logs. Reading the log about a person, and every export, is itself
 * recorded in the log.
 */
export function auditRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;

  async function parse(
    req: FastifyRequest,
  ): Promise<{ parsed: ParsedFilters; choices: Awaited<ReturnType<typeof accessLogFilterChoices>> }> {
    const choices = await accessLogFilterChoices(db);
    const parsed = parseFilters(req.query, {
      staffIds: new Set(choices.staff.map((s) => s.id)),
      organisationCodes: new Set(choices.organisations.map((o) => o.code)),
    });
    return { parsed, choices };
  }

  const logged = (
    principal: Principal,
    entry: { recordType: string; recordId?: string | null; reference?: string | null; detail: Record<string, unknown> },
  ) =>
    appendAccessLog(db, {
      action: 'consultation',
      recordType: entry.recordType,
      recordId: entry.recordId ?? null,
      reference: entry.reference ?? null,
      actorType: 'staff',
      actorId: principal.userId,
      organisation: principal.organisationCode,
      channel: 'staff-web',
      detail: entry.detail,
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: AUDIT,
    policy: 'audit.read',
    async handler(req, reply, { render }) {
      const { parsed, choices } = await parse(req);
      const form = filterFormModel(parsed, choices);
      const hasErrors = Object.keys(parsed.errors).length > 0;
      if (hasErrors) {
        return render(reply.code(400), 'audit/views/index.njk', {
          pageTitle: 'Access log',
          errorSummary: errorList(parsed.errors),
          form,
          anyFilter: parsed.any,
        });
      }
      const page = await searchAccessLog(db, parsed.filters, parseCursor(req.query));
      const count = await countAccessLog(db, parsed.filters, COUNT_CAP);
      return render(reply, 'audit/views/index.njk', {
        pageTitle: 'Access log',
        form,
        anyFilter: parsed.any,
        countText: countText(count, COUNT_CAP),
        entries: page.entries.map(entryView),
        pagination: paginationModel(page, AUDIT, parsed.query),
        exportHref: `${AUDIT}/export.csv${parsed.query ? `?${parsed.query}` : ''}`,
      });
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${AUDIT}/export.csv`,
    policy: 'audit.export',
    async handler(req, reply, { principal }) {
      const { parsed } = await parse(req);
      if (Object.keys(parsed.errors).length > 0) return reply.redirect(`${AUDIT}?${parsed.query}`, 303);
      let filters: AccessLogFilters = parsed.filters;
      // ?person=REF: every entry about that person's records (the export of the "one person" page).
      const personRaw = (req.query as Record<string, unknown>).person;
      if (typeof personRaw === 'string' && personRaw !== '') {
        const reference = normaliseReference(personRaw);
        const records = await personRecordIds(db, reference);
        if (!records)
          return reply.redirect(`${AUDIT}/person?reference=${encodeURIComponent(reference.slice(0, 20))}`, 303);
        filters = { ...filters, records: records.map(({ recordType, recordId }) => ({ recordType, recordId })) };
      }
      await logged(principal!, {
        recordType: 'access_log',
        detail: { route: `${AUDIT}/export.csv`, filters: filtersForLog(filters) },
      });
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="access-log-${stamp}.csv"`);
      return reply.send(Readable.from(csvRows(deps, filters)));
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${AUDIT}/person`,
    policy: 'audit.read',
    async handler(req, reply, { principal, render }) {
      const query = req.query as Record<string, unknown>;
      const raw = typeof query.reference === 'string' ? query.reference.slice(0, 100).trim() : undefined;
      if (raw === undefined) return render(reply, 'audit/views/person.njk', personPage(''));
      const reference = normaliseReference(raw);
      const error = !reference
        ? messages.audit.referenceMissing
        : !REFERENCE_PATTERN.test(reference)
          ? messages.audit.referenceFormat
          : undefined;
      const records = error ? null : await personRecordIds(db, reference);
      if (error || !records) {
        const text = error ?? messages.audit.referenceUnknown;
        return render(reply.code(400), 'audit/views/person.njk', {
          ...personPage(raw, text),
          errorSummary: [{ text, href: '#reference' }],
        });
      }
      // The officer reading who accessed a person's records is an access to those records too.
      for (const r of records)
        await logged(principal!, {
          recordType: r.recordType,
          recordId: r.recordId,
          reference: r.reference,
          detail: { route: `${AUDIT}/person`, basis: 'role:dpo' },
        });
      const filters: AccessLogFilters = {
        records: records.map(({ recordType, recordId }) => ({ recordType, recordId })),
      };
      const page = await searchAccessLog(db, filters, parseCursor(req.query));
      const count = await countAccessLog(db, filters, COUNT_CAP);
      const q = `reference=${encodeURIComponent(reference)}`;
      return render(reply, 'audit/views/person.njk', {
        ...personPage(reference),
        records: records.map(recordLabel),
        countText: countText(count, COUNT_CAP),
        entries: page.entries.map(entryView),
        pagination: paginationModel(page, `${AUDIT}/person`, q),
        exportHref: `${AUDIT}/export.csv?person=${encodeURIComponent(reference)}`,
      });
    },
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${AUDIT}/chain`,
    policy: 'audit.read',
    async handler(req, reply, { render }) {
      const status = await chainStatus(db);
      return render(reply, 'audit/views/chain.njk', {
        pageTitle: 'Hash chain',
        chain: chainModel(status, readCheck(req)),
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${AUDIT}/chain/verify`,
    policy: 'audit.read',
    rateLimit: { max: 10, timeWindow: '1 minute' },
    async handler(_req, reply) {
      const grace = Math.max(60, 6 * deps.config.auditSealSeconds);
      const result = await verifyChain(db, { unsealedGraceSeconds: grace });
      const summary: CheckSummary = {
        at: new Date().toISOString(),
        ok: result.ok,
        checked: result.checked,
        lastSeq: result.lastSeq,
        anchor: result.anchor,
        problemCount: result.problemCount,
        unsealed: result.unsealed,
        grace,
        problems: result.problems.slice(0, CHECK_PROBLEMS_KEPT),
      };
      reply.setCookie(CHECK_COOKIE, Buffer.from(JSON.stringify(summary)).toString('base64url'), {
        path: AUDIT,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        signed: true,
        maxAge: 3600,
      });
      return reply.redirect(`${AUDIT}/chain`, 303);
    },
  });

  function readCheck(req: FastifyRequest): CheckSummary | undefined {
    const raw = req.cookies[CHECK_COOKIE];
    if (!raw) return undefined;
    const unsigned = req.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    try {
      return JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as CheckSummary;
    } catch {
      return undefined;
    }
  }
}

function personPage(value: string, error?: string): Record<string, unknown> {
  return {
    pageTitle: 'Every access to one person’s records',
    reference: {
      ...referenceInputModel(value, error),
      hint: { text: 'The reference of a referral or advice request: 8 letters and numbers, like 7KM3PQ2D' },
    },
  };
}

function recordLabel(r: PersonRecord): string {
  return `${r.recordType === 'referral' ? 'Referral' : 'Advice request'} ${r.reference}`;
}

async function* csvRows(deps: StaffDeps, filters: AccessLogFilters): AsyncGenerator<string> {
  // A byte order mark, so that spreadsheet programs read the file as UTF-8.
  yield `\uFEFF${csvLine(ACCESS_LOG_CSV_HEADER)}`;
  for await (const batch of accessLogBatches(deps.db, filters, 1000)) {
    yield batch.map(accessLogCsvLine).join('');
  }
}
