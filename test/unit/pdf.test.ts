import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { loadSite } from '../../src/config.js';
import {
  NOT_ASKED_ON_PAPER,
  PAPER_SECTIONS,
  renderReferralFormPdf,
} from '../../src/features/site/referral-form-pdf.js';
import { definitions, questions } from '../../src/forms/questions.js';
import { renderReferralSummaryPdf, type ReferralSummary } from '../../src/features/cases/referral-summary-pdf.js';
import { cleanText, formatLondonDateTime, metadataText } from '../../src/pdf/shared.js';

const site = loadSite();

// ---------------------------------------------------------------------------------------------------------------
// A small reader for the uncompressed PDFs pdfkit writes: enough to get the drawn text back (through each font's
// ToUnicode map), to know whether each piece is inside an Artifact, and to read ActualText entries.
// ---------------------------------------------------------------------------------------------------------------

interface Fragment {
  text: string;
  artifact: boolean;
  page: number;
}

interface ParsedPdf {
  source: string;
  fragments: Fragment[];
  /** All text on each page, artifacts included, one line per drawing call. */
  pages: string[];
  /** Drawn text that is real content (not an artifact), one line per drawing call. */
  content: string;
  /** Drawn text inside artifacts. */
  artifacts: string;
  actualTexts: string[];
}

function objectBodies(source: string): Map<number, string> {
  const objects = new Map<number, string>();
  for (const match of source.matchAll(/(?:^|\n)(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) {
    objects.set(Number(match[1]), match[2]!);
  }
  return objects;
}

function streamOf(body: string): string {
  const start = body.indexOf('stream\n');
  const end = body.lastIndexOf('\nendstream');
  return start >= 0 && end > start ? body.slice(start + 7, end) : '';
}

function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const range of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})> \[([^\]]*)\]/gi)) {
    let code = parseInt(range[1]!, 16);
    for (const entry of range[3]!.matchAll(/<([^>]*)>/g)) {
      const units = entry[1]!.trim().split(/\s+/).filter(Boolean);
      map.set(code++, String.fromCharCode(...units.map((unit) => parseInt(unit, 16))));
    }
  }
  return map;
}

/** Reads a PDF literal string, including pdfkit's UTF-16BE (with byte order mark) encoding. */
function literalString(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char !== '\\') {
      bytes.push(char.charCodeAt(0));
      continue;
    }
    const next = raw[++i]!;
    const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
    if (next in escapes) bytes.push(escapes[next]!);
    else if (/[0-7]/.test(next)) {
      let octal = next;
      while (octal.length < 3 && /[0-7]/.test(raw[i + 1] ?? '')) octal += raw[++i];
      bytes.push(parseInt(octal, 8));
    }
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let text = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return text;
  }
  return String.fromCharCode(...bytes);
}

