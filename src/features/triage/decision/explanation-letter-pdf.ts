/**
 * The letter explaining a threshold decision to a referrer, printed from the text kept when it was written (the
 * `explanations` row): the force's name and address, the date, the referrer's name when they gave one, the subject and
 * the body exactly as kept. The text is never interpreted (no markup); paragraphs are separated by blank lines.
 */
import type { Site } from '../../../config.js';
import {
  BODY,
  BODY_BOLD,
  MARGIN,
  PdfWriter,
  SMALL,
  cleanText,
  formatLondonDateTime,
  pageOf,
  type PdfRenderOptions,
} from '../../../pdf/shared.js';
import { formatLondon } from '../../../lib/dates.js';

export interface ExplanationLetter {
  reference: string;
  /** The referrer's name, or null to address the letter without one. */
  addressee: string | null;
  subject: string;
  body: string;
  sentAt: Date;
}

export async function renderExplanationLetterPdf(
  letter: ExplanationLetter,
  site: Site,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  const reference = cleanText(letter.reference).trim();
  const writer = new PdfWriter({
    title: `Prevent referral ${reference}: letter to the referrer`,
    author: `${site.forceName} ${site.teamName}`,
    subject: cleanText(letter.subject),
    keywords: 'Prevent, referral, letter',
    options,
  });
  const root = writer.root;
  writer.heading(root, 1, site.forceName);
  writer.block(root, 'P', `${site.teamName}\n${site.postalAddress}\n${site.teamEmail}`, SMALL, { after: 16 });
  writer.block(root, 'P', formatLondon(letter.sentAt, false) || formatLondonDateTime(letter.sentAt), BODY, {
    after: 12,
  });
  writer.block(root, 'P', `Our reference: ${reference}`, BODY, { after: 12 });
  const addressee = cleanText(letter.addressee ?? '').trim();
  writer.block(root, 'P', addressee ? `Dear ${addressee}` : 'Dear Sir or Madam', BODY, { after: 12 });
  writer.block(root, 'P', cleanText(letter.subject).trim(), BODY_BOLD, { after: 12 });
  for (const paragraph of cleanText(letter.body).split(/\n\s*\n/)) {
    if (paragraph.trim()) writer.block(root, 'P', paragraph.trim(), BODY, { after: 10 });
  }
  writer.block(root, 'P', `Yours sincerely,\n\n${site.teamName}\n${site.forceName}`, BODY, { after: 0 });
  writer.decoratePages((page, pages) => {
    const { width, height } = writer.doc.page;
    writer.artifactText(pageOf(page, pages), width - MARGIN, height - MARGIN + 20, SMALL, 'right');
  });
  return writer.finish();
}
