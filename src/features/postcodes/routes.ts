import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { appendAccessLog } from '../../access-log/queries.js';
import {
  deletePostcodeCouncil,
  findPostcodeCouncil,
  insertPostcodeCouncil,
  listCouncils,
  listPostcodeCouncils,
  updatePostcodeCouncil,
  type CouncilRow,
  type PostcodeCouncilRow,
  type PostcodeKind,
} from './queries.js';
import { messages } from '../../messages.js';
import type { Principal } from '../../policies/index.js';
import { parsePostcode, PREFIX_PATTERN, suggestCouncil, type CouncilSuggestion } from './service.js';
import { formErrorSummary, parseForm, staffForm, type FormErrors as FieldErrors } from '../../forms/kit.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../staff/registry.js';

const m = messages.postcodeCouncils;
export const POSTCODES = `${STAFF_PREFIX}/admin/postcodes`;
const NOTE_MAX = 500;

/** A prefix in a URL: "CA4 9" is written CA4-9. */
export const prefixSlug = (prefix: string): string => prefix.replace(' ', '-');

/** The prefix a URL names ("CA4-9", "ca4-9" or "CA4 9"), or undefined. */
export function prefixFromSlug(slug: unknown): string | undefined {
  if (typeof slug !== 'string' || slug.length > 12) return undefined;
  const prefix = slug
    .trim()
    .toUpperCase()
    .replace(/[-\s]+/g, ' ');
  return PREFIX_PATTERN.test(prefix) ? prefix : undefined;
}

/** What a row suggests, in words (the list, the lookup, the form). */
const KIND_LABELS: Record<PostcodeKind, string> = {
  council: 'One council',
  choose: 'The officer chooses',
  outside: 'Outside Cumbria',
};

/** The banner after a change (PRG: the list is shown again with `?done=…&changed=CA4-9`). */
const DONE: Record<string, (prefix: string) => string> = {
  added: (p) => `${p} added to the table.`,
  changed: (p) => `${p} changed.`,
  removed: (p) =>
    `${p} removed from the table. Postcodes in it are now looked up by their district, if it is in the table.`,
};

/** The forms of the table (staff form kit, src/forms/kit.ts). */
const normalisePrefix = (s: string): string => s.toUpperCase().replace(/\s+/g, ' ');
const isKind = (v: string): v is 'choose' | 'outside' => v === 'choose' || v === 'outside';

/** The form's "suggestion": a council's id, 'choose' or 'outside'; and the note (needed unless it is one council). */
function entryShape(councils: readonly CouncilRow[]) {
  const ids = new Set(councils.map((c) => c.id));
  return {
    suggestion: z.string().refine((v) => isKind(v) || ids.has(v), { message: m.kindMissing }),
    note: z.string().max(NOTE_MAX, m.noteTooLong),
  };
}

function noteNeeded(v: { suggestion: string; note: string }, issue: (field: string, message: string) => void): void {
  if (isKind(v.suggestion) && !v.note) issue('note', m.noteMissing);
}

const entryForm = (councils: readonly CouncilRow[]) => staffForm(entryShape(councils), { check: noteNeeded });

/** Adding a row: the district or sector too (shown again as typed; stored upper-case, single spaces). */
const newEntryForm = (councils: readonly CouncilRow[]) =>
  staffForm(
    {
      prefix: z
        .string()
        .min(1, m.prefixMissing)
        .refine((p) => !p || PREFIX_PATTERN.test(normalisePrefix(p)), m.prefixFormat),
      ...entryShape(councils),
    },
    { check: noteNeeded, clean: { prefix: (p) => p.slice(0, 20) } },
  );

/** What a valid entry stores. */
function entryOf(v: { suggestion: string; note: string }) {
  return {
    kind: (isKind(v.suggestion) ? v.suggestion : 'council') as PostcodeKind,
    organisationId: isKind(v.suggestion) ? null : v.suggestion,
    note: v.note || null,
  };
}