function parsePdf(pdf: Buffer): ParsedPdf {
  const source = pdf.toString('latin1');
  const objects = objectBodies(source);
  const cmaps = new Map<string, Map<number, string> | null>();
  for (const match of source.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const font = objects.get(Number(match[2])) ?? '';
    const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(font);
    cmaps.set(match[1]!, toUnicode ? parseCmap(streamOf(objects.get(Number(toUnicode[1])) ?? '')) : null);
  }
  const pagesObject = [...objects.values()].find((body) => /\/Type \/Pages\b/.test(body)) ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesObject)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) =>
    Number(m[1]),
  );
  const fragments: Fragment[] = [];
  const pages: string[] = [];
  kids.forEach((pageId, index) => {
    const page = objects.get(pageId) ?? '';
    const contentsId = Number(/\/Contents (\d+) 0 R/.exec(page)?.[1]);
    const stream = streamOf(objects.get(contentsId) ?? '');
    const stack: string[] = [];
    let font = '';
    const lines: string[] = [];
    const ops =
      /\/(\w+)\s*(?:<<[^>]*>>)?\s*BDC|\/(\w+)\s+BMC|\bEMC\b|\/(F\d+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g;
    for (const op of stream.matchAll(ops)) {
      if (op[1] || op[2]) stack.push(op[1] ?? op[2]!);
      else if (op[0] === 'EMC') stack.pop();
      else if (op[3]) font = op[3];
      else {
        const hexes = op[4] !== undefined ? [...op[4].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]!) : [op[5]!];
        const cmap = cmaps.get(font);
        let text = '';
        for (const hex of hexes) {
          const width = cmap ? 4 : 2;
          for (let i = 0; i + width <= hex.length; i += width) {
            const code = parseInt(hex.slice(i, i + width), 16);
            text += cmap ? (cmap.get(code) ?? '\uFFFD') : String.fromCharCode(code);
          }
        }
        fragments.push({ text, artifact: stack.includes('Artifact'), page: index + 1 });
        lines.push(text);
      }
    }
    pages.push(lines.join('\n'));
  });
  const actualTexts = [...source.matchAll(/\/ActualText \(((?:\\[\s\S]|[^\\)])*)\)/g)].map((m) => literalString(m[1]!));
  return {
    source,
    fragments,
    pages,
    content: fragments
      .filter((f) => !f.artifact)
      .map((f) => f.text)
      .join('\n'),
    artifacts: fragments
      .filter((f) => f.artifact)
      .map((f) => f.text)
      .join('\n'),
    actualTexts,
  };
}

/** Like toContain / toMatch on the whole PDF, without printing the whole PDF when it fails. */
function expectIn(source: string, needle: string | RegExp): void {
  const found = typeof needle === 'string' ? source.includes(needle) : needle.test(source);
  expect(found, `expected the PDF to contain ${String(needle)}`).toBe(true);
}

function expectNotIn(source: string, needle: string): void {
  expect(source.includes(needle), `expected the PDF not to contain ${needle}`).toBe(false);
}

function expectAccessibleBasics(pdf: Buffer, title: string): ParsedPdf {
  expect(Buffer.isBuffer(pdf)).toBe(true);
  expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  const parsed = parsePdf(pdf);
  const { source } = parsed;
  expectIn(source, '/StructTreeRoot');
  expectIn(source, /\/MarkInfo \d+ 0 R/);
  expectIn(source, /<<\n\/Marked true\n>>/);
  expectIn(source, '/Lang (en-GB)');
  expectIn(source, /\/DisplayDocTitle true/);
  expectIn(source, `(${title})`);
  expectIn(source, new RegExp(`<dc:title>\\s*<rdf:Alt>\\s*<rdf:li xml:lang="x-default">${title}</rdf:li>`));
  expectIn(source, '/S /Document');
  expectIn(source, '/S /H1');
  expectIn(source, '/S /P');
  expectIn(source, '/Type /Pagination');
  // A4
  expectIn(source, '/MediaBox [0 0 595.28 841.89]');
  return parsed;
}

function pageCount(parsed: ParsedPdf): number {
  return parsed.pages.length;
}

/** Whether pdfkit embedded a TrueType font (DejaVu Sans is installed); if so the PDF claims PDF/UA. */
function embedsFont(parsed: ParsedPdf): boolean {
  return parsed.source.includes('/FontFile2');
}

/**
 * The default ('auto') font setting must have embedded DejaVu Sans: without it the PDF falls back to Helvetica, drops
 * its PDF/UA claim and cannot draw non-Latin names. The font checks fail (never skip) when DejaVu is missing; CI installs
 * it (fonts-dejavu-core, see .ci/run), and so must any machine that runs these tests.
 */
