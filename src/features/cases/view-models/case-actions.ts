import type { TriageSummary } from '../queries/triage-summary.js';
import { escapeHtml } from '../../../lib/html.js';
import { formatLondon } from '../../../lib/dates.js';
import { decide, decideReview, type CaseScope, type PolicyName, type Principal } from '../../../policies/index.js';

/**
 * Where a referral stands in triage, and the next steps the person looking at it may take: the panel on the referral
 * page. Only steps the person's role allows on this case, in this state, are offered (the routes check again).
 */
export interface CaseActionsView {
  rows: { key: { text: string }; value: { html?: string; text?: string } }[];
  /** Links to the pages of the next steps, in the order an officer usually takes them. */
  links: { href: string; text: string }[];
  /** A button form to take the referral from the queue (POST with the CSRF token), when allowed. */
  takeUrl: string | null;
  /** A sentence on what is happening, when nothing is for this person to do (e.g. "Waiting for approval"). */
  note: string | null;
}

export const STATE_LABELS: Record<TriageSummary['status'], string> = {
  new: 'New',
  in_triage: 'In triage',
  awaiting_information: 'Awaiting information',
  awaiting_approval: 'Awaiting approval',
  decided: 'Decided',
};

export const OUTCOME_LABELS: Record<NonNullable<TriageSummary['decision']>['outcome'], string> = {
  no_further_action: 'Does not meet the threshold: no further action',
  signposted: 'Does not meet the threshold: signposted or referred to another service',
  police_led: 'Managed by the police (police-led partnership)',
  channel: 'Referred to Channel',
};

const APPROVAL_LABELS: Record<NonNullable<TriageSummary['decision']>['approval'], string> = {
  not_required: 'no approval needed',
  pending: 'waiting for a supervisor’s approval',
  approved: 'approved by a supervisor',
  returned: 'returned by a supervisor',
};

export function caseActions(
  summary: TriageSummary,
  scope: CaseScope,
  principal: Principal,
  today: string,
): CaseActionsView {
  const base = `/staff/referrals/${scope.reference}`;
  const may = (policy: PolicyName) => decide(policy, principal, scope).outcome === 'allow';
  const open = summary.status !== 'decided';
  const overdue = open && summary.dueOn < today;

  const rows: CaseActionsView['rows'] = [
    { key: { text: 'State' }, value: { text: STATE_LABELS[summary.status] } },
    { key: { text: 'Officer' }, value: { text: summary.assignedOfficerName ?? 'Not assigned' } },
    {
      key: { text: 'Target date' },
      value: {
        html:
          escapeHtml(formatLondon(summary.dueOn, false)) +
          (overdue ? ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' : ''),
      },
    },
  ];
  if (summary.onHoldUntil)
    rows.push({ key: { text: 'On hold until' }, value: { text: formatLondon(summary.onHoldUntil, false) } });
  if (summary.isRepeat) rows.push({ key: { text: 'Repeat referral' }, value: { text: 'Yes' } });
  if (summary.decision)
    rows.push({
      key: { text: 'Decision' },
      value: {
        text: `${OUTCOME_LABELS[summary.decision.outcome]} (${APPROVAL_LABELS[summary.decision.approval]})`,
      },
    });
  if (summary.handover)
    rows.push({
      key: { text: 'Hand-over' },
      value: {
        text: `${summary.handover.organisationName}: ${
          { offered: 'waiting for the council’s answer', accepted: 'accepted', returned: 'returned by the council' }[
            summary.handover.status
          ]
        }`,
      },
    });

  const links: CaseActionsView['links'] = [];
  let note: string | null = null;
  const work = may('case.work');
  if (may('case.view')) links.push({ href: `${base}/chronology`, text: 'Chronology, notes and files' });
  if (may('case.link')) links.push({ href: `${base}/earlier-referrals`, text: 'Earlier referrals of this person' });
  if (may('triage.assign') && open) links.push({ href: `${base}/assign`, text: 'Assign to an officer' });
  if (work) {
    if (summary.status === 'in_triage' || summary.status === 'awaiting_information') {
      if (summary.status === 'in_triage' && !summary.referrerAnonymous)
        links.push({ href: `${base}/recontact`, text: 'Ask the referrer for more information' });
      links.push({ href: `${base}/checks`, text: 'Checks with partners and systems' });
      links.push({ href: `${base}/assessment`, text: 'Record an assessment' });
    }
    if (summary.status === 'in_triage') links.push({ href: `${base}/decision`, text: 'Record the threshold decision' });
    if (summary.status === 'decided' && summary.decision) {
      const { outcome } = summary.decision;
      if ((outcome === 'no_further_action' || outcome === 'signposted') && !summary.referrerAnonymous)
        links.push({ href: `${base}/explanation`, text: 'Explain the decision to the referrer' });
      if (outcome === 'channel')
        links.push({
          href: `${base}/handover`,
          text: summary.handover?.status === 'returned' || !summary.handover ? 'Hand over to the council' : 'Hand-over',
        });
    }
    if (summary.status === 'decided') links.push({ href: `${base}/reopen`, text: 'Reopen' });
  }
  if (summary.status === 'awaiting_approval') {
    if (summary.decision && decideReview(principal, summary.decision).outcome === 'allow')
      links.push({ href: `${base}/approval`, text: 'Approve or return the decision' });
    else note = 'The decision is waiting for a supervisor’s approval.';
  }
  if (may('handover.answer') && summary.handover?.status === 'offered')
    links.push({ href: `${base}/handover/answer`, text: 'Accept or return this hand-over' });
  if (summary.referrerAnonymous && work && open)
    note = note ?? 'The referrer chose not to give their details: they cannot be contacted.';

  return { rows, links, takeUrl: may('case.take') ? `${base}/take` : null, note };
}

/** The panel of an advice request: read its chronology, take it from the queue, reply to it. */
export function adviceActions(
  status: 'new' | 'answered' | 'closed',
  scope: CaseScope,
  principal: Principal,
  officerName: string | null,
): CaseActionsView {
  const base = `/staff/advice/${scope.reference}`;
  const may = (policy: PolicyName) => decide(policy, principal, scope).outcome === 'allow';
  const links: CaseActionsView['links'] = [];
  if (may('case.view')) links.push({ href: `${base}/chronology`, text: 'Chronology and notes' });
  if (may('case.work') && status !== 'closed')
    links.push({ href: `${base}/reply`, text: status === 'new' ? 'Reply to the request' : 'Reply or close' });
  return {
    rows: [
      { key: { text: 'State' }, value: { text: { new: 'New', answered: 'Answered', closed: 'Closed' }[status] } },
      { key: { text: 'Officer' }, value: { text: officerName ?? 'Not assigned' } },
    ],
    links,
    takeUrl: may('case.take') ? `${base}/take` : null,
    note: null,
  };
}
