import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toIsoDate } from '../../../forms/fields.js';
import { londonDate } from '../../../lib/dates.js';
import { formErrorSummary, type FormErrors as FieldErrors } from '../../../forms/kit.js';
import {
  addBankHoliday,
  bankHolidaysFrom,
  lastBankHoliday,
  removeBankHoliday,
  setTriageTarget,
  TARGET_MAX,
  TARGET_MIN,
  triageTarget,
} from './service.js';
import { messages } from '../../../messages.js';
import { formatDay } from '../queue/view-model.js';
import {
  coverageWarning,
  HOLIDAY_NAME_MAX,
  holidayRows,
  parseHolidayForm,
  parseTargetForm,
  settingsPage,
  targetRows,
  type HolidayValues,
  type TargetValues,
} from './view-model.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

export const SETTINGS_URL = `${STAFF_PREFIX}/triage/settings`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const BANNERS: Record<string, string> = {
  target: 'Target changed: it applies to referrals and advice requests that arrive from now on',
  unchanged: 'The target was already that: nothing changed',
  added: 'Bank holiday added',
  removed: 'Bank holiday removed',
};

/**
 * The target for threshold decisions and the bank holidays working days skip, kept by a Prevent supervisor
 * (`triage.settings`). One page with two forms; each POST redirects back to it (Post/Redirect/Get).
 */
export function triageSettingsRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;

  async function page(
    reply: FastifyReply,
    ctx: StaffContext,
    opts: { banner?: string; target?: TargetValues; holiday?: HolidayValues; errors?: FieldErrors } = {},
  ) {
    const now = new Date();
    const today = londonDate(now);
    const [target, holidays, last] = await Promise.all([
      triageTarget(db),
      bankHolidaysFrom(db, today),
      lastBankHoliday(db),
    ]);
    const errors = opts.errors ?? {};
    return ctx.render(Object.keys(errors).length ? reply.code(400) : reply, 'triage/settings/views/index.njk', {
      pageTitle: 'Target for decisions and bank holidays',
      backLink: STAFF_PREFIX,
      banner: opts.banner,
      coverage: coverageWarning(last, now),
      targetRows: targetRows(target),
      targetValues: opts.target ?? { workingDays: '' },
      targetMin: TARGET_MIN,
      targetMax: TARGET_MAX,
      holidays: holidayRows(holidays),
      lastText: last ? formatDay(last) : 'none',
      holidayValues: opts.holiday ?? { 'day-day': '', 'day-month': '', 'day-year': '', name: '' },
      nameMax: HOLIDAY_NAME_MAX,
      errors,
      errorSummary: formErrorSummary(settingsPage, errors),
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: SETTINGS_URL,
    policy: 'triage.settings',
    handler(req, reply, ctx) {
      const done = (req.query as Record<string, unknown>).done;
      return page(reply, ctx, { banner: typeof done === 'string' ? BANNERS[done] : undefined });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${SETTINGS_URL}/target`,
    policy: 'triage.settings',
    async handler(req, reply, ctx) {
      const parsed = parseTargetForm(req.body);
      if (!parsed.ok) return page(reply, ctx, { target: parsed.values, errors: parsed.errors });
      const changed = await setTriageTarget(db, ctx.principal!, parsed.value);
      req.log.info({ user: ctx.principal!.userId, workingDays: parsed.value, changed }, 'triage target set');
      return reply.redirect(`${SETTINGS_URL}?done=${changed ? 'target' : 'unchanged'}`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${SETTINGS_URL}/bank-holidays`,
    policy: 'triage.settings',
    async handler(req, reply, ctx) {
      const parsed = parseHolidayForm(req.body, londonDate(new Date()));
      if (!parsed.ok) return page(reply, ctx, { holiday: parsed.values, errors: parsed.errors });
      const outcome = await addBankHoliday(db, ctx.principal!, parsed.value);
      if (outcome === 'exists') {
        const { day, name } = parsed.value;
        const [y, mo, d] = day.split('-');
        const values = { 'day-day': String(Number(d)), 'day-month': String(Number(mo)), 'day-year': y!, name };
        return page(reply, ctx, { holiday: values, errors: { day: messages.triageSettings.dayTaken } });
      }
      req.log.info({ user: ctx.principal!.userId, day: parsed.value.day }, 'bank holiday added');
      return reply.redirect(`${SETTINGS_URL}?done=added`, 303);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${SETTINGS_URL}/bank-holidays/:day/remove`,
    policy: 'triage.settings',
    async handler(req: FastifyRequest, reply, ctx) {
      const { day } = req.params as { day: string };
      // A real date only (a day the database could not read would be its error, not a 404).
      const [y = '', mo = '', d = ''] = DAY.test(day) ? day.split('-') : [];
      if (toIsoDate({ day: d, month: mo, year: y }) !== day) return notFound(reply, ctx.render);
      if (!(await removeBankHoliday(db, ctx.principal!, day, londonDate(new Date())))) {
        return notFound(reply, ctx.render);
      }
      req.log.info({ user: ctx.principal!.userId, day }, 'bank holiday removed');
      return reply.redirect(`${SETTINGS_URL}?done=removed`, 303);
    },
  });
}