function expectEmbeddedFont(parsed: ParsedPdf): void {
  expect(
    embedsFont(parsed),
    'no TrueType font embedded: install DejaVu Sans (Debian: fonts-dejavu-core), which .ci/run installs',
  ).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------------

describe('renderReferralFormPdf', () => {
  it('renders a tagged, titled, A4 PDF', async () => {
    const pdf = await renderReferralFormPdf(site, { compress: false });
    const parsed = expectAccessibleBasics(pdf, 'Prevent referral form');
    expectIn(parsed.source, '/S /H2');
    expectIn(parsed.source, '/S /H3');
    expectIn(parsed.source, '/S /L\n');
    expectIn(parsed.source, '/S /LI');
    expectIn(parsed.source, '/S /LBody');
    expectIn(parsed.source, '(Cumbria Police)');
    expect(pageCount(parsed)).toBeGreaterThan(1);
    expectEmbeddedFont(parsed);
    expectIn(parsed.source, '<pdfuaid:part>1</pdfuaid:part>');
  });

  it('puts the emergency numbers and how to send the form at the top', async () => {
    const parsed = parsePdf(await renderReferralFormPdf(site, { compress: false }));
    const firstPage = parsed.pages[0]!;
    expect(firstPage).toContain(`If anyone is in immediate danger, call ${site.helplines.emergency.number} now`);
    expect(firstPage).toContain(site.helplines.antiTerroristHotline.number);
    expect(firstPage).toContain(site.helplines.actEarly.number);
    expect(parsed.content).toContain(site.teamEmail);
    expect(parsed.content).toContain('Carleton Hall');
    expect(parsed.content).toContain('designated safeguarding lead');
    expect(parsed.content).toContain('confidential');
  });

  it('asks the questions of the online form', async () => {
    const parsed = parsePdf(await renderReferralFormPdf(site, { compress: false }));
    const text = parsed.content.replace(/\s+/g, ' ');
    for (const question of [
      'Full name',
      'Other names they use or are known by',
      'Date of birth',
      'What is their gender? (optional)',
      'Home address and postcode',
      'Which school, college or employer are they at? (optional)',
      'Their telephone number (optional)',
      'Their email address (optional)',
      'What has happened, and why are you worried?',
      'When did you first notice this?',
      'Have you seen anything worrying online? (optional)',
      'Have they made threats, or shown an interest in violence or weapons?',
      'Do they have any vulnerabilities or complex needs?',
      'Are other agencies or professionals involved',
      'Does the person know you are making this referral?',
      'Fascination with extreme violence or mass casualty attacks',
      'Are you making this referral as part of your job?',
      'Yes, I am a professional (for example, a teacher, health worker, social worker or youth worker)',
      'Your full name',
      'How do you know the person?',
      'Have you told your designated safeguarding lead?',
      'Your email address',
      'Your telephone number',
      'How would you prefer us to contact you?',
      'By telephone',
      'If yes, tell us what you know',
      'Tell us more about their needs (optional)',
      'Can we contact you about this referral?',
      'I want to stay anonymous',
      'we cannot contact you to ask for more information',
    ]) {
      expect(text).toContain(question);
    }
  });

  it('asks every question of the referral journey, in the words of its definition, or says why not', async () => {
    const asked = PAPER_SECTIONS.flatMap((s) => s.questions)
      .flatMap((q) => ('subheading' in q ? q.questions : [q]))
      .flatMap((q) => ('field' in q ? [q.field, q.details, q.more] : []))
      .filter((name): name is string => name !== undefined);
    const journeyFields = questions().fieldsOf('referral');
    expect(journeyFields.map((f) => f.name).filter((n) => !asked.includes(n) && !(n in NOT_ASKED_ON_PAPER))).toEqual(
      [],
    );
    const text = parsePdf(await renderReferralFormPdf(site, { compress: false })).content.replace(/\s+/g, ' ');
    for (const name of asked) {
      const field = definitions.field(name);
      if (name === 'referrerEmail' || name === 'referrerPhone') continue; // asked with the check-answers label
      // A sub-question is asked as "If yes, tell us what you know".
      expect(text.toLowerCase(), name).toContain((field.paper?.label ?? field.label).toLowerCase());
      for (const option of field.kind === 'radios' || field.kind === 'checkboxes' ? field.options : []) {
        if (name !== 'personAddressKnown') expect(text, `${name}=${option.value}`).toContain(option.text);
      }
    }
  });

  it('keeps page numbers and ruled lines out of the structure tree', async () => {
    const parsed = parsePdf(await renderReferralFormPdf(site, { compress: false }));
    const pages = pageCount(parsed);
    expect(parsed.artifacts).toContain(`Page 1 of ${pages}`);
    expect(parsed.artifacts).toContain(`Page ${pages} of ${pages}`);
    expect(parsed.content).not.toContain('Page 1 of');
    // Every text-drawing, line and box operator sits inside marked content (a structure element or an artifact).
    for (const match of parsed.source.matchAll(/stream\n([\s\S]*?)\nendstream/g)) {
      const stream = match[1]!;
      if (!stream.includes('BDC')) continue;
      let depth = 0;
      for (const op of stream.matchAll(/\/\w+\s*(?:<<[^>]*>>)?\s*BDC|\bEMC\b|\bBT\b|\bre\b|\bS\n/g)) {
        if (op[0].endsWith('BDC')) depth++;
        else if (op[0] === 'EMC') depth--;
        else expect(depth).toBeGreaterThan(0);
      }
      expect(depth).toBe(0);
    }
  });

  it('can use reference data for the concern types and sectors', async () => {
    const parsed = parsePdf(
      await renderReferralFormPdf(site, { compress: false, concernTypes: ['Type A'], sectors: ['Sector B'] }),
    );
    expect(parsed.content).toContain('Type A');
    expect(parsed.content).toContain('Sector B');
    expect(parsed.content).not.toContain('Islamist');
  });

  it('works with the standard fonts, without claiming PDF/UA', async () => {
    const pdf = await renderReferralFormPdf(site, { compress: false, font: 'standard' });
    const parsed = expectAccessibleBasics(pdf, 'Prevent referral form');
    expect(embedsFont(parsed)).toBe(false);
    expectNotIn(parsed.source, 'pdfuaid');
    expect(parsed.pages[0]).toContain('call 999 now');
  });

  it('falls back to Helvetica when a font file is missing', async () => {
    const pdf = await renderReferralFormPdf(site, {
      compress: false,
      font: { regular: '/nonexistent/Regular.ttf', bold: '/nonexistent/Bold.ttf' },
    });
    const parsed = parsePdf(pdf);
    expect(embedsFont(parsed)).toBe(false);
    expect(parsed.content).toContain('call 999 now');
  });

  it('falls back to Helvetica when a font file is damaged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pdf-font-'));
    const file = path.join(dir, 'Broken.ttf');
    writeFileSync(file, 'not a font');
    try {
      const parsed = parsePdf(
        await renderReferralFormPdf(site, { compress: false, font: { regular: file, bold: file } }),
      );
      expect(embedsFont(parsed)).toBe(false);
      expectNotIn(parsed.source, 'pdfuaid');
      expect(parsed.content).toContain('call 999 now');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compresses by default', async () => {
    const compressed = await renderReferralFormPdf(site);
    const plain = await renderReferralFormPdf(site, { compress: false });
    expect(compressed.length).toBeLessThan(plain.length);
    expect(compressed.toString('latin1')).toContain('/FlateDecode');
  });
});

