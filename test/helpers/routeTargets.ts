import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/client.js';
import { bankHolidays, explanations, handovers, ORGANISATION_KINDS, ROLES } from '../../src/db/schema/index.js';
import { adviceScope, referralScope } from '../../src/policies/case-scope.js';
import { createPasswordReset } from '../../src/staff/users.js';
import { insertPostcodeCouncil, listPostcodeCouncils } from '../../src/features/postcodes/queries.js';
import { activeConcernTypes, activeSectors } from '../../src/db/reference-data.js';
import { loadSite } from '../../src/config.js';
import { allFields } from '../../src/forms/fields.js';
import { londonDate } from '../../src/lib/dates.js';
import { activeFramework } from '../../src/features/triage/assessment/service.js';
import { addCheck, CHECK_OUTCOMES } from '../../src/features/triage/assessment/checks.js';
import { storeAttachment } from '../../src/features/triage/attachments/service.js';
import { addEntry } from '../../src/features/triage/chronology/service.js';
import { recordDecision, reviewDecision } from '../../src/features/triage/decision/service.js';
import { emailIntakeSections, readEml, saveEmailDraft } from '../../src/features/triage/email-intake/service.js';
import { listTemplates } from '../../src/features/triage/decision/explanation.js';
import { sendRecontact } from '../../src/features/triage/recontact/service.js';
import { bankHolidaysFrom } from '../../src/features/triage/settings/service.js';
import { OUTCOMES } from '../../src/features/triage/decision/view-model.js';
import { createAdvice, createReferral, shareCase, type TestCase } from './cases.js';
import { organisationId, type TestStaff } from './staff.js';
import { testEml, TINY_PDF } from '../integration/triage/upload-helpers.js';

/**
 * What each staff route needs to be really used: for every POST route (and the GET routes whose URL names something
 * other than the case: an attachment, an explanation letter), a case in the state the route needs, the ids its URL
 * names and the form its page sends. Shared by the hostile-input test (which posts random bodies to a route someone may
 * use) and the access matrix (which checks that a person the rules allow gets a page or a redirect, not a 4xx).
 *
 * A target makes what it needs afresh on each call (a POST that succeeds changes its case), directly as rows or through
 * the services, never through HTTP. Where the case sits (who has it, which organisations it is shared with) is the
 * caller's `Placement`; the default is the hostile-input test's: a referral the supervisor has taken into triage.
 */

/** The people and ids the targets use. */
export interface TargetWorld {
  db: Db;
  /** A Prevent supervisor: approves decisions, and has the case when no placement is given. */
  supervisor: TestStaff;
  /** A Prevent officer: makes the decisions waiting for approval by default, and is offered for reassignment. */
  officer: TestStaff;
  /** A staff member with a password (the change-password form asks for it). */
  withPassword: TestStaff & { password: string };
  /** The account the administrator's actions change. */
  account: TestStaff;
  /** Active councils (hand-over and postcode choices). */
  councilIds: string[];
}

/** Where a case sits: the officer who has it (null: the intake queue) and whom it is shared with. */
export interface Placement {
  officer: string | null;
  shares: { organisationId: string; purpose: 'council' | 'panel' }[];
}

/** A form: each field the route reads, with values it accepts (an empty list: any text). */
export type Form = Record<string, string[]>;

