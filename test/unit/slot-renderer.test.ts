import { describe, expect, it } from 'vitest';
import nunjucks from 'nunjucks';
import type { FastifyReply } from 'fastify';
import { SlotRenderer } from '../../src/views/render.js';
import { pageChoiceKey } from '../../src/features/intake/view-models/question.js';
import { referralJourney } from '../../src/forms/referral/index.js';
import { loadSite } from '../../src/config.js';

function fakeReply() {
  const sent: { body?: string; type?: string } = {};
  const reply = {
    type(t: string) {
      sent.type = t;
      return reply;
    },
    send(b: string) {
      sent.body = b;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('SlotRenderer', () => {
  let renders = 0;

  it('renders once per key, then only fills the slots (escaped)', () => {
    const loader = new nunjucks.Environment(
      {
        getSource: () => ({
          src: '<p>{{ title | count }}</p><input value="{{ csrfToken }}"><i>{{ csrfToken }}</i>',
          path: 't',
          noCache: false,
        }),
      } as unknown as nunjucks.ILoader,
      { autoescape: true },
    );
    loader.addFilter('count', (v: unknown) => {
      renders++;
      return v;
    });
    const slots = new SlotRenderer(loader, 2);
    const a = fakeReply();
    slots.render(a.reply, 't', 'k1', () => ({ title: 'Hello' }), { csrfToken: 'tok"1' });
    expect(a.sent.body).toBe('<p>Hello</p><input value="tok&#34;1"><i>tok&#34;1</i>');
    const b = fakeReply();
    slots.render(b.reply, 't', 'k1', () => ({ title: 'Hello' }), { csrfToken: 'tok2' });
    expect(b.sent.body).toBe('<p>Hello</p><input value="tok2"><i>tok2</i>');
    expect(renders).toBe(1);
    slots.render(fakeReply().reply, 't', 'k2', () => ({ title: 'B' }), { csrfToken: 'x' });
    slots.render(fakeReply().reply, 't', 'k3', () => ({ title: 'C' }), { csrfToken: 'x' });
    expect(slots.size).toBe(2); // bounded
    expect(renders).toBe(3);
  });
});

describe('pageChoiceKey', () => {
  const journey = referralJourney({
    concernTypes: [{ code: 'islamist', label: 'Islamist' }],
    sectors: [],
    site: loadSite(),
  });

  it('is the same for the same choices, and different for others', () => {
    const page = journey.pages.get('immediate-danger')!;
    expect(pageChoiceKey(page, {})).toBe(pageChoiceKey(page, { unrelated: 'x' }));
    expect(pageChoiceKey(page, { immediateDanger: 'no' })).not.toBe(pageChoiceKey(page, {}));
  });

  it('is undefined as soon as anything typed would show on the page', () => {
    expect(pageChoiceKey(journey.pages.get('person-name')!, { personFullName: 'Jamie' })).toBeUndefined();
    expect(pageChoiceKey(journey.pages.get('person-name')!, {})).toBeDefined();
    const dob = journey.pages.get('person-dob')!;
    expect(pageChoiceKey(dob, { personDobKnown: 'yes', personDob: { day: '1', month: '', year: '' } })).toBeUndefined();
    expect(pageChoiceKey(dob, { personDobKnown: 'no', personAgeApprox: '15' })).toBeUndefined();
    expect(pageChoiceKey(dob, { personDobKnown: 'no' })).toBeDefined();
  });
});
