import { describe, expect, it } from 'vitest';
import { loadSite } from '../../src/config.js';
import { renderExplanationLetterPdf } from '../../src/features/triage/decision/explanation-letter-pdf.js';

const site = loadSite();

/** The text drawn by the standard fonts (hex strings in TJ arrays), joined: enough to check what the letter says. */
function drawnText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const parts: string[] = [];
  for (const [, array] of source.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    for (const [, hex] of array!.matchAll(/<([0-9a-fA-F]*)>/g)) parts.push(Buffer.from(hex!, 'hex').toString('latin1'));
    parts.push(' ');
  }
  return parts.join('').replace(/\s+/g, ' ');
}

describe('the explanation letter', () => {
  const letter = {
    reference: 'ABCD2345',
    addressee: 'Casey Referrer',
    subject: 'Your Prevent referral ABCD2345',
    body: 'Thank you for telling us.\n\nWe decided the concern does not need Prevent support.',
    sentAt: new Date('2026-06-01T09:30:00Z'),
  };

  it('prints the force, the reference, the addressee and the kept text', async () => {
    const pdf = await renderExplanationLetterPdf(letter, site, { compress: false, font: 'standard' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = drawnText(pdf);
    expect(text).toContain(site.forceName);
    expect(text).toContain('Our reference: ABCD2345');
    expect(text).toContain('Dear Casey Referrer');
    expect(text).toContain('1 June 2026');
    expect(text).toContain('We decided the concern does not need Prevent support.');
  });

  it('addresses an unnamed referrer politely', async () => {
    const pdf = await renderExplanationLetterPdf({ ...letter, addressee: null }, site, {
      compress: false,
      font: 'standard',
    });
    const text = drawnText(pdf);
    expect(text).toContain('Dear Sir or Madam');
    expect(text).not.toContain('Casey');
  });
});