export interface Target {
  /** GET for the routes that only show something (POST unless said). */
  method?: 'GET';
  /** The route's URL as the registry records it. */
  route: string;
  /** Who posts in the hostile-input test (the access matrix posts as each role in turn). */
  who: Who;
  /**
   * The fields the route's form reads (from its route module and form parser), each with values the route accepts
   * (choices, ids, real dates; `{n}` and `{prefix}` are filled in afresh for each run, for values that must be new).
   * The first value of each field makes the form as its page sends it.
   */
  form: (w: TargetWorld) => Promise<Form> | Form;
  /**
   * Makes what the route needs, afresh for each call, where the placement says, and returns the URL. `by`: the person
   * who will use it, for what is theirs alone (an e-mail intake draft); the supervisor unless said.
   */
  url: (w: TargetWorld, place?: Placement, by?: string) => Promise<string>;
  /**
   * The state the route needs exists only on a referral someone has taken (in triage, decided, waiting for approval,
   * handed over): a referral in the intake queue cannot be in it. Such a target given an unassigned placement makes
   * a referral in the queue, which the route then refuses; the caller chooses who has taken it instead.
   */
  needsTaken?: boolean;
  /** A new session before each run (the route may end it, or lock the person out). */
  freshSession?: boolean;
  /** Sent as multipart/form-data with this file (the page's upload), in the access matrix. */
  upload?: { field: string; fileName: string; type: string; data: () => Buffer };
}

export type Who =
  | 'supervisor'
  | 'coordinator'
  | 'dpo'
  | 'administrator'
  | 'withPassword'
  | 'anonymous'
  | 'second_factor'
  | 'totp_setup';

export const ANY_TEXT = 'Some words about it.';
export const RATIONALE = 'Checks found nothing of concern; the school is already supporting.';

/** The form as its page sends it: each field's first accepted value. */
export function validForm(form: Form): [string, string][] {
  return Object.entries(form).map(([f, values]) => [f, values[0] ?? ANY_TEXT]);
}

/** `{n}`: the run's number; `{prefix}`: a postcode district of its own (YA0A, YA0B…). */
export function fill(value: string, n: number): string {
  const letter = (i: number) => String.fromCharCode(65 + (i % 26));
  const prefix = `Y${letter(Math.floor(n / 260))}${n % 10}${letter(Math.floor(n / 10))}`;
  return value.replaceAll('{n}', String(n)).replaceAll('{prefix}', prefix);
}

// ---------------------------------------------------------------------------------------------------------------
// Cases in the states routes need.

/** Taken by the supervisor, shared with nobody: where a case sits unless the caller says otherwise. */
const withSupervisor = (w: TargetWorld): Placement => ({ officer: w.supervisor.id, shares: [] });
const inQueue: Placement = { officer: null, shares: [] };

/**
 * A referral where the placement says: with an officer, it is in triage (as taking or assigning it leaves it); in the
 * intake queue, it is new. Its shares are written as rows.
 */
export async function placedReferral(w: TargetWorld, place: Placement): Promise<TestCase> {
  const referral = await createReferral(w.db, {
    assignedOfficerId: place.officer,
    status: place.officer ? 'in_triage' : 'new',
  });
  for (const s of place.shares) await shareCase(w.db, referral.id, s.organisationId, s.purpose);
  return referral;
}

/** An advice request with the placement's officer (null: waiting to be taken). */
const placedAdvice = (w: TargetWorld, place: Placement, values: Parameters<typeof createAdvice>[1] = {}) =>
  createAdvice(w.db, { assignedOfficerId: place.officer, ...values });

/** A referral decided with this outcome by the officer who has it (no approval needed for police-led or Channel). */
async function decided(w: TargetWorld, place: Placement, outcome: 'channel' | 'police_led'): Promise<TestCase> {
  const referral = await placedReferral(w, place);
  if (place.officer) {
    await recordDecision(w.db, {
      referralId: referral.id,
      officerId: place.officer,
      outcome,
      referredTo: null,
      rationale: RATIONALE,
    });
  }
  return referral;
}

/** A referral its officer decided "no further action", waiting for a supervisor's approval. */
async function pendingApproval(w: TargetWorld, place: Placement): Promise<TestCase & { decisionId?: string }> {
  const referral = await placedReferral(w, place);
  if (!place.officer) return referral;
  const { decisionId } = await recordDecision(w.db, {
    referralId: referral.id,
    officerId: place.officer,
    outcome: 'no_further_action',
    referredTo: null,
    rationale: RATIONALE,
  });
  return { ...referral, decisionId };
}

