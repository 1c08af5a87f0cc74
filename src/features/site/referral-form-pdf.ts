/**
 * A blank, printable Prevent referral form for people who cannot use the online form. It asks the same questions as
 * the online form, in the words of their definitions in `src/forms` (PAPER_SECTIONS chooses only the order and the
 * space), and leaves ruled space for handwritten answers. The PDF is tagged (headings, paragraphs, lists) so
 * it can also be read with a screen reader; the ruled lines and tick boxes are artifacts.
 */
import type { Site } from '../../config.js';
import type { Field } from '../../forms/fields.js';
import { paperHint, paperLabel, questions } from '../../forms/questions.js';
import {
  BODY,
  BODY_BOLD,
  MARGIN,
  PdfWriter,
  RULE_COLOUR,
  SMALL,
  pageOf,
  type PdfRenderOptions,
  type TextStyle,
} from '../../pdf/shared.js';

export type { PdfRenderOptions } from '../../pdf/shared.js';

type Element = PDFKit.PDFStructureElement;

const ANSWER_LINE_GAP = 26;
const BOX_SIZE = 12;
const OPTION_INDENT = 22;
const QUESTION: TextStyle = { size: 12, bold: true, leading: 1.3 };
const HINT: TextStyle = { size: 11 };

interface Question {
  text: string;
  hint?: string;
  /** Tick-box choices, shown before the answer lines. */
  options?: string[];
  /** Label shown above the answer lines when there are options too, such as "If yes, tell us what you know". */
  linesLabel?: string;
  /** Number of ruled lines for the answer. */
  lines?: number;
}

/**
 * A question of the online form as the paper form asks it. Its words come from the field's definition in `src/forms`
 * (`paperLabel`, `paperHint`, the options' texts: `src/forms/questions.ts`); only the layout is chosen here.
 */
export interface PaperQuestion {
  field: string;
  /** Ruled lines for the answer. */
  lines?: number;
  /** Ask with the definition's check-answers label ("Your email address" rather than "Email address"). */
  label?: 'summary';
  /** Leave out the screen's hint (one about the online form only). */
  hint?: false;
  /** The values offered as tick boxes (default: every option). */
  options?: string[];
  /** A conditional sub-field answered on the ruled lines ("If yes, tell us what you know"). */
  details?: string;
  /** A further field answered on the ruled lines, under its own label. */
  more?: string;
}

interface Section {
  title: string;
  intro?: string[];
  questions: (Question | { subheading: string; intro?: string; questions: Question[] })[];
}

interface PaperSection {
  title: string;
  intro: string[];
  /** A question of the form, a paper-only question, or a group under a subheading. */
  questions: (PaperQuestion | Question | { subheading: string; intro?: string; questions: PaperQuestion[] })[];
}

/** Options for the blank form. */
export interface ReferralFormPdfOptions extends PdfRenderOptions {
  /** Labels of the active concern types (reference data). Default: the national categories. */
  concernTypes?: string[];
  /** Labels of the active referrer sectors (reference data). Default: the seeded list. */
  sectors?: string[];
}

export const DEFAULT_CONCERN_TYPES = [
  'Islamist',
  'Extreme right-wing',
  'Left-wing, anarchist or single issue',
  'Northern Ireland-related',
  'Conflicted (more than one ideology)',
  'Fascination with extreme violence or mass casualty attacks',
  'No clear ideology',
  'I am not sure',
];

export const DEFAULT_SECTORS = [
  'Education (school, college or university)',
  'Health (including mental health)',
  "Local authority (including children's and adult services)",
  'Police',
  'Probation or prisons',
  'Housing',
  'Charity, community or faith organisation',
  'Employer (other)',
  'Other',
];

/**
 * The referral journey's questions the paper form does not ask as questions of their own, and why (checked by
 * test/unit/pdf.test.ts: any other question of the journey must be on paper).
 */
