import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { appendAccessLog } from '../../access-log/queries.js';
import { endAllSessions, listActiveSessions } from '../../staff/sessions.js';
import {
  clearSecondFactor,
  findAccountById,
  insertOrganisation,
  listAccounts,
  listOrganisations,
  replaceRoles,
  setAccountStatus,
  type StaffAccount,
} from '../../staff/users.js';
import { ORGANISATION_KINDS, ROLES, type Role } from '../../db/schema/index.js';
import { messages } from '../../messages.js';
import type { Principal } from '../../policies/index.js';
import {
  createAccount,
  EMAIL_PATTERN,
  isRole,
  ORGANISATION_KIND_LABELS,
  queueResetEmail,
  ROLE_HINTS,
  ROLE_LABELS,
  roleMismatch,
} from './service.js';
import { z } from 'zod';
import { formErrorSummary, parseForm, readList, staffForm } from '../../forms/kit.js';
import { notFound, STAFF_PREFIX, staffRoute, type StaffContext, type StaffDeps } from '../../staff/registry.js';

const m = messages.staffAccounts;

/** The admin forms (staff form kit, src/forms/kit.ts); roles are checkboxes, read with `readList`. */
const newAccountForm = staffForm(
  {
    displayName: z.string().min(1, m.nameMissing).max(100, m.nameTooLong),
    email: z
      .string()
      .min(1, m.staffEmailMissing)
      .refine((e) => !e || (EMAIL_PATTERN.test(e) && e.length <= 320), messages.email),
    organisation: z.string().min(1, m.organisationMissing),
  },
  {
    order: ['displayName', 'email', 'organisation', 'roles'],
    clean: { organisation: (id) => (UUID.test(id) ? id : '') },
    inputMax: 4096,
  },
);
const accountPage = staffForm({}, { order: ['roles', 'disable-account'] });
const organisationForm = staffForm(
  {
    name: z.string().min(1, m.orgNameMissing).max(200, m.orgNameTooLong),
    code: z
      .string()
      .min(1, m.orgCodeMissing)
      .refine((c) => !c || /^[a-z0-9][a-z0-9-]{1,62}$/.test(c), m.orgCodeFormat),
    kind: z.enum(ORGANISATION_KINDS, { message: m.orgKindMissing }),
  },
  { clean: { code: (c) => c.toLowerCase() }, inputMax: 4096 },
);
const ADMIN = `${STAFF_PREFIX}/admin`;
const USERS = `${ADMIN}/users`;
const ORGANISATIONS = `${ADMIN}/organisations`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a change did, for the notification banner on the account's page. */
const DONE: Record<string, string> = {
  created: 'Account created. We have sent them an email with a link to choose their password.',
  roles: 'Roles saved.',
  disabled: 'Account disabled. They have been signed out everywhere.',
  enabled: 'Account enabled.',
  'second-factor': 'Second factor reset. They will set up an authenticator app at their next sign-in.',
  sessions: 'All their sessions have ended.',
  'reset-link': 'We have sent them an email with a link to choose a new password.',
};

type Change = 'roles' | 'disabled' | 'enabled' | 'second-factor-reset' | 'sessions-ended' | 'reset-link-sent';

/**
 * Administration: accounts (create, roles, disable and enable, second factor, sessions, reset links) and
 * organisations. An administrator manages accounts and reference data and sees no case data. Every change is written to
 * the access log in the transaction that makes it.
 */