/** A referral whose "no further action" the supervisor approved (its explanation is due). */
async function approved(w: TargetWorld, place: Placement): Promise<TestCase & { decisionId?: string }> {
  const referral = await pendingApproval(w, place);
  if (place.officer) {
    await reviewDecision(w.db, {
      referralId: referral.id,
      supervisorId: w.supervisor.id,
      verdict: 'approve',
      comment: null,
    });
  }
  return referral;
}

/**
 * A referral decided "Channel" and offered to the council it is shared with (the placement's council share; by default
 * Cumberland's), as rows: the hand-over and the share. A placement with no council share: decided, not handed over.
 */
async function handedOver(w: TargetWorld, place?: Placement): Promise<TestCase> {
  const placement = place ?? {
    officer: w.supervisor.id,
    shares: [{ organisationId: await organisationId(w.db, 'cumberland'), purpose: 'council' as const }],
  };
  const referral = await decided(w, placement, 'channel');
  for (const s of placement.shares.filter((x) => x.purpose === 'council')) {
    await w.db.insert(handovers).values({
      referralId: referral.id,
      organisationId: s.organisationId,
      suggestedOrganisationId: null,
      createdBy: placement.officer ?? w.supervisor.id,
    });
  }
  return referral;
}

/** A date's three boxes, with the parts of the given day (today by default; days from now otherwise). */
function dateForm(name: string, daysFromNow = 0): Form {
  const [year, month, day] = londonDate(new Date(Date.now() + daysFromNow * 86_400_000)).split('-');
  return {
    [`${name}-day`]: [String(Number(day)), '31'],
    [`${name}-month`]: [String(Number(month)), '2'],
    [`${name}-year`]: [year!, String(Number(year) + 1)],
  };
}
const ref = (r: TestCase) => `/staff/referrals/${r.reference}`;
const adv = (r: TestCase) => `/staff/advice/${r.reference}`;
const NEW_PASSWORD = 'a long enough passphrase 1234';

/** The e-mail intake form: the online referral form's fields (conditional ones too), each with values it accepts. */
async function emailIntakeForm(w: TargetWorld): Promise<Form> {
  const sections = emailIntakeSections({
    concernTypes: await activeConcernTypes(w.db),
    sectors: await activeSectors(w.db),
    site: loadSite(),
  });
  const form: Form = {};
  for (const f of allFields(sections.flatMap((s) => s.fields))) {
    if (f.kind === 'date') Object.assign(form, dateForm(f.name, -5000));
    else if (f.kind === 'radios' || f.kind === 'checkboxes') form[f.name] = f.options.map((o) => o.value);
    else if (f.kind === 'textarea') form[f.name] = [ANY_TEXT];
    else
      form[f.name] = [
        f.format === 'email'
          ? 'sam.teacher@school.example'
          : f.format === 'phone'
            ? '01632 960 001'
            : f.format === 'postcode'
              ? 'CA1 1AA'
              : f.format === 'age'
                ? '15'
                : 'Jordan Pupil',
      ];
  }
  return form;
}