// ---------------------------------------------------------------------------------------------------------------

function summary(overrides: Partial<ReferralSummary> = {}): ReferralSummary {
  return {
    reference: 'PRV-2026-000123',
    receivedAt: new Date('2026-11-25T22:04:00Z'),
    source: 'Online form',
    sections: [
      {
        title: 'About the person',
        rows: [
          { label: 'Their full name', value: 'Jane Example' },
          { label: 'Other names', value: '' },
        ],
      },
      {
        title: 'Your concern',
        rows: [{ label: 'What happened and why you are worried', value: 'Line one\nLine two' }],
      },
    ],
    ...overrides,
  };
}

describe('renderReferralSummaryPdf', () => {
  it('renders a tagged PDF titled with the reference', async () => {
    const pdf = await renderReferralSummaryPdf(summary(), site, { compress: false });
    const parsed = expectAccessibleBasics(pdf, 'Referral PRV-2026-000123');
    expectIn(parsed.source, '/S /H2');
    expectIn(parsed.source, '/S /Table');
    expectIn(parsed.source, '/S /TR');
    expectIn(parsed.source, '/S /TH');
    expectIn(parsed.source, '/S /TD');
    expectIn(parsed.source, '/Scope /Row');
    expectIn(parsed.source, 'OFFICIAL-SENSITIVE');
    expectEmbeddedFont(parsed);
    expectIn(parsed.source, '<pdfuaid:part>1</pdfuaid:part>');
  });

  it('shows the reference, received time in UK time, source, sections and rows', async () => {
    const parsed = parsePdf(await renderReferralSummaryPdf(summary(), site, { compress: false }));
    const text = parsed.content;
    expect(text).toContain('Referral PRV-2026-000123');
    expect(text).toContain('25 November 2026 at 10:04pm');
    expect(text).toContain('Online form');
    expect(text).toContain('About the person');
    expect(text).toContain('Their full name');
    expect(text).toContain('Jane Example');
    expect(text).toContain('Not given');
    expect(text).toContain('Line one\nLine two');
  });

  it('marks every page OFFICIAL-SENSITIVE in the header and footer, and once in the content', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => ({ label: `Question ${i + 1}`, value: `Answer ${i + 1}` }));
    const parsed = parsePdf(
      await renderReferralSummaryPdf(summary({ sections: [{ title: 'Many', rows }] }), site, { compress: false }),
    );
    const pages = pageCount(parsed);
    expect(pages).toBeGreaterThan(1);
    const marking = (f: Fragment): boolean => f.text === 'OFFICIAL-SENSITIVE';
    expect(parsed.fragments.filter((f) => marking(f) && !f.artifact)).toHaveLength(1);
    for (let page = 1; page <= pages; page++) {
      expect(parsed.fragments.filter((f) => marking(f) && f.artifact && f.page === page)).toHaveLength(2);
      expect(parsed.fragments.some((f) => f.artifact && f.page === page && f.text === `Page ${page} of ${pages}`)).toBe(
        true,
      );
    }
  });

  it('writes text exactly as given, without control characters', async () => {
    const value = '<script>alert("x")</script> &amp; <b>bold</b>\u0000\u0007\u001b[31m\r\nnext\tline';
    const parsed = parsePdf(
      await renderReferralSummaryPdf(
        summary({ sections: [{ title: '<h1>Section</h1>', rows: [{ label: '<i>Label</i>', value }] }] }),
        site,
        { compress: false },
      ),
    );
    expect(parsed.content).toContain('<script>alert("x")</script> &amp; <b>bold</b>[31m');
    expect(parsed.content).toContain('<h1>Section</h1>');
    expect(parsed.content).toContain('<i>Label</i>');
    // eslint-disable-next-line no-control-regex
    expect(parsed.content).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    for (const actual of parsed.actualTexts) {
      // eslint-disable-next-line no-control-regex
      expect(actual).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    }
  });

  it('renders very long values, control characters, markup and non-Latin names across several pages', async () => {
    const longValue = 'The person said something worrying. '.repeat(2800).slice(0, 100_000);
    const unbroken = 'x'.repeat(100_000);
    const names = [
      { label: 'Arabic name', value: 'محمد عبد الله' },
      { label: 'Chinese name', value: '王小明' },
      { label: 'Polish name', value: 'Łukasz Żółć-Wąsik' },
      { label: 'Mixed', value: 'He calls himself محمد online 😀 and 王小明 \uD800 \u200D\u202E' },
    ];
    const started = Date.now();
    const pdf = await renderReferralSummaryPdf(
      summary({
        reference: 'PRV-<2026>&"1"',
        sections: [
          { title: 'About the person', rows: names },
          {
            title: 'Your concern',
            rows: [
              { label: 'What happened and why you are worried', value: longValue },
              { label: 'Unbroken', value: unbroken },
              { label: 'Script', value: '<script>alert(1)</script>\u0000\u0001\u0002' },
            ],
          },
        ],
      }),
      site,
      { compress: false },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const parsed = parsePdf(pdf);
    expect(pageCount(parsed)).toBeGreaterThan(1);
    const everything = parsed.content + parsed.actualTexts.join('\n');
    // The real text is there for screen readers and copying, even where the font cannot draw it.
    expect(everything).toContain('王小明');
    expect(everything).toContain('محمد عبد الله');
    expect(everything).toContain('Łukasz Żółć-Wąsik');
    expect(parsed.content).toContain('<script>alert(1)</script>');
    // A value that runs on to the next page repeats its label there, outside the structure tree.
    expect(parsed.artifacts).toContain('What happened and why you are worried (continued)');
    expect(parsed.content).not.toContain('(continued)');
    // All 100,000 characters of the long value are drawn.
    const drawnX = parsed.content.match(/x{10,}/g)?.join('') ?? '';
    expect(drawnX.length).toBe(100_000);
    expect(parsed.content.replace(/\s+/g, ' ').split('The person said something worrying.').length - 1).toBe(
      longValue.split('The person said something worrying.').length - 1,
    );
    // Metadata stays well-formed XML even with markup characters in the reference.
    expectIn(parsed.source, '<rdf:li xml:lang="x-default">Referral PRV-2026and1</rdf:li>');
    // With DejaVu Sans embedded, Latin Extended is drawn as it is and only what the font lacks becomes U+FFFD.
    expectEmbeddedFont(parsed);
    expect(parsed.content).toContain('Łukasz Żółć-Wąsik');
    expect(parsed.content).toContain('\uFFFD');
  }, 60_000);

  it('renders non-Latin text with the standard fonts too', async () => {
    const pdf = await renderReferralSummaryPdf(
      summary({
        sections: [{ title: 'Names', rows: [{ label: 'Name', value: 'Łukasz 王小明 محمد\t<b>' }] }],
      }),
      site,
      { compress: false, font: 'standard' },
    );
    const parsed = parsePdf(pdf);
    expect(parsed.content).toContain('?ukasz ??? ????    <b>');
    expect(parsed.actualTexts).toContain('Łukasz 王小明 محمد\t<b>');
  });

  it('copes with missing or odd values from the caller', async () => {
    const odd = {
      reference: '',
      receivedAt: new Date('invalid'),
      source: undefined,
      sections: [
        { title: '', rows: [] },
        { title: 'Rows', rows: [{ label: '', value: null }] },
      ],
    } as unknown as ReferralSummary;
    const parsed = parsePdf(await renderReferralSummaryPdf(odd, site, { compress: false }));
    expect(parsed.content).toContain('Date not known');
    expect(parsed.content).toContain('Not given');
    expect(parsed.content).toContain('No answers in this section.');
  });
});

