/**
 * Helpers shared by the PDF renderers: document set-up (tagged PDF, metadata, fonts), a small text layout engine
 * that writes every piece of text inside a structure element and every decoration as an artifact, and page
 * furniture (running headers and footers, "Page N of M").
 *
 * We lay text out ourselves rather than use pdfkit's line wrapper because:
 * - pdfkit re-measures the whole remainder of a word each time it splits one that is wider than a line, which is
 *   quadratic: a 100,000-character value without spaces would take minutes;
 * - we need to swap characters the font cannot draw for a visible replacement (and keep the real text as ActualText);
 * - right-to-left scripts need their words put in visual order (pdfkit only shapes each word).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';
import { formatLondon } from '../lib/dates.js';

/** pdfkit (about 28 MB resident) is loaded the first time a PDF is made, not when the server starts. */
const requireLazily = createRequire(import.meta.url);
let PDFDocumentClass: typeof PDFDocument | undefined;
function newPdfDocument(options?: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  PDFDocumentClass ??= requireLazily('pdfkit') as typeof PDFDocument;
  return new PDFDocumentClass(options);
}

export const PAGE_SIZE = 'A4';
export const MARGIN = 56;
export const TEXT_COLOUR = '#000000';
export const RULE_COLOUR = '#000000';

/** Which fonts to use. */
export type FontSetting =
  /** DejaVu Sans from the system font folder if installed (embedded, covers Latin, Greek, Cyrillic, Arabic, Hebrew), else Helvetica. */
  | 'auto'
  /** Helvetica, not embedded. Latin-1 only: other characters are shown as "?". No PDF/UA claim. */
  | 'standard'
  /** TrueType files to embed. Falls back to Helvetica if they cannot be read. */
  | { regular: string; bold: string };

export interface PdfRenderOptions {
  /** Compress page content streams. Default true. Tests pass false so the content can be read. */
  compress?: boolean;
  /** Default 'auto'. */
  font?: FontSetting;
}

