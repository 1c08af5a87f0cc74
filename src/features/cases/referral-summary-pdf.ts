/**
 * A summary of one submitted referral, for the Prevent team. The caller builds the sections, so this module knows
 * nothing about the database. Every value is written exactly as given (no HTML or markup is interpreted); control
 * characters are removed, very long values run on across pages, and characters the font cannot draw are shown as a
 * replacement character while the real text is kept as ActualText.
 */
import type { Site } from '../../config.js';
import {
  BODY_BOLD,
  MARGIN,
  PdfWriter,
  SMALL,
  SMALL_BOLD,
  cleanText,
  formatLondonDateTime,
  pageOf,
  type PdfRenderOptions,
  type TextStyle,
} from '../../pdf/shared.js';

export type { PdfRenderOptions } from '../../pdf/shared.js';

export interface ReferralSummaryRow {
  label: string;
  value: string;
}

export interface ReferralSummarySection {
  title: string;
  rows: ReferralSummaryRow[];
}

export interface ReferralSummary {
  reference: string;
  receivedAt: Date;
  source: string;
  sections: ReferralSummarySection[];
}

/** The protective marking shown at the top of the summary and in the header and footer of every page. */
export const PROTECTIVE_MARKING = 'OFFICIAL-SENSITIVE';

const NOT_GIVEN = 'Not given';
const LABEL: TextStyle = { size: 11, bold: true, leading: 1.35 };
const VALUE: TextStyle = { size: 11, leading: 1.4 };
const NOTE: TextStyle = { size: 10, leading: 1.35 };
const RULE_GREY = '#505a5f';

type Element = PDFKit.PDFStructureElement;

function isBlank(value: string): boolean {
  return value.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '') === '';
}

/**
 * Writes label/value rows as a table (TR > TH + TD), laid out with the label above its value so long values have
 * the full width and can run on across pages.
 */
function writeRows(writer: PdfWriter, parent: Element, rows: ReferralSummaryRow[]): void {
  const table = writer.group(parent, 'Table');
  rows.forEach((row, index) => {
    const label = cleanText(row?.label);
    const raw = cleanText(row?.value);
    const value = isBlank(raw) ? NOT_GIVEN : raw;
    const labelHeight = writer.height(writer.prepare(isBlank(label) ? 'Untitled' : label, LABEL));
    // Keep the label with at least the first two lines of its value.
    writer.ensureSpace(labelHeight + 2 + 2 * writer.lineHeight(VALUE));
    if (index > 0) {
      const y = writer.doc.y;
      writer.artifact((doc) => {
        doc
          .lineWidth(0.5)
          .strokeColor(RULE_GREY)
          .moveTo(MARGIN, y)
          .lineTo(MARGIN + writer.textWidth, y)
          .stroke();
      });
      writer.doc.y += 6;
    }
    const tr = writer.group(table, 'TR');
    writer.block(tr, 'TH', isBlank(label) ? 'Untitled' : label, LABEL, {
      element: { scope: 'Row' },
      after: 2,
      keepWithNext: writer.lineHeight(VALUE),
    });
    const td = writer.group(tr, 'TD');
    const prepared = writer.block(td, 'P', value, VALUE, {
      after: 4,
      continuedLabel: isBlank(label) ? undefined : label.replace(/\s+/g, ' ').slice(0, 80),
    });
    if (prepared.replaced) {
      writer.block(
        td,
        'P',
        'Some characters in this answer cannot be shown in this PDF and have been replaced with a symbol. Copying the text, or using a screen reader, gives the original. You can also see it in the referral record.',
        NOTE,
        { after: 4 },
      );
    }
    td.end();
    tr.end();
    writer.doc.y += 4;
  });
  table.end();
}

/**
 * Renders the summary of one referral.
 * @param summary what to show; values are printed exactly as given
 * @param site names from config/site.json
 */
export async function renderReferralSummaryPdf(
  summary: ReferralSummary,
  site: Site,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  const reference = cleanText(summary?.reference).trim() || 'without a reference';
  const title = `Referral ${reference}`;
  const writer = new PdfWriter({
    title,
    author: `${site.forceName} ${site.serviceName}`,
    subject: `${PROTECTIVE_MARKING}: summary of Prevent referral ${reference}`,
    keywords: `${PROTECTIVE_MARKING}, Prevent, referral`,
    options,
  });
  const root = writer.root;

  writer.block(root, 'P', PROTECTIVE_MARKING, BODY_BOLD, { after: 10 });
  writer.heading(root, 1, title);
  writeRows(writer, root, [
    { label: 'Received', value: formatLondonDateTime(summary?.receivedAt) },
    { label: 'Source', value: cleanText(summary?.source) },
  ]);

  for (const section of Array.isArray(summary?.sections) ? summary.sections : []) {
    const sect = writer.group(root, 'Sect');
    const sectionTitle = cleanText(section?.title).trim() || 'Untitled section';
    writer.heading(sect, 2, sectionTitle, { keepWithNext: 60 });
    const rows = Array.isArray(section?.rows) ? section.rows : [];
    if (rows.length === 0) {
      writer.block(sect, 'P', 'No answers in this section.', VALUE, { after: 8 });
    } else {
      writeRows(writer, sect, rows);
    }
    sect.end();
  }

  writer.decoratePages((page, pages) => {
    const { width, height } = writer.doc.page;
    writer.artifactText(PROTECTIVE_MARKING, width / 2, MARGIN - 34, SMALL_BOLD, 'centre');
    const footerY = height - MARGIN + 20;
    writer.artifactText(PROTECTIVE_MARKING, width / 2, footerY, SMALL_BOLD, 'centre');
    writer.artifactText(pageOf(page, pages), width - MARGIN, footerY, SMALL, 'right');
  });
  return writer.finish();
}