const lookupForm = staffForm(
  {
    postcode: z
      .string()
      .min(1, m.postcodeMissing)
      .refine((p) => !p || parsePostcode(p) !== null, m.postcodeFormat),
  },
  { clean: { postcode: (p) => p.slice(0, 20) } },
);
const listPage = staffForm({}, { order: ['postcode', 'prefix'] });
const deleteForm = (prefix: string) =>
  staffForm({ confirm: z.enum(['yes', 'no'], { message: `Select yes if you want to remove ${prefix}` }) });

interface FormValues {
  prefix: string;
  suggestion: string;
  note: string;
}

/**
 * The postcode-to-council table (docs/adr/0017): the list with a filter and a lookup box, adding, changing and removing
 * a district or sector. Reference data: the administrator's, and a Prevent supervisor may correct it. Every change is
 * written to the access log in the transaction that makes it.
 */
export function postcodeRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;
  const policy = 'reference.postcodes' as const;

  const log = (tx: Db, p: Principal, detail: { prefix: string; change: string } & Record<string, unknown>) =>
    appendAccessLog(tx, {
      action: 'alteration',
      recordType: 'postcode_council',
      actorType: 'staff',
      actorId: p.userId,
      organisation: p.organisationCode,
      channel: 'staff-web',
      detail,
    });

  const describe = (row: Pick<PostcodeCouncilRow, 'kind' | 'council'>) =>
    row.kind === 'council' ? (row.council?.name ?? 'Unknown council') : KIND_LABELS[row.kind];

  // --- The list, its filter and the lookup box ------------------------------------------------------------------------

  const renderList = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    lookup: { postcode: string; result?: CouncilSuggestion; error?: string } = { postcode: '' },
  ) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const rawFilter = typeof query.prefix === 'string' ? query.prefix.trim().toUpperCase().slice(0, 20) : '';
    const filterOk = rawFilter === '' || /^[A-Z]{1,2}([0-9][0-9A-Z]?( [0-9]?)?)?$/.test(rawFilter.replace(/\s+/g, ' '));
    const filter = filterOk ? rawFilter.replace(/\s+/g, ' ') : '';
    const errors: FieldErrors = {};
    if (!filterOk) errors.prefix = m.filterFormat;
    if (lookup.error) errors.postcode = lookup.error;
    const rows = await listPostcodeCouncils(db, { startsWith: filter || undefined });
    const done = typeof query.done === 'string' ? DONE[query.done] : undefined;
    const changed = prefixFromSlug(query.changed);
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'postcodes/views/index.njk', {
      pageTitle: 'Postcodes and councils',
      rows: rows.map((r) => ({
        ...r,
        slug: prefixSlug(r.prefix),
        kindLabel: KIND_LABELS[r.kind],
        councilName: r.council?.name ?? null,
      })),
      filter: filterOk ? filter : rawFilter,
      filtered: filterOk && filter !== '',
      done: done && changed ? done(changed) : undefined,
      lookup: { postcode: lookup.postcode, result: lookup.result && describeSuggestion(lookup.result) },
      errors,
      errorSummary: formErrorSummary(listPage, errors),
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: POSTCODES,
    policy,
    handler: (req, reply, ctx) => renderList(req, reply, ctx),
  });

  // A POST so that a person's postcode never appears in a web address (or the server's request log).
  staffRoute(app, deps, {
    method: 'POST',
    url: `${POSTCODES}/lookup`,
    policy,
    async handler(req, reply, ctx) {
      const form = parseForm(lookupForm, req.body);
      const value = form.values.postcode;
      if (!form.ok) return renderList(req, reply, ctx, { postcode: value, error: form.errors.postcode });
      const parsed = parsePostcode(value)!;
      const result = await suggestCouncil(db, value);
      return renderList(req, reply, ctx, { postcode: parsed.postcode ?? value.toUpperCase(), result });
    },
  });

  // --- Adding a district or sector ------------------------------------------------------------------------------------

  /** The radios: each active council (and the row's own, if it is no longer active), then "choose" and "outside". */
  const suggestionItems = (councils: readonly CouncilRow[], chosen: string) => [
    ...councils.map((c) => ({
      value: c.id,
      text: c.active ? c.name : `${c.name} (no longer active)`,
      checked: chosen === c.id,
    })),
    { divider: 'or' },
    {
      value: 'choose',
      text: KIND_LABELS.choose,
      hint: { text: 'The postcode is split between councils, or you are not sure. Say which councils in the note.' },
      checked: chosen === 'choose',
    },
    {
      value: 'outside',
      text: KIND_LABELS.outside,
      hint: { text: 'The postcode is outside Cumbria. The officer can still choose a council.' },
      checked: chosen === 'outside',
    },
  ];

  const councilsFor = async (row?: PostcodeCouncilRow) => {
    const councils = await listCouncils(db);
    return councils.filter((c) => c.active || c.id === row?.council?.id);
  };

  const renderForm = async (
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { row?: PostcodeCouncilRow; values: FormValues; errors?: FieldErrors },
  ) => {
    const errors = opts.errors ?? {};
    const councils = await councilsFor(opts.row);
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'postcodes/views/form.njk', {
      pageTitle: opts.row ? `Change ${opts.row.prefix}` : 'Add a postcode district or sector',
      backLink: POSTCODES,
      row: opts.row ? { ...opts.row, slug: prefixSlug(opts.row.prefix), description: describe(opts.row) } : undefined,
      action: opts.row ? `${POSTCODES}/${prefixSlug(opts.row.prefix)}` : `${POSTCODES}/new`,
      values: opts.values,
      items: suggestionItems(councils, opts.values.suggestion),
      noteMax: NOTE_MAX,
      errors,
      errorSummary: formErrorSummary(newEntryForm([]), errors),
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: `${POSTCODES}/new`,
    policy,
    handler(req, reply, ctx) {
      const query = (req.query ?? {}) as Record<string, unknown>;
      return renderForm(reply, ctx, {
        values: { prefix: prefixFromSlug(query.prefix) ?? '', suggestion: '', note: '' },
      });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${POSTCODES}/new`,
    policy,
    async handler(req, reply, ctx) {
      const principal = ctx.principal!;
      const councils = await councilsFor();
      const form = parseForm(newEntryForm(councils), req.body);
      const values = form.values;
      if (!form.ok) return renderForm(reply, ctx, { values, errors: form.errors });
      const prefix = { data: normalisePrefix(values.prefix) };
      const entry = { data: entryOf(values) };
      const added = await db.transaction(async (tx) => {
        const ok = await insertPostcodeCouncil(tx, prefix.data, { ...entry.data, updatedBy: principal.userId });
        if (ok) await log(tx, principal, { prefix: prefix.data, change: 'added', ...after(entry.data, councils) });
        return ok;
      });
      if (!added) return renderForm(reply, ctx, { values, errors: { prefix: m.prefixTaken(prefix.data) } });
      req.log.info({ prefix: prefix.data, by: principal.userId }, 'postcode council added');
      return reply.redirect(`${POSTCODES}?done=added&changed=${prefixSlug(prefix.data)}`, 303);
    },
  });

  // --- Changing and removing one row ----------------------------------------------------------------------------------

  /** The row the URL names, or the 404 page. */
  const withRow = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    then: (row: PostcodeCouncilRow) => Promise<unknown> | unknown,
  ) => {
    const prefix = prefixFromSlug((req.params as { prefix?: string }).prefix);
    const row = prefix ? await findPostcodeCouncil(db, prefix) : undefined;
    if (!row) return notFound(reply, ctx.render);
    return then(row);
  };

  const valuesOf = (row: PostcodeCouncilRow): FormValues => ({
    prefix: row.prefix,
    suggestion: row.kind === 'council' ? (row.council?.id ?? '') : row.kind,
    note: row.note ?? '',
  });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${POSTCODES}/:prefix`,
    policy,
    handler(req, reply, ctx) {
      return withRow(req, reply, ctx, (row) => renderForm(reply, ctx, { row, values: valuesOf(row) }));
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${POSTCODES}/:prefix`,
    policy,
    handler(req, reply, ctx) {
      return withRow(req, reply, ctx, async (row) => {
        const principal = ctx.principal!;
        const councils = await councilsFor(row);
        const form = parseForm(entryForm(councils), req.body);
        const values = { prefix: row.prefix, ...form.values };
        if (!form.ok) return renderForm(reply, ctx, { row, values, errors: form.errors });
        const entry = { data: entryOf(form.values) };
        const changed = await db.transaction(async (tx) => {
          const ok = await updatePostcodeCouncil(tx, row.prefix, { ...entry.data, updatedBy: principal.userId });
          if (ok)
            await log(tx, principal, {
              prefix: row.prefix,
              change: 'changed',
              before: before(row),
              ...after(entry.data, councils),
            });
          return ok;
        });
        if (!changed) return notFound(reply, ctx.render);
        req.log.info({ prefix: row.prefix, by: principal.userId }, 'postcode council changed');
        return reply.redirect(`${POSTCODES}?done=changed&changed=${prefixSlug(row.prefix)}`, 303);
      });
    },
  });

  const renderDelete = (reply: FastifyReply, ctx: StaffContext, row: PostcodeCouncilRow, errors: FieldErrors = {}) =>
    ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'postcodes/views/delete.njk', {
      pageTitle: `Remove ${row.prefix} from the table`,
      backLink: `${POSTCODES}/${prefixSlug(row.prefix)}`,
      row: { ...row, slug: prefixSlug(row.prefix), description: describe(row) },
      errors,
      errorSummary: formErrorSummary(deleteForm(row.prefix), errors),
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: `${POSTCODES}/:prefix/delete`,
    policy,
    handler(req, reply, ctx) {
      return withRow(req, reply, ctx, (row) => renderDelete(reply, ctx, row));
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${POSTCODES}/:prefix/delete`,
    policy,
    handler(req, reply, ctx) {
      return withRow(req, reply, ctx, async (row) => {
        const principal = ctx.principal!;
        const confirm = parseForm(deleteForm(row.prefix), req.body);
        if (!confirm.ok) return renderDelete(reply, ctx, row, confirm.errors);
        if (confirm.values.confirm === 'no') return reply.redirect(`${POSTCODES}/${prefixSlug(row.prefix)}`, 303);
        const removed = await db.transaction(async (tx) => {
          const ok = await deletePostcodeCouncil(tx, row.prefix);
          if (ok) await log(tx, principal, { prefix: row.prefix, change: 'removed', before: before(row) });
          return ok;
        });
        if (!removed) return notFound(reply, ctx.render);
        req.log.info({ prefix: row.prefix, by: principal.userId }, 'postcode council removed');
        return reply.redirect(`${POSTCODES}?done=removed&changed=${prefixSlug(row.prefix)}`, 303);
      });
    },
  });
}

/** For the access log: what a row said (codes, never free text). */
function before(row: PostcodeCouncilRow): { kind: PostcodeKind; council: string | null } {
  return { kind: row.kind, council: row.council?.code ?? null };
}

function after(
  entry: { kind: PostcodeKind; organisationId: string | null },
  councils: readonly CouncilRow[],
): { kind: PostcodeKind; council: string | null } {
  return { kind: entry.kind, council: councils.find((c) => c.id === entry.organisationId)?.code ?? null };
}

/** The lookup's answer, for the page. */
function describeSuggestion(s: CouncilSuggestion): { heading: string; lines: string[] } {
  switch (s.kind) {
    case 'council':
      return {
        heading: s.organisation.name,
        lines: [`From ${s.prefix} in the table.`, ...(s.note ? [s.note] : [])],
      };
    case 'choose':
      return {
        heading: 'The officer chooses the council',
        lines: [
          `From ${s.prefix} in the table.`,
          ...(s.note ? [s.note] : []),
          `Councils to choose from: ${s.options.map((o) => o.name).join(', ') || 'none active'}.`,
        ],
      };
    case 'outside':
      return {
        heading: 'Outside Cumbria',
        lines: [
          `From ${s.prefix} in the table.`,
          ...(s.note ? [s.note] : []),
          'The officer can still choose a council.',
        ],
      };
    case 'unknown':
      return {
        heading: 'Not in the table',
        lines: ['Neither the postcode’s sector nor its district is in the table: the officer chooses the council.'],
      };
  }
}