/** Every staff POST route, and the GET routes that need more than a case (see TARGETS_BY_ROUTE). */
export const TARGETS: Target[] = [
  // --- Signing in, signing out, one's account --------------------------------------------------------------------
  {
    route: '/staff/sign-out',
    who: 'supervisor',
    freshSession: true,
    form: () => ({}),
    url: async () => '/staff/sign-out',
  },
  {
    route: '/staff/session/keep-alive',
    who: 'supervisor',
    form: () => ({}),
    url: async () => '/staff/session/keep-alive',
  },
  {
    route: '/staff/sign-in',
    who: 'anonymous',
    form: (w) => ({
      email: [w.supervisor.email, 'nobody@example.org'],
      password: ['correct horse battery staple'],
      next: ['/staff/search', '', '//evil.example'],
    }),
    url: async () => '/staff/sign-in',
  },
  {
    route: '/staff/sign-in/code',
    who: 'second_factor',
    freshSession: true,
    form: () => ({ code: ['123456', '000 000'], next: ['/staff', ''] }),
    url: async () => '/staff/sign-in/code',
  },
  {
    route: '/staff/sign-in/recovery-code',
    who: 'second_factor',
    freshSession: true,
    form: () => ({ recoveryCode: ['abcd-efgh-ijkl', 'ABCDEFGHIJ'], next: ['/staff', ''] }),
    url: async () => '/staff/sign-in/recovery-code',
  },
  {
    route: '/staff/sign-in/set-up-authenticator',
    who: 'totp_setup',
    freshSession: true,
    form: () => ({ code: ['123456'], next: ['/staff', ''] }),
    url: async () => '/staff/sign-in/set-up-authenticator',
  },
  {
    route: '/staff/sign-in/recovery-codes',
    who: 'totp_setup',
    freshSession: true,
    form: () => ({ next: ['/staff', '/staff/../admin'] }),
    url: async () => '/staff/sign-in/recovery-codes',
  },
  {
    route: '/staff/password-reset',
    who: 'anonymous',
    form: (w) => ({ email: [w.account.email, 'nobody@example.org'] }),
    url: async () => '/staff/password-reset',
  },
  {
    route: '/staff/password-reset/:token',
    who: 'anonymous',
    form: () => ({ password: [NEW_PASSWORD], confirmPassword: [NEW_PASSWORD] }),
    url: async (w) => `/staff/password-reset/${await createPasswordReset(w.db, w.account.id, 24)}`,
  },
  {
    route: '/staff/sign-in/sso',
    who: 'anonymous',
    form: () => ({ next: ['/staff'] }),
    url: async () => '/staff/sign-in/sso',
  },
  {
    route: '/staff/account/sign-out-everywhere',
    who: 'supervisor',
    freshSession: true,
    form: () => ({}),
    url: async () => '/staff/account/sign-out-everywhere',
  },
  {
    route: '/staff/account/password',
    who: 'withPassword',
    form: (w) => ({
      currentPassword: [w.withPassword.password],
      password: [NEW_PASSWORD],
      confirmPassword: [NEW_PASSWORD],
    }),
    url: async () => '/staff/account/password',
  },

  // --- Administration ----------------------------------------------------------------------------------------------
  {
    route: '/staff/admin/users/new',
    who: 'administrator',
    form: async (w) => ({
      displayName: ['Pat Person'],
      email: ['new.person.{n}@example.org'],
      organisation: [await organisationId(w.db, 'cumbria-police-prevent')],
      roles: ['prevent_officer', ...ROLES],
    }),
    url: async () => '/staff/admin/users/new',
  },
  ...['roles', 'disable', 'enable', 'reset-second-factor', 'sessions/end-all', 'send-reset-link'].map(
    (action): Target => ({
      route: `/staff/admin/users/:id/${action}`,
      who: 'administrator',
      form: (): Form => (action === 'roles' ? { roles: ['analyst', ...ROLES] } : {}),
      url: async (w) => `/staff/admin/users/${w.account.id}/${action}`,
    }),
  ),
  {
    route: '/staff/admin/organisations',
    who: 'administrator',
    form: () => ({ code: ['new-org-{n}'], name: ['A New Organisation'], kind: [...ORGANISATION_KINDS] }),
    url: async () => '/staff/admin/organisations',
  },
  { route: '/staff/audit/chain/verify', who: 'dpo', form: () => ({}), url: async () => '/staff/audit/chain/verify' },

  // --- Postcodes and councils ----------------------------------------------------------------------------------
  {
    route: '/staff/admin/postcodes/lookup',
    who: 'supervisor',
    form: () => ({ postcode: ['CA1 1AA', 'CA4 9', 'LA9', 'ZZ99 9ZZ'] }),
    url: async () => '/staff/admin/postcodes/lookup',
  },
  {
    route: '/staff/admin/postcodes/new',
    who: 'supervisor',
    form: (w) => ({
      prefix: ['{prefix}', '{prefix} 1', 'CA99'],
      suggestion: [...w.councilIds, 'choose', 'outside'],
      note: ['Split between two councils.'],
    }),
    url: async () => '/staff/admin/postcodes/new',
  },
  {
    route: '/staff/admin/postcodes/:prefix',
    who: 'supervisor',
    form: (w) => ({ suggestion: [...w.councilIds, 'choose', 'outside'], note: ['Split between two councils.'] }),
    url: async (w) => `/staff/admin/postcodes/${await somePrefix(w)}`,
  },
  {
    route: '/staff/admin/postcodes/:prefix/delete',
    who: 'supervisor',
    form: () => ({ confirm: ['yes', 'no'] }),
    url: async (w) => `/staff/admin/postcodes/${await somePrefix(w)}/delete`,
  },

  // --- Opening a case, search ------------------------------------------------------------------------------------
  {
    route: '/staff/referrals/:reference/reason',
    who: 'supervisor',
    form: () => ({ reason: ['Covering for the officer while they are away.'] }),
    // Another officer's referral: the supervisor is asked for a reason.
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${ref(await placedReferral(w, p))}/reason`,
  },
  {
    route: '/staff/advice/:reference/reason',
    who: 'supervisor',
    form: () => ({ reason: ['Covering for the officer while they are away.'] }),
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${adv(await placedAdvice(w, p))}/reason`,
  },
  {
    route: '/staff/search',
    who: 'supervisor',
    form: () => ({
      reference: ['', 'ABCD2345'],
      name: ['Robin Testperson', ''],
      ...dateForm('dob', -5000),
      dobClose: ['yes', ''],
      postcode: ['CA1 1AA', 'CA1', ''],
      text: ['extremist material', ''],
    }),
    url: async () => '/staff/search',
  },
  {
    route: '/staff/referrals/:reference/earlier-referrals/:other',
    who: 'supervisor',
    form: () => ({ decision: ['confirmed', 'rejected'], note: ['Same date of birth and school.', ''] }),
    url: async (w, p = withSupervisor(w)) => {
      const other = await createReferral(w.db);
      return `${ref(await placedReferral(w, p))}/earlier-referrals/${other.reference}`;
    },
  },

  // --- Triage: the queue, taking and assigning -------------------------------------------------------------------
  {
    route: '/staff/referrals/:reference/take',
    who: 'supervisor',
    form: () => ({ confirm: ['take'] }),
    url: async (w, p = inQueue) => `${ref(await placedReferral(w, p))}/take`,
  },
  {
    route: '/staff/advice/:reference/take',
    who: 'supervisor',
    form: () => ({ confirm: ['take'] }),
    url: async (w, p = inQueue) => `${adv(await placedAdvice(w, p))}/take`,
  },
  {
    route: '/staff/referrals/:reference/assign',
    who: 'supervisor',
    form: (w) => ({ officer: [w.supervisor.id, w.officer.id], reason: ['The officer is on leave.'] }),
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${ref(await placedReferral(w, p))}/assign`,
  },
  {
    route: '/staff/advice/:reference/assign',
    who: 'supervisor',
    form: (w) => ({ officer: [w.supervisor.id, w.officer.id], reason: ['The officer is on leave.'] }),
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${adv(await placedAdvice(w, p))}/assign`,
  },
  {
    route: '/staff/referrals/:reference/reopen',
    who: 'supervisor',
    form: () => ({ reason: ['New information came in from the school.'] }),
    needsTaken: true,
    url: async (w, p = withSupervisor(w)) => `${ref(await decided(w, p, 'police_led'))}/reopen`,
  },
  {
    route: '/staff/advice/:reference/reply',
    who: 'supervisor',
    form: () => ({ channel: ['email', 'phone'], reply: ['Talk to the school about what you have seen.'] }),
    url: async (w, p = inQueue) => `${adv(await placedAdvice(w, p, { askerEmail: 'drew@example.org' }))}/reply`,
  },
  {
    route: '/staff/advice/:reference/close',
    who: 'supervisor',
    form: () => ({}),
    // Only an answered advice request can be closed: one answered by the supervisor, as a row.
    url: async (w, p = inQueue) =>
      `${adv(await placedAdvice(w, p, { status: 'answered', answeredAt: new Date(), answeredBy: w.supervisor.id }))}/close`,
  },

  // --- Gathering information --------------------------------------------------------------------------------------
  {
    route: '/staff/referrals/:reference/recontact',
    who: 'supervisor',
    form: () => ({ question: ['Which school does the person attend?'], ...dateForm('hold', 14) }),
    needsTaken: true,
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/recontact`,
  },
  {
    route: '/staff/referrals/:reference/recontact/:id/withdraw',
    who: 'supervisor',
    form: () => ({}),
    needsTaken: true,
    url: async (w, p = withSupervisor(w)) => {
      const referral = await placedReferral(w, p);
      if (!p.officer) return `${ref(referral)}/recontact/${randomUUID()}/withdraw`;
      // A question sent to the referrer (the referral waits for the answer), through the service as the page does.
      const { requestId } = await sendRecontact(w.db, {
        referralId: referral.id,
        reference: referral.reference,
        officerId: p.officer,
        question: 'Which school does the person attend?',
        holdUntil: londonDate(new Date(Date.now() + 14 * 86_400_000)),
        days: 14,
        baseUrl: 'http://localhost',
        site: loadSite(),
        messageDomain: 'localhost',
      });
      return `${ref(referral)}/recontact/${requestId}/withdraw`;
    },
  },
  {
    route: '/staff/referrals/:reference/checks',
    who: 'supervisor',
    form: () => ({ source: ['School'], request: ['Any concerns known?', ''], ...dateForm('asked') }),
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/checks`,
  },
  {
    route: '/staff/referrals/:reference/checks/:id',
    who: 'supervisor',
    form: () => ({ outcome: [...CHECK_OUTCOMES], response: ['Nothing known.', ''], ...dateForm('responded') }),
    url: async (w, p = withSupervisor(w)) => {
      const referral = await placedReferral(w, p);
      const id = await addCheck(w.db, {
        referralId: referral.id,
        officerId: p.officer ?? w.supervisor.id,
        source: 'School',
        askedOn: londonDate(new Date()),
        request: null,
      });
      return `${ref(referral)}/checks/${id}`;
    },
  },
  {
    route: '/staff/referrals/:reference/assessment',
    who: 'supervisor',
    form: async (w) => {
      const framework = (await activeFramework(w.db))!.definition;
      const ratings = framework.ratings.map((r) => r.code);
      const form: Form = {};
      for (const s of framework.sections) {
        for (const f of s.factors) {
          form[`rating-${f.code}`] = ratings;
          form[`rationale-${f.code}`] = ['Seen at school.', ''];
        }
        form[`section-${s.code}`] = ['Overall, some concern.', ''];
      }
      for (const x of framework.freeText) form[`free-${x.code}`] = [ANY_TEXT, ''];
      form.summary = ['Vulnerable and exposed to extremist material; no intent seen.'];
      return form;
    },
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/assessment`,
  },
  {
    route: '/staff/referrals/:reference/notes',
    who: 'supervisor',
    form: () => ({ note: ['Spoke to the school.'] }),
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/notes`,
  },
  {
    route: '/staff/referrals/:reference/chronology/:id/correct',
    who: 'supervisor',
    form: () => ({ correction: ['It was the college, not the school.'] }),
    url: async (w, p = withSupervisor(w)) => {
      const referral = await placedReferral(w, p);
      const id = await addEntry(w.db, {
        scope: (await referralScope(w.db, referral.reference))!,
        actor: { userId: w.supervisor.id, organisationCode: 'cumbria-police-prevent' },
        justification: null,
        text: 'Spoke to the school.',
      });
      return `${ref(referral)}/chronology/${id}/correct`;
    },
  },
  {
    route: '/staff/advice/:reference/notes',
    who: 'supervisor',
    form: () => ({ note: ['Called back.'] }),
    url: async (w, p = inQueue) => `${adv(await placedAdvice(w, p))}/notes`,
  },
  {
    route: '/staff/advice/:reference/chronology/:id/correct',
    who: 'supervisor',
    form: () => ({ correction: ['It was the next day.'] }),
    url: async (w, p = inQueue) => {
      const advice = await placedAdvice(w, p);
      const id = await addEntry(w.db, {
        scope: (await adviceScope(w.db, advice.reference))!,
        actor: { userId: w.supervisor.id, organisationCode: 'cumbria-police-prevent' },
        justification: null,
        text: 'Called back.',
      });
      return `${adv(advice)}/chronology/${id}/correct`;
    },
  },
  {
    // Posted as a form (not multipart): the upload routes must refuse it clearly too. Multipart: see below.
    route: '/staff/referrals/:reference/attachments',
    who: 'supervisor',
    form: () => ({ file: ['referral.pdf'] }),
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/attachments`,
    upload: { field: 'file', fileName: 'referral.pdf', type: 'application/pdf', data: () => TINY_PDF },
  },

  // --- Decisions, explanations, hand-overs ---------------------------------------------------------------------
  {
    route: '/staff/referrals/:reference/decision',
    who: 'supervisor',
    form: () => ({ outcome: [...OUTCOMES], referredTo: ['Children’s social care'], rationale: [RATIONALE] }),
    needsTaken: true,
    url: async (w, p = withSupervisor(w)) => `${ref(await placedReferral(w, p))}/decision`,
  },
  {
    route: '/staff/referrals/:reference/approval',
    who: 'supervisor',
    form: () => ({ verdict: ['approve', 'return'], comment: ['Please add what the school said.', ''] }),
    needsTaken: true,
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${ref(await pendingApproval(w, p))}/approval`,
  },
  {
    route: '/staff/referrals/:reference/explanation',
    who: 'supervisor',
    form: () => ({
      audience: ['public', 'professional'],
      channel: ['email', 'letter'],
      reasons: [RATIONALE],
      signposting: ['You can call the helpline at any time.', ''],
      action: ['send', 'switch'],
    }),
    needsTaken: true,
    url: async (w, p = { officer: w.officer.id, shares: [] }) => `${ref(await approved(w, p))}/explanation`,
  },
  {
    route: '/staff/triage/templates/:code',
    who: 'supervisor',
    form: () => ({
      subject: ['Your referral {{reference}}', '{{unknown}}'],
      body: ['{{reasons}}\n\n{{signposting}}', '{{', 'Plain text.'],
    }),
    url: async (w) => `/staff/triage/templates/${(await listTemplates(w.db))[0]!.code}`,
  },
  {
    route: '/staff/triage/settings/target',
    who: 'supervisor',
    form: () => ({ workingDays: ['5', '10', '0', '365'] }),
    url: async () => '/staff/triage/settings/target',
  },
  {
    route: '/staff/triage/settings/bank-holidays',
    who: 'supervisor',
    form: () => ({ ...dateForm('day', 400), name: ['Coronation day'] }),
    // The day must not be in the list yet (an earlier file on the same PostgreSQL database may have added it).
    url: async (w) => {
      const day = londonDate(new Date(Date.now() + 400 * 86_400_000));
      await w.db.delete(bankHolidays).where(eq(bankHolidays.day, day));
      return '/staff/triage/settings/bank-holidays';
    },
  },
  {
    route: '/staff/triage/settings/bank-holidays/:day/remove',
    who: 'supervisor',
    form: () => ({}),
    url: async (w) => {
      const [next] = await bankHolidaysFrom(w.db, londonDate(new Date()));
      if (next) return `/staff/triage/settings/bank-holidays/${next.day}/remove`;
      // None to come (earlier runs removed them): one added as a row.
      await w.db.insert(bankHolidays).values({ day: '2999-12-31', name: 'A day to remove' }).onConflictDoNothing();
      return '/staff/triage/settings/bank-holidays/2999-12-31/remove';
    },
  },
  {
    route: '/staff/referrals/:reference/handover',
    who: 'supervisor',
    form: (w) => ({ council: w.councilIds, overrideReason: ['They live in Carlisle.', ''] }),
    needsTaken: true,
    url: async (w, p = withSupervisor(w)) => `${ref(await decided(w, p, 'channel'))}/handover`,
  },
  {
    route: '/staff/referrals/:reference/handover/answer',
    who: 'coordinator',
    form: () => ({ answer: ['accept', 'return'], reason: ['Not in our area.'] }),
    needsTaken: true,
    url: async (w, p) => `${ref(await handedOver(w, p))}/handover/answer`,
  },

  // --- E-mailed referrals ---------------------------------------------------------------------------------------
  {
    route: '/staff/intake/from-email',
    who: 'supervisor',
    form: () => ({ eml: ['referral.eml'] }),
    url: async () => '/staff/intake/from-email',
    upload: { field: 'eml', fileName: 'referral.eml', type: 'message/rfc822', data: () => testEml() },
  },
  {
    route: '/staff/intake/from-email/:id',
    who: 'supervisor',
    form: emailIntakeForm,
    url: async (w, _place, by = w.supervisor.id) => {
      const raw = testEml();
      const read = await readEml({ data: raw, truncated: false, fileName: 'referral.eml' }, 10 * 1024 * 1024);
      if (!read.ok) throw new Error(read.error);
      const id = await saveEmailDraft(w.db, {
        uploadedBy: by,
        fileName: 'referral.eml',
        raw,
        parsed: read.parsed,
      });
      return `/staff/intake/from-email/${id}`;
    },
  },
];