export const NOT_ASKED_ON_PAPER: Readonly<Record<string, string>> = {
  immediateDanger: 'the emergency box at the top says what to do instead',
  personDobKnown: 'the date of birth question says to write an approximate age instead',
  personAgeApprox: 'written in the date of birth space',
  personAddressLine1: 'written in the home address space',
  personAddressLine2: 'written in the home address space',
  personTown: 'written in the home address space',
  personCounty: 'written in the home address space',
  personPostcode: 'written in the home address space',
};

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** A paper question's words from its definition. */
function fromDefinition(ask: PaperQuestion, field: (name: string) => Field): Question {
  const f = field(ask.field);
  const options = f.kind === 'radios' || f.kind === 'checkboxes' ? f.options : [];
  const offered = options.filter((o) => !ask.options || ask.options.includes(o.value));
  let linesLabel: string | undefined;
  if (ask.details) {
    const option = options.find((o) => o.conditional?.some((c) => c.name === ask.details));
    const sub = option?.conditional?.find((c) => c.name === ask.details);
    if (!option || !sub) throw new Error(`${ask.details} is not a sub-question of ${ask.field}`);
    linesLabel = `If ${option.text.toLowerCase()}, ${lowerFirst(paperLabel(sub))}`;
  } else if (ask.more) {
    linesLabel = paperLabel(field(ask.more));
  }
  return {
    text: ask.label === 'summary' ? (f.summaryLabel ?? f.label) : paperLabel(f),
    hint: ask.hint === false ? undefined : paperHint(f),
    options: offered.length ? offered.map((o) => (o.hint ? `${o.text} (${lowerFirst(o.hint)})` : o.text)) : undefined,
    linesLabel,
    lines: ask.lines,
  };
}

/** The questions of the paper form, in order, by section. */
export const PAPER_SECTIONS: PaperSection[] = [
  {
    title: 'About the person',
    intro: ['Tell us about the person you are worried about.'],
    questions: [
      { field: 'personFullName', lines: 1 },
      { field: 'personOtherNames', lines: 2 },
      { field: 'personDob', lines: 1 },
      { field: 'personGender' },
      { field: 'personAddressKnown', hint: false, options: ['no'], lines: 3 },
      { field: 'personOccupation', lines: 1 },
      { field: 'personPhone', lines: 1 },
      { field: 'personEmail', lines: 1 },
    ],
  },
  {
    title: 'Your concern',
    intro: ['Tell us what you have seen or heard, in your own words.'],
    questions: [
      { field: 'concernText', lines: 12 },
      { field: 'concernSince', lines: 1 },
      { field: 'concernOnline', lines: 4 },
      { field: 'concernViolence', details: 'concernViolenceDetails', lines: 4 },
      { field: 'vulnerabilities', more: 'vulnerabilitiesDetails', lines: 3 },
      { field: 'otherAgencies', lines: 3 },
      { field: 'personAware' },
      { field: 'concernTypeCode' },
    ],
  },
  {
    title: 'About you',
    intro: [
      'We may need to contact you to ask for more information. You can stay anonymous if you want to: see the question about this near the end of this section.',
    ],
    questions: [
      { field: 'referrerType' },
      { field: 'referrerName', lines: 1 },
      { field: 'referrerRelationship', lines: 1 },
      {
        subheading: 'If you are referring as a professional',
        intro: 'Only answer these questions if you are making this referral as part of your job.',
        questions: [
          { field: 'referrerOrganisation', lines: 1 },
          { field: 'referrerRole', lines: 1 },
          { field: 'referrerSectorCode' },
          { field: 'referrerDslInformed' },
        ],
      },
      { field: 'referrerEmail', label: 'summary', hint: false, lines: 1 },
      { field: 'referrerPhone', label: 'summary', lines: 1 },
      { field: 'referrerContactPreference' },
      { field: 'referrerAnonymous' },
      // Not a question of the online form, which records when it was sent.
      { text: "Today's date", lines: 1 },
    ],
  },
];

function sections(site: Site, concernTypes: string[], sectors: string[]): Section[] {
  // On paper only the labels of the reference data are shown, so each label stands for its own code.
  const { field } = questions({
    concernTypes: concernTypes.map((label) => ({ code: label, label })),
    sectors: sectors.map((label) => ({ code: label, label })),
  });
  const ask = (q: PaperQuestion | Question): Question => ('field' in q ? fromDefinition(q, field) : q);
  return [
    ...PAPER_SECTIONS.map((section) => ({
      ...section,
      questions: section.questions.map((q) => ('subheading' in q ? { ...q, questions: q.questions.map(ask) } : ask(q))),
    })),
    {
      title: 'When you have finished',
      intro: [
        `Email a scan or photo of this form to ${site.teamEmail}, or post it to: ${site.postalAddress}.`,
        `If you are worried that someone is in immediate danger, call ${site.helplines.emergency.number} now. Do not wait for us to read this form.`,
      ],
      questions: [],
    },
  ];
}

class FormRenderer {
  private questionNumber = 0;

  constructor(private readonly writer: PdfWriter) {}

  paragraph(parent: Element, text: string, style: TextStyle = BODY, after = 8): void {
    this.writer.block(parent, 'P', text, style, { after });
  }