describe('pdf helpers', () => {
  it('formats dates in UK time, GMT and BST', () => {
    expect(formatLondonDateTime(new Date('2026-11-25T22:04:00Z'))).toBe('25 November 2026 at 10:04pm');
    expect(formatLondonDateTime(new Date('2026-07-01T09:05:00Z'))).toBe('1 July 2026 at 10:05am');
    expect(formatLondonDateTime(new Date('2026-07-01T11:30:00Z'))).toBe('1 July 2026 at 12:30pm');
    expect(formatLondonDateTime(new Date('2026-01-01T00:00:00Z'))).toBe('1 January 2026 at 12:00am');
  });

  it('cleans text without changing what it says', () => {
    expect(cleanText('a\u0000b\u0007c\u001b\u007f\u0085d\r\ne\rf\tg')).toBe('abc\nd\ne\nf\tg');
    expect(cleanText('<script>&amp;')).toBe('<script>&amp;');
    expect(cleanText('\uD800x\uDC00')).toBe('\uFFFDx\uFFFD');
    expect(cleanText('😀')).toBe('😀');
    expect(cleanText(null)).toBe('');
    expect(cleanText(42)).toBe('42');
  });

  it('keeps metadata text safe for XML', () => {
    expect(metadataText('Referral <A&B>\n"x"')).toBe('Referral AandB x');
  });
});