/** The GET routes that name something besides the case and have no POST at the same URL. */
export const VIEW_TARGETS: Target[] = [
  {
    method: 'GET',
    route: '/staff/referrals/:reference/attachments/:id',
    who: 'supervisor',
    form: () => ({}),
    url: async (w, p = withSupervisor(w)) => {
      const referral = await placedReferral(w, p);
      const id = await storeAttachment(
        w.db,
        { dir: undefined, written: [] },
        {
          referralId: referral.id,
          role: 'attachment',
          fileName: 'referral.pdf',
          mediaType: 'application/pdf',
          bytes: TINY_PDF,
          uploadedBy: p.officer ?? w.supervisor.id,
        },
      );
      return `${ref(referral)}/attachments/${id}`;
    },
  },
  {
    method: 'GET',
    route: '/staff/referrals/:reference/explanations/:id/letter.pdf',
    who: 'supervisor',
    form: () => ({}),
    needsTaken: true,
    url: async (w, p = { officer: w.officer.id, shares: [] }) => {
      const referral = await approved(w, p);
      if (!referral.decisionId) return `${ref(referral)}/explanations/${randomUUID()}/letter.pdf`;
      // The letter kept for printing once the approved decision is explained (the explanations row, as sent).
      const [row] = await w.db
        .insert(explanations)
        .values({
          referralId: referral.id,
          decisionId: referral.decisionId,
          audience: 'public',
          channel: 'letter',
          templateCode: (await listTemplates(w.db))[0]!.code,
          subject: `Your referral ${referral.reference}`,
          body: RATIONALE,
          outboxId: null,
          sentBy: w.supervisor.id,
        })
        .returning({ id: explanations.id });
      return `${ref(referral)}/explanations/${row!.id}/letter.pdf`;
    },
  },
];

/** A postcode district or sector in the table (a new one if an earlier run removed them all). */
async function somePrefix(w: TargetWorld): Promise<string> {
  const [row] = await listPostcodeCouncils(w.db);
  if (row) return row.prefix.replace(' ', '-');
  await insertPostcodeCouncil(w.db, 'CA99', {
    kind: 'choose',
    organisationId: null,
    note: 'Test',
    updatedBy: w.supervisor.id,
  });
  return 'CA99';
}