export function adminRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db, config } = deps;

  const log = (tx: Db, p: Principal, recordType: string, recordId: string, detail: Record<string, unknown>) =>
    appendAccessLog(tx, {
      action: 'alteration',
      recordType,
      recordId,
      actorType: 'staff',
      actorId: p.userId,
      organisation: p.organisationCode,
      channel: 'staff-web',
      detail,
    });

  const userIdOf = (req: FastifyRequest): string | undefined => {
    const id = (req.params as { id?: string }).id ?? '';
    return UUID.test(id) ? id.toLowerCase() : undefined;
  };

  /** The account the route is about, or the 404 page. */
  const withAccount = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    then: (account: StaffAccount) => Promise<unknown> | unknown,
  ) => {
    const id = userIdOf(req);
    const account = id ? await findAccountById(db, id) : undefined;
    if (!account) return notFound(reply, ctx.render);
    return then(account);
  };

  const roleItems = (checked: readonly string[]) =>
    ROLES.map((role) => ({
      value: role,
      text: ROLE_LABELS[role],
      hint: { text: ROLE_HINTS[role] },
      checked: checked.includes(role),
    }));

  // --- Accounts -------------------------------------------------------------------------------------------------------

  staffRoute(app, deps, {
    method: 'GET',
    url: USERS,
    policy: 'admin.manage',
    async handler(_req, reply, ctx) {
      const accounts = await listAccounts(db);
      return ctx.render(reply, 'admin/views/users.njk', {
        pageTitle: 'Accounts',
        accounts: accounts.map((a) => ({ ...a, roleLabels: a.roles.map((r) => ROLE_LABELS[r]) })),
      });
    },
  });

  const renderNew = async (
    reply: FastifyReply,
    ctx: StaffContext,
    values: { displayName: string; email: string; organisation: string; roles: string[] },
    errors: Record<string, string> = {},
  ) => {
    const organisations = await listOrganisations(db, { activeOnly: true });
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'admin/views/user-new.njk', {
      pageTitle: 'Add an account',
      values,
      errors,
      errorSummary: formErrorSummary(newAccountForm, errors),
      organisations: [
        { value: '', text: 'Choose an organisation', selected: values.organisation === '' },
        ...organisations.map((o) => ({
          value: o.id,
          text: `${o.name} (${ORGANISATION_KIND_LABELS[o.kind]})`,
          selected: o.id === values.organisation,
        })),
      ],
      roleItems: roleItems(values.roles),
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: `${USERS}/new`,
    policy: 'admin.manage',
    handler(_req, reply, ctx) {
      return renderNew(reply, ctx, { displayName: '', email: '', organisation: '', roles: [] });
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: `${USERS}/new`,
    policy: 'admin.manage',
    async handler(req, reply, ctx) {
      const principal = ctx.principal!;
      const form = parseForm(newAccountForm, req.body);
      const values = { ...form.values, roles: readList(req.body, 'roles') };
      const roles = values.roles.filter(isRole);
      if (!form.ok) return renderNew(reply, ctx, values, form.errors);
      const result = await createAccount(
        db,
        config,
        { email: values.email, displayName: values.displayName, organisationId: values.organisation, roles },
        { type: 'staff', id: principal.userId, organisation: principal.organisationCode, channel: 'staff-web' },
        { sendEmail: true },
      );
      if (!result.ok) return renderNew(reply, ctx, values, { [result.field]: result.message });
      if (result.outboxId) app.notifyOutbox([result.outboxId]);
      req.log.info({ user: result.userId, by: principal.userId, roles }, 'staff account created');
      return reply.redirect(`${USERS}/${result.userId}?done=created`, 303);
    },
  });

  const renderUser = async (
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: StaffContext,
    account: StaffAccount,
    opts: { errors?: Record<string, string>; roles?: string[] } = {},
  ) => {
    const errors = opts.errors ?? {};
    const done = String(((req.query ?? {}) as Record<string, unknown>).done ?? '');
    return ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'admin/views/user.njk', {
      pageTitle: account.displayName,
      backLink: USERS,
      account,
      isSelf: account.id === ctx.principal!.userId,
      roleLabels: account.roles.map((r) => ROLE_LABELS[r]),
      roleItems: roleItems(opts.roles ?? account.roles),
      organisationKind: ORGANISATION_KIND_LABELS[account.organisationKind],
      sessions: await listActiveSessions(db, account.id, config.staff.idleMinutes),
      done: DONE[done],
      errors,
      errorSummary: formErrorSummary(accountPage, errors),
      action: `${USERS}/${account.id}`,
    });
  };

  staffRoute(app, deps, {
    method: 'GET',
    url: `${USERS}/:id`,
    policy: 'admin.manage',
    handler(req, reply, ctx) {
      return withAccount(req, reply, ctx, (account) => renderUser(req, reply, ctx, account));
    },
  });

  /** One POST route that changes an account: runs `change` in a transaction with its log entry, then shows the page. */
  const accountChange = (
    path: string,
    change: Change,
    done: keyof typeof DONE,
    run: (
      tx: Db,
      account: StaffAccount,
      principal: Principal,
      req: FastifyRequest,
    ) => Promise<{
      error?: Record<string, string>;
      roles?: string[];
      detail?: Record<string, unknown>;
      outbox?: string;
    }>,
  ) =>
    staffRoute(app, deps, {
      method: 'POST',
      url: `${USERS}/:id/${path}`,
      policy: 'admin.manage',
      handler(req, reply, ctx) {
        return withAccount(req, reply, ctx, async (account) => {
          const principal = ctx.principal!;
          const outcome = await db.transaction(async (tx) => {
            const result = await run(tx, account, principal, req);
            if (!result.error) await log(tx, principal, 'staff_user', account.id, { change, ...result.detail });
            return result;
          });
          if (outcome.error)
            return renderUser(req, reply, ctx, account, { errors: outcome.error, roles: outcome.roles });
          if (outcome.outbox) app.notifyOutbox([outcome.outbox]);
          req.log.info({ user: account.id, by: principal.userId, change }, 'staff account changed');
          return reply.redirect(`${USERS}/${account.id}?done=${done}`, 303);
        });
      },
    });

  accountChange('roles', 'roles', 'roles', async (tx, account, principal, req) => {
    const chosen = readList(req.body, 'roles');
    const roles: Role[] = chosen.filter(isRole);
    const mismatch = roleMismatch(roles, account.organisationKind);
    if (mismatch) return { error: { roles: mismatch }, roles: chosen };
    if (account.id === principal.userId && account.roles.includes('administrator') && !roles.includes('administrator'))
      return { error: { roles: m.ownAdministrator }, roles: chosen };
    const { added, removed } = await replaceRoles(tx, account.id, roles, principal.userId);
    return { detail: { added, removed } };
  });

  accountChange('disable', 'disabled', 'disabled', async (tx, account, principal) => {
    if (account.id === principal.userId) return { error: { 'disable-account': m.ownDisable } };
    await setAccountStatus(tx, account.id, 'disabled');
    const sessions = await endAllSessions(tx, account.id, 'disabled');
    return { detail: { sessionsEnded: sessions } };
  });

  accountChange('enable', 'enabled', 'enabled', async (tx, account) => {
    await setAccountStatus(tx, account.id, 'active');
    return {};
  });

  accountChange('reset-second-factor', 'second-factor-reset', 'second-factor', async (tx, account) => {
    await clearSecondFactor(tx, account.id);
    const sessions = await endAllSessions(tx, account.id, 'second-factor-reset');
    return { detail: { sessionsEnded: sessions } };
  });

  accountChange('sessions/end-all', 'sessions-ended', 'sessions', async (tx, account) => {
    const sessions = await endAllSessions(tx, account.id, 'ended-by-administrator');
    return { detail: { sessionsEnded: sessions } };
  });

  accountChange('send-reset-link', 'reset-link-sent', 'reset-link', async (tx, account) => {
    if (account.status !== 'active') return {};
    return { outbox: await queueResetEmail(tx, config, account.id, account.email) };
  });

  // --- Organisations --------------------------------------------------------------------------------------------------

  const renderOrganisations = async (
    reply: FastifyReply,
    ctx: StaffContext,
    values: { code: string; name: string; kind: string },
    errors: Record<string, string> = {},
    added = false,
  ) =>
    ctx.render(reply.code(Object.keys(errors).length ? 400 : 200), 'admin/views/organisations.njk', {
      pageTitle: 'Organisations',
      organisations: (await listOrganisations(db)).map((o) => ({ ...o, kindLabel: ORGANISATION_KIND_LABELS[o.kind] })),
      values,
      errors,
      errorSummary: formErrorSummary(organisationForm, errors),
      kinds: [
        { value: '', text: 'Choose a kind', selected: values.kind === '' },
        ...ORGANISATION_KINDS.map((k) => ({
          value: k,
          text: ORGANISATION_KIND_LABELS[k],
          selected: k === values.kind,
        })),
      ],
      added,
    });

  staffRoute(app, deps, {
    method: 'GET',
    url: ORGANISATIONS,
    policy: 'admin.manage',
    handler(req, reply, ctx) {
      const added = ((req.query ?? {}) as Record<string, unknown>).done === 'added';
      return renderOrganisations(reply, ctx, { code: '', name: '', kind: '' }, {}, added);
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: ORGANISATIONS,
    policy: 'admin.manage',
    async handler(req, reply, ctx) {
      const principal = ctx.principal!;
      const form = parseForm(organisationForm, req.body);
      const values = form.values;
      if (!form.ok) return renderOrganisations(reply, ctx, values, form.errors);
      const { kind } = form.values;
      const id = await db.transaction(async (tx) => {
        const newId = await insertOrganisation(tx, { code: values.code, name: values.name, kind });
        if (newId) await log(tx, principal, 'organisation', newId, { change: 'created', code: values.code, kind });
        return newId;
      });
      if (!id) return renderOrganisations(reply, ctx, values, { code: m.orgCodeTaken });
      req.log.info({ organisation: values.code, by: principal.userId }, 'organisation added');
      return reply.redirect(`${ORGANISATIONS}?done=added`, 303);
    },
  });
}