  /** A bulleted list. Each item is LI > LBody; the bullet is drawn as an artifact. */
  bulletList(parent: Element, items: string[]): void {
    const { writer } = this;
    const list = writer.group(parent, 'L');
    for (const item of items) {
      const prepared = writer.prepare(item, BODY, writer.textWidth - 18);
      writer.ensureSpace(writer.height(prepared));
      const y = writer.doc.y + writer.lineHeight(BODY) / 2;
      writer.artifact((doc) => doc.circle(MARGIN + 5, y, 2.5).fill('#000000'));
      const li = writer.group(list, 'LI');
      writer.block(li, 'LBody', item, BODY, { indent: 18, after: 4 });
      li.end();
    }
    list.end();
    writer.doc.y += 6;
  }

  private answerLines(count: number, indent = 0): void {
    const { writer } = this;
    const height = count * ANSWER_LINE_GAP;
    writer.ensureSpace(height + 4);
    const top = writer.doc.y;
    writer.artifact((doc) => {
      doc.lineWidth(0.75).strokeColor(RULE_COLOUR);
      for (let i = 1; i <= count; i++) {
        const y = top + i * ANSWER_LINE_GAP;
        doc
          .moveTo(MARGIN + indent, y)
          .lineTo(MARGIN + writer.textWidth, y)
          .stroke();
      }
    });
    writer.doc.y = top + height + 4;
  }

  private options(parent: Element, options: string[]): void {
    const { writer } = this;
    const list = writer.group(parent, 'L');
    for (const option of options) {
      const prepared = writer.prepare(option, BODY, writer.textWidth - OPTION_INDENT);
      writer.ensureSpace(writer.height(prepared));
      const top = writer.doc.y + (writer.lineHeight(BODY) - BOX_SIZE) / 2;
      writer.artifact((doc) => {
        doc.lineWidth(1.25).strokeColor(RULE_COLOUR).rect(MARGIN, top, BOX_SIZE, BOX_SIZE).stroke();
      });
      const li = writer.group(list, 'LI');
      writer.block(li, 'LBody', option, BODY, { indent: OPTION_INDENT, after: 6 });
      li.end();
    }
    list.end();
  }

  /** Height a question needs before its answer lines, so the question and its space stay together on one page. */
  private questionHeight(question: Question, label: string): number {
    const { writer } = this;
    let height = writer.height(writer.prepare(label, QUESTION));
    if (question.hint) height += writer.height(writer.prepare(question.hint, HINT)) + 4;
    for (const option of question.options ?? []) {
      height += writer.height(writer.prepare(option, BODY, writer.textWidth - OPTION_INDENT)) + 6;
    }
    if (question.linesLabel) height += writer.lineHeight(BODY) + 4;
    height += (question.lines ?? 0) * ANSWER_LINE_GAP + 12;
    return height;
  }

  question(parent: Element, question: Question, headingLevel: 3 | 4): void {
    const { writer } = this;
    this.questionNumber += 1;
    const label = `${this.questionNumber}. ${question.text}`;
    const needed = this.questionHeight(question, label);
    // Keep short questions with their answer space; long ones just need a start.
    writer.ensureSpace(Math.min(needed, writer.maxY - writer.top - 20));
    writer.doc.y += 4;
    const group = writer.group(parent, 'Div');
    writer.block(group, `H${headingLevel}`, label, QUESTION, { after: 2 });
    if (question.hint) writer.block(group, 'P', question.hint, HINT, { after: 4 });
    if (question.options) {
      writer.doc.y += 2;
      this.options(group, question.options);
    }
    if (question.linesLabel) this.paragraph(group, question.linesLabel, BODY_BOLD, 0);
    if (question.lines) this.answerLines(question.lines);
    group.end();
    writer.doc.y += 10;
  }