/** System locations of DejaVu Sans (Debian/Ubuntu, Fedora/RHEL, Arch, Alpine, FreeBSD). */
const SYSTEM_FONTS: { regular: string; bold: string }[] = [
  {
    regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  },
  {
    regular: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
    bold: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  },
  { regular: '/usr/share/fonts/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/TTF/DejaVuSans.ttf', bold: '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf' },
  {
    regular: '/usr/local/share/fonts/dejavu/DejaVuSans.ttf',
    bold: '/usr/local/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  },
];

const fileCache = new Map<string, Buffer | null>();

function readFontFile(file: string): Buffer | null {
  if (!fileCache.has(file)) {
    let data: Buffer | null = null;
    try {
      data = readFileSync(file);
    } catch {
      data = null;
    }
    fileCache.set(file, data);
  }
  return fileCache.get(file) ?? null;
}

interface FontFiles {
  regular: Buffer;
  bold: Buffer;
}

const usable = new Map<Buffer, boolean>();

/** Whether pdfkit can load the font, checked once per file so a damaged file never fails a real document. */
function canLoad(data: Buffer): boolean {
  let ok = usable.get(data);
  if (ok === undefined) {
    try {
      const probe = newPdfDocument({ autoFirstPage: false });
      probe.registerFont('Probe', data);
      probe.font('Probe');
      ok = true;
    } catch {
      ok = false;
    }
    usable.set(data, ok);
  }
  return ok;
}

function findFontFiles(setting: FontSetting): FontFiles | null {
  if (setting === 'standard') return null;
  const candidates = setting === 'auto' ? SYSTEM_FONTS : [setting];
  for (const candidate of candidates) {
    const regular = readFontFile(candidate.regular);
    const bold = readFontFile(candidate.bold);
    if (regular && bold && canLoad(regular) && canLoad(bold)) return { regular, bold };
  }
  return null;
}

/** Font names registered with a document, and whether they are embedded. */
export interface DocumentFonts {
  embedded: boolean;
  regular: string;
  bold: string;
}

export interface DocumentSetup {
  title: string;
  author: string;
  subject: string;
  keywords?: string;
  options?: PdfRenderOptions;
}

// ---------------------------------------------------------------------------------------------------------------
// Text cleaning
// ---------------------------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes any value safe to hand to pdfkit, keeping the text otherwise exactly as given: C0 and C1 control characters
 * are removed except newline and tab, line endings become "\n", and broken surrogate halves become U+FFFD.
 */
export function cleanText(value: unknown): string {
  const text = typeof value === 'string' ? value : value == null ? '' : String(value);
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Text for the document information dictionary and XMP metadata. pdfkit writes the title into XML without escaping,
 * so XML-special characters are replaced, and it is kept to one line.
 */
export function metadataText(value: string, maxLength = 200): string {
  const text = cleanText(value).replace(/\s+/g, ' ').replace(/&/g, 'and').replace(/[<>"]/g, '').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** "25 November 2026 at 10:04pm", in UK time (GMT or BST as it was on that date). */
export function formatLondonDateTime(date: Date): string {
  return formatLondon(date, true) || 'Date not known';
}

// ---------------------------------------------------------------------------------------------------------------
// Glyph coverage and bidirectional text
// ---------------------------------------------------------------------------------------------------------------

const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c,
  0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** Characters the standard (WinAnsi-encoded) fonts can draw. */
function winAnsiHasGlyph(codePoint: number): boolean {
  return (
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xff) ||
    WIN_ANSI_EXTRA.has(codePoint)
  );
}

const RTL_RANGES = '\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFF\\u{10800}-\\u{10FFF}\\u{1E800}-\\u{1EFFF}';
const RTL_LETTER = new RegExp(`(?=\\p{L})[${RTL_RANGES}]`, 'u');
const LTR_LETTER = new RegExp(`(?![${RTL_RANGES}])\\p{L}`, 'u');
const FIRST_STRONG = new RegExp(`(?=\\p{L})[${RTL_RANGES}]|(?![${RTL_RANGES}])\\p{L}`, 'u');
const ANY_RTL = new RegExp(`[${RTL_RANGES}]`, 'u');

type Direction = 'ltr' | 'rtl' | 'neutral';

function wordDirection(word: string): Direction {
  const rtl = RTL_LETTER.test(word);
  const ltr = LTR_LETTER.test(word);
  if (rtl && !ltr) return 'rtl';
  if (ltr) return 'ltr';
  return 'neutral';
}

/**
 * Approximate grapheme clusters: a character with its combining marks, joined by zero-width joiners. Intl.Segmenter
 * would be exact but is quadratic on long strings in V8 (a 40,000-character word takes about a second).
 */
const CLUSTER = /\P{M}\p{M}*(?:\u200D\P{M}\p{M}*)*|\p{M}+/gsu;

// ---------------------------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------------------------

export interface TextStyle {
  bold?: boolean;
  size: number;
  /** Distance between baselines, as a multiple of size. Default 1.4. */
  leading?: number;
}

interface Item {
  text: string;
  width: number;
  space: boolean;
  dir: Direction;
}

interface Line {
  items: Item[];
  width: number;
  /** Right-to-left paragraph: the line is aligned right. */
  rtl: boolean;
  /** Drawn word by word, in visual order. */
  mixed: boolean;
  /** The line was broken at a space: a space is drawn after it so extracted text does not run words together. */
  spaceAfter?: boolean;
}

export interface PreparedText {
  lines: Line[];
  /** The drawn text differs from the logical text (replaced characters, reordered words, forced breaks). */
  altered: boolean;
  /** Some characters could not be drawn and were replaced. */
  replaced: boolean;
  style: TextStyle;
  width: number;
}

type Element = PDFKit.PDFStructureElement;
type ElementOptions = NonNullable<Parameters<PDFKit.PDFDocument['struct']>[1]> & {
  scope?: 'Row' | 'Column' | 'Both';
};

export interface BlockOptions {
  /** Left indent from the margin, in points. */
  indent?: number;
  /** Space after the block, in points. */
  after?: number;
  /** Width to wrap to. Default: the full text width less the indent. */
  width?: number;
  /** Extra structure element options (for example scope for TH). */
  element?: ElementOptions;
  /** Space to keep free below the first line so the block is not stranded at the bottom of a page. */
  keepWithNext?: number;
  /** If the text runs on to another page, repeat this at the top of that page (as an artifact), with "(continued)". */
  continuedLabel?: string;
}

/**
 * Wraps a pdfkit document that is tagged from the start. All text goes through {@link PdfWriter.block} (or the
 * helpers built on it) so it lands inside a structure element; all lines and boxes through {@link PdfWriter.artifact}.
 */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly fonts: DocumentFonts;
  /** The Document structure element everything hangs from. */
  readonly root: Element;
  readonly left = MARGIN;
  readonly textWidth: number;
  private readonly coverage = new Map<string, (codePoint: number) => boolean>();
  private readonly widths = new Map<string, number>();
  private readonly replacement = new Map<string, string>();
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(setup: DocumentSetup) {
    const options = setup.options ?? {};
    const files = findFontFiles(options.font ?? 'auto');
    const info = {
      Title: metadataText(setup.title),
      Author: metadataText(setup.author),
      Subject: metadataText(setup.subject, 500),
      ...(setup.keywords ? { Keywords: metadataText(setup.keywords) } : {}),
    };
    const documentOptions = {
      size: PAGE_SIZE,
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      compress: options.compress ?? true,
      pdfVersion: '1.7' as const,
      tagged: true,
      lang: 'en-GB',
      displayTitle: true,
      bufferPages: true,
      info,
      // PDF/UA needs every font embedded, so it is only claimed when we embed one.
      ...(files ? { subset: 'PDF/UA' } : {}),
    } as PDFKit.PDFDocumentOptions;
    this.doc = newPdfDocument(documentOptions);
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.fonts = this.registerFonts(files);
    this.textWidth = this.doc.page.width - MARGIN * 2;
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
    this.doc.fillColor(TEXT_COLOUR);
  }

  private registerFonts(files: FontFiles | null): DocumentFonts {
    if (files) {
      try {
        this.doc.registerFont('Body', files.regular);
        this.doc.registerFont('Body-Bold', files.bold);
        // Loading now means a damaged file falls back to Helvetica instead of failing mid-document.
        this.doc.font('Body-Bold');
        this.doc.font('Body');
        return { embedded: true, regular: 'Body', bold: 'Body-Bold' };
      } catch {
        // Not expected: findFontFiles has already loaded these files once. Fall back to the standard fonts.
      }
    }
    this.doc.font('Helvetica');
    return { embedded: false, regular: 'Helvetica', bold: 'Helvetica-Bold' };
  }

  get maxY(): number {
    return this.doc.page.height - MARGIN;
  }

  get top(): number {
    return MARGIN;
  }

  fontName(style: Pick<TextStyle, 'bold'>): string {
    return style.bold ? this.fonts.bold : this.fonts.regular;
  }

  lineHeight(style: TextStyle): number {
    return style.size * (style.leading ?? 1.4);
  }

  private useFont(style: TextStyle): void {
    this.doc.font(this.fontName(style)).fontSize(style.size);
  }

  private hasGlyph(fontName: string): (codePoint: number) => boolean {
    let check = this.coverage.get(fontName);
    if (!check) {
      this.doc.font(fontName);
      const font = (this.doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: unknown } } })._font?.font;
      const fontkitFont = font as { hasGlyphForCodePoint?: (codePoint: number) => boolean } | undefined;
      if (this.fonts.embedded && typeof fontkitFont?.hasGlyphForCodePoint === 'function') {
        const cache = new Map<number, boolean>();
        check = (codePoint) => {
          let has = cache.get(codePoint);
          if (has === undefined) {
            try {
              has = fontkitFont.hasGlyphForCodePoint!(codePoint);
            } catch {
              has = false;
            }
            cache.set(codePoint, has);
          }
          return has;
        };
      } else {
        check = winAnsiHasGlyph;
      }
      this.coverage.set(fontName, check);
    }
    return check;
  }

  /** What to draw for a character the font lacks. */
  private replacementFor(fontName: string): string {
    let value = this.replacement.get(fontName);
    if (value === undefined) {
      value = this.hasGlyph(fontName)(0xfffd) ? '\uFFFD' : '?';
      this.replacement.set(fontName, value);
    }
    return value;
  }

  /** Replaces characters the font cannot draw. Invisible format characters and marks without a glyph are dropped. */
  private drawable(text: string, fontName: string): { text: string; replaced: boolean; changed: boolean } {
    const has = this.hasGlyph(fontName);
    let out = '';
    let replaced = false;
    let changed = false;
    for (const char of text) {
      if (char === '\n' || char === ' ') {
        out += char;
        continue;
      }
      if (char === '\t') {
        out += '    ';
        continue;
      }
      const codePoint = char.codePointAt(0) ?? 0;
      if (has(codePoint)) {
        out += char;
      } else if (/[\p{Cf}\p{Mn}\p{Me}]/u.test(char)) {
        changed = true;
      } else if (/\s/u.test(char)) {
        out += ' ';
        changed = true;
      } else {
        out += this.replacementFor(fontName);
        replaced = true;
        changed = true;
      }
    }
    return { text: out, replaced, changed };
  }

  private measure(text: string, fontName: string, size: number): number {
    const key = `${fontName}\u0000${size}\u0000${text}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      this.doc.font(fontName).fontSize(size);
      width = this.doc.widthOfString(text);
      if (text.length <= 64) this.widths.set(key, width);
    }
    return width;
  }

  /** Cleans and lays out text for drawing at the given width. */
  prepare(value: unknown, style: TextStyle, width = this.textWidth): PreparedText {
    const fontName = this.fontName(style);
    const clean = cleanText(value);
    const { text, replaced, changed } = this.drawable(clean, fontName);
    let altered = changed || ANY_RTL.test(text);
    const lines: Line[] = [];
    for (const paragraph of text.split('\n')) {
      const firstStrong = FIRST_STRONG.exec(paragraph)?.[0];
      const rtl = firstStrong !== undefined && RTL_LETTER.test(firstStrong);
      const result = this.wrap(paragraph, fontName, style.size, width, rtl);
      if (result.broken) altered = true;
      lines.push(...result.lines);
    }
    return { lines, altered, replaced, style, width };
  }

  private wrap(
    paragraph: string,
    fontName: string,
    size: number,
    width: number,
    rtl: boolean,
  ): { lines: Line[]; broken: boolean } {
    const lines: Line[] = [];
    let broken = false;
    let current: Item[] = [];
    let currentWidth = 0;
    const finish = (): void => {
      let spaceAfter = false;
      while (current.length > 0 && current[current.length - 1]!.space) {
        currentWidth -= current.pop()!.width;
        spaceAfter = true;
      }
      lines.push({ ...this.orderLine(current, currentWidth, rtl), spaceAfter });
      current = [];
      currentWidth = 0;
    };
    const tokens = paragraph.match(/\s+|\S+/gu) ?? [];
    for (const token of tokens) {
      const space = /^\s/u.test(token);
      if (space && current.length === 0 && lines.length > 0) continue;
      // Very long tokens go straight to the character-by-character path, which measures each character once.
      const tokenWidth = token.length > 200 && !space ? Infinity : this.measure(token, fontName, size);
      if (space) {
        current.push({ text: token, width: tokenWidth, space: true, dir: 'neutral' });
        currentWidth += tokenWidth;
        continue;
      }
      const dir = wordDirection(token);
      if (currentWidth + tokenWidth <= width || (current.length === 0 && tokenWidth <= width)) {
        current.push({ text: token, width: tokenWidth, space: false, dir });
        currentWidth += tokenWidth;
        continue;
      }
      if (tokenWidth <= width) {
        finish();
        current.push({ text: token, width: tokenWidth, space: false, dir });
        currentWidth = tokenWidth;
        continue;
      }
      // A word wider than the line: break it between characters, filling each line.
      if (current.some((item) => !item.space)) finish();
      else {
        current = [];
        currentWidth = 0;
      }
      let chunk = '';
      let chunkWidth = 0;
      for (const [segment] of token.matchAll(CLUSTER)) {
        const segmentWidth = this.measure(segment, fontName, size);
        if (chunk && chunkWidth + segmentWidth > width) {
          broken = true;
          current.push({ text: chunk, width: chunkWidth, space: false, dir });
          currentWidth = chunkWidth;
          finish();
          chunk = '';
          chunkWidth = 0;
        }
        chunk += segment;
        chunkWidth += segmentWidth;
      }
      if (chunk) {
        current.push({ text: chunk, width: chunkWidth, space: false, dir });
        currentWidth = chunkWidth;
      }
    }
    if (current.length > 0 || lines.length === 0) finish();
    return { lines, broken };
  }

  /**
   * Puts a line's words in visual order (a simplified version of the Unicode bidirectional algorithm, enough for
   * names, addresses and sentences): runs of right-to-left words are reversed in a left-to-right paragraph, and in a
   * right-to-left paragraph the line is reversed except for runs of left-to-right words.
   */
  private orderLine(items: Item[], width: number, rtl: boolean): Line {
    const hasRtl = items.some((item) => item.dir === 'rtl');
    if (!hasRtl && !rtl) return { items, width, rtl: false, mixed: false };
    const reverseRuns = (list: Item[], dir: Direction): Item[] => {
      const out: Item[] = [];
      let i = 0;
      while (i < list.length) {
        if (list[i]!.dir !== dir) {
          out.push(list[i]!);
          i++;
          continue;
        }
        // Extend the run to the last word of this direction reachable through neutral items.
        let end = i;
        for (let j = i + 1; j < list.length; j++) {
          const item = list[j]!;
          if (item.dir === dir) end = j;
          else if (item.dir !== 'neutral') break;
        }
        out.push(...list.slice(i, end + 1).reverse());
        i = end + 1;
      }
      return out;
    };
    const ordered = rtl ? reverseRuns([...items].reverse(), 'ltr') : reverseRuns(items, 'rtl');
    return { items: ordered, width, rtl, mixed: true };
  }

  /** Height of prepared text. */
  height(prepared: PreparedText): number {
    return prepared.lines.length * this.lineHeight(prepared.style);
  }

  /** Starts a new page if less than `height` points are left (and we are not already at the top). */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.maxY && this.doc.y > this.top + 1) {
      this.doc.addPage();
      this.doc.fillColor(TEXT_COLOUR);
      this.doc.y = this.top;
    }
  }

  /** Draws prepared lines at the current position. Must be called inside marked content; continues across pages. */
  private drawLines(prepared: PreparedText, x: number, continuedLabel?: string): void {
    const { doc } = this;
    const { style } = prepared;
    const lineHeight = this.lineHeight(style);
    this.useFont(style);
    doc.fillColor(TEXT_COLOUR);
    for (const line of prepared.lines) {
      if (doc.y + lineHeight > this.maxY && doc.y > this.top + 1) {
        // What doc.continueOnNewPage() does (close the marked content on this page and reopen it, with a new MCID,
        // on the next), with room to draw the "continued" label as an artifact in between.
        const markings = doc.endPageMarkings(doc.page);
        doc.addPage();
        doc.y = this.top;
        if (continuedLabel) {
          const label = `${continuedLabel} (continued)`;
          this.artifact(() => this.artifactText(label, this.left, this.top, SMALL_BOLD), 'Pagination', ['Top']);
          doc.y = this.top + this.lineHeight(SMALL_BOLD) + 2;
        }
        doc.initPageMarkings(markings);
        this.useFont(style);
        doc.fillColor(TEXT_COLOUR);
      }
      const lineTop = doc.y;
      // Centre the glyphs (about 1.16 em tall) in the line box.
      const y = lineTop + (lineHeight - style.size * 1.16) / 2;
      let cursor = line.rtl ? x + prepared.width - line.width : x;
      // Spaces are drawn too (including one after a line broken at a space, which is invisible), so extracted
      // text keeps the gaps between words.
      if (!line.mixed) {
        const text = line.items.map((item) => item.text).join('') + (line.spaceAfter ? ' ' : '');
        if (text.trim()) doc.text(text, cursor, y, { lineBreak: false });
      } else {
        for (const item of line.items) {
          doc.text(item.text, cursor, y, { lineBreak: false });
          cursor += item.width;
        }
        if (line.spaceAfter) doc.text(' ', cursor, y, { lineBreak: false });
      }
      doc.y = lineTop + lineHeight;
    }
    doc.x = this.left;
  }

  /**
   * Writes text as a structure element of the given type (P, H1, TD, LBody...) under `parent`. When the drawn text
   * differs from the real text (replaced characters, right-to-left words, long words broken), the real text is given
   * as ActualText so screen readers and copy-and-paste get it.
   */
  block(parent: Element, type: string, value: unknown, style: TextStyle, options: BlockOptions = {}): PreparedText {
    const indent = options.indent ?? 0;
    const width = options.width ?? this.textWidth - indent;
    const prepared = this.prepare(value, style, width);
    this.ensureSpace(this.lineHeight(style) + (options.keepWithNext ?? 0));
    const elementOptions: ElementOptions = { ...(options.element ?? {}) };
    if (prepared.altered) elementOptions.actual = cleanText(value);
    parent.add(
      this.doc.struct(type, elementOptions, () => this.drawLines(prepared, this.left + indent, options.continuedLabel)),
    );
    this.doc.y += options.after ?? 0;
    return prepared;
  }

  /** A structure element that will hold other elements. */
  group(parent: Element, type: string, options: ElementOptions = {}): Element {
    const element = this.doc.struct(type, options);
    parent.add(element);
    return element;
  }

  heading(parent: Element, level: 1 | 2 | 3 | 4, text: string, options: BlockOptions = {}): void {
    const sizes = { 1: 24, 2: 17, 3: 13, 4: 12 } as const;
    const style: TextStyle = { bold: true, size: sizes[level], leading: 1.25 };
    if (this.doc.y > this.top + 1) this.doc.y += level === 1 ? 0 : level === 2 ? 10 : 4;
    this.block(parent, `H${level}`, text, style, {
      after: level <= 2 ? 8 : 4,
      keepWithNext: 40,
      ...options,
    });
  }

  /** Draws decoration that is not content: rules, boxes, page furniture. */
  artifact(
    draw: (doc: PDFKit.PDFDocument) => void,
    type: 'Layout' | 'Pagination' = 'Layout',
    attached?: string[],
  ): void {
    const { doc } = this;
    const { x, y } = doc;
    doc.markContent('Artifact', { type, ...(attached ? { attached } : {}) });
    doc.save();
    draw(doc);
    doc.restore();
    doc.endMarkedContent();
    doc.x = x;
    doc.y = y;
    doc.fillColor(TEXT_COLOUR);
  }

  /** Draws a single line of artifact text; nothing here may wrap or add a page. */
  artifactText(
    text: string,
    x: number,
    y: number,
    style: TextStyle,
    align: 'left' | 'centre' | 'right' = 'left',
  ): void {
    const fontName = this.fontName(style);
    const drawn = this.drawable(cleanText(text).replace(/\n/g, ' '), fontName).text;
    const width = this.measure(drawn, fontName, style.size);
    const left = align === 'left' ? x : align === 'centre' ? x - width / 2 : x - width;
    this.useFont(style);
    this.doc.fillColor(TEXT_COLOUR).text(drawn, left, y, { lineBreak: false });
  }

  /** Runs `draw` on every page (as an artifact) once the content is complete, for running headers and footers. */
  decoratePages(draw: (page: number, pages: number) => void): void {
    const { start, count } = this.doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i);
      this.artifact(() => draw(i - start + 1, count), 'Pagination');
    }
  }

  /** Ends the document and resolves with the bytes. */
  finish(): Promise<Buffer> {
    this.root.end();
    this.doc.end();
    return this.done;
  }
}

/** Standard body text style. */
export const BODY: TextStyle = { size: 12 };
export const BODY_BOLD: TextStyle = { size: 12, bold: true };
export const SMALL: TextStyle = { size: 10 };
export const SMALL_BOLD: TextStyle = { size: 10, bold: true };

/** "Page N of M" footer text. */
export function pageOf(page: number, pages: number): string {
  return `Page ${page} of ${pages}`;
}