  emergencyBox(parent: Element, site: Site): void {
    const { writer } = this;
    const { emergency, antiTerroristHotline: hotline, actEarly } = site.helplines;
    const padding = 12;
    const border = 3;
    const inner = writer.textWidth - 2 * (padding + border);
    const headingStyle: TextStyle = { size: 16, bold: true, leading: 1.25 };
    const heading = `If anyone is in immediate danger, call ${emergency.number} now`;
    const lines = [
      `Call the ${hotline.name} on ${hotline.number} ${hotline.detail}.`,
      `Call the ${actEarly.name} on ${actEarly.number}${actEarly.hours ? ` (${actEarly.hours})` : ''} ${actEarly.detail}.`,
    ];
    const height =
      writer.height(writer.prepare(heading, headingStyle, inner)) +
      6 +
      lines.reduce((sum, line) => sum + writer.height(writer.prepare(line, BODY, inner)) + 6, 0) +
      2 * (padding + border) -
      6;
    writer.ensureSpace(height);
    const top = writer.doc.y;
    writer.artifact((doc) => {
      doc
        .lineWidth(border)
        .strokeColor(RULE_COLOUR)
        .rect(MARGIN + border / 2, top + border / 2, writer.textWidth - border, height - border)
        .stroke();
    });
    writer.doc.y = top + padding + border;
    const indent = padding + border;
    const box = writer.group(parent, 'Sect');
    writer.block(box, 'H2', heading, headingStyle, { indent, width: inner, after: 6 });
    lines.forEach((line, i) => {
      writer.block(box, 'P', line, BODY, { indent, width: inner, after: i === lines.length - 1 ? 0 : 6 });
    });
    box.end();
    writer.doc.y = top + height + 16;
  }
}

/**
 * Renders the blank referral form.
 * @param site names, numbers and addresses from config/site.json
 */
export async function renderReferralFormPdf(site: Site, options: ReferralFormPdfOptions = {}): Promise<Buffer> {
  const title = 'Prevent referral form';
  const writer = new PdfWriter({
    title,
    author: site.forceName,
    subject: `A form to refer someone you are worried about to ${site.forceName} Prevent, for people who cannot use the online form.`,
    keywords: 'Prevent, referral, safeguarding, form',
    options,
  });
  const form = new FormRenderer(writer);
  const root = writer.root;

  writer.heading(root, 1, title);
  form.paragraph(root, `${site.forceName}: ${site.teamName}`, BODY, 12);
  form.emergencyBox(root, site);

  const before = writer.group(root, 'Sect');
  writer.heading(before, 2, 'Before you start');
  form.paragraph(
    before,
    'Use this form if you are worried that someone is being drawn into terrorism or extremism and you cannot use our online form. You can fill it in by hand or on a computer.',
  );
  form.paragraph(
    before,
    'If you are a professional (for example a teacher, nurse or social worker), speak to your designated safeguarding lead first, and follow your organisation’s safeguarding procedures.',
  );
  form.paragraph(
    before,
    'Answer as many questions as you can. It is fine to leave a question blank if you do not know the answer.',
  );
  before.end();

  const send = writer.group(root, 'Sect');
  writer.heading(send, 2, 'How to send this form');
  form.paragraph(send, 'When you have filled it in, either:');
  form.bulletList(send, [`email a scan or photo of it to ${site.teamEmail}`, `post it to: ${site.postalAddress}`]);
  form.paragraph(send, 'If you post it, mark the envelope “Private and confidential”.');
  form.paragraph(
    send,
    `If you have a question about this form, email ${site.teamEmail} or call ${site.nonEmergencyNumber}.`,
  );
  send.end();

  const privacy = writer.group(root, 'Sect');
  writer.heading(privacy, 2, 'What happens to the information you give us');
  form.paragraph(
    privacy,
    `What you tell us is confidential. The ${site.teamName} will read it and decide whether the person needs support. We only share it with people who need to know, such as children’s or adult social care, to keep the person and others safe.`,
  );
  form.paragraph(
    privacy,
    'Prevent is about safeguarding and support. Being referred does not mean the person is in trouble, and it does not give them a criminal record.',
  );
  privacy.end();

  const concernTypes = options.concernTypes?.length ? options.concernTypes : DEFAULT_CONCERN_TYPES;
  const sectors = options.sectors?.length ? options.sectors : DEFAULT_SECTORS;
  for (const section of sections(site, concernTypes, sectors)) {
    const sect = writer.group(root, 'Sect');
    writer.heading(sect, 2, section.title);
    for (const text of section.intro ?? []) form.paragraph(sect, text);
    writer.doc.y += 4;
    for (const item of section.questions) {
      if ('subheading' in item) {
        const sub = writer.group(sect, 'Sect');
        writer.heading(sub, 3, item.subheading, { keepWithNext: 80 });
        if (item.intro) form.paragraph(sub, item.intro, HINT);
        for (const question of item.questions) form.question(sub, question, 4);
        sub.end();
      } else {
        form.question(sect, item, 3);
      }
    }
    sect.end();
  }

  writer.decoratePages((page, pages) => {
    const y = writer.doc.page.height - MARGIN + 20;
    writer.artifactText(`${title}: ${site.forceName}`, MARGIN, y, SMALL);
    writer.artifactText(pageOf(page, pages), writer.doc.page.width - MARGIN, y, SMALL, 'right');
  });
  return writer.finish();
}
