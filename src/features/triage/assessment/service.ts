import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { appendCaseEvent } from '../case-events.js';
import { assessmentFrameworks, assessments, staffUsers } from '../../../db/schema/index.js';

/**
 * The assessment of a referral against the active framework version (seeded: the Vulnerability Assessment Framework).
 * The officer rates each factor and writes their rationale; nothing is scored or added up. Each assessment is a new row
 * pointing at the one before (never changed), with an 'assessment' entry in the chronology.
 */

const item = z.object({ code: z.string().min(1), label: z.string().min(1) });
export const frameworkDefinition = z.object({
  ratings: z.array(item).min(1),
  sections: z
    .array(
      z.object({
        code: z.string().min(1),
        title: z.string().min(1),
        hint: z.string().optional(),
        factors: z.array(item).min(1),
      }),
    )
    .min(1),
  freeText: z.array(item).default([]),
});
export type FrameworkDefinition = z.infer<typeof frameworkDefinition>;

export interface Framework {
  code: string;
  version: number;
  title: string;
  definition: FrameworkDefinition;
}

/** What one assessment holds (the `answers` column). */
export interface AssessmentAnswers {
  factors: Record<string, { rating: string; rationale: string }>;
  sections: Record<string, string>;
  freeText: Record<string, string>;
}

export interface AssessmentRow {
  id: string;
  frameworkCode: string;
  frameworkVersion: number;
  answers: AssessmentAnswers;
  summary: string;
  previousId: string | null;
  createdByName: string | null;
  createdAt: Date;
}

/** The framework an assessment is made with now (the active version of `code`), or null if none is active. */
export async function activeFramework(db: Db, code = 'vaf'): Promise<Framework | null> {
  const [row] = await db
    .select()
    .from(assessmentFrameworks)
    .where(and(eq(assessmentFrameworks.code, code), eq(assessmentFrameworks.active, true)));
  return row ? toFramework(row) : null;
}

/** Every version an assessment of this referral was made with (to show old assessments with their own labels). */
export async function frameworksOf(db: Db, keys: { code: string; version: number }[]): Promise<Map<string, Framework>> {
  const out = new Map<string, Framework>();
  for (const k of keys) {
    const id = `${k.code}@${k.version}`;
    if (out.has(id)) continue;
    const [row] = await db
      .select()
      .from(assessmentFrameworks)
      .where(and(eq(assessmentFrameworks.code, k.code), eq(assessmentFrameworks.version, k.version)));
    if (row) out.set(id, toFramework(row));
  }
  return out;
}

function toFramework(row: typeof assessmentFrameworks.$inferSelect): Framework {
  return {
    code: row.code,
    version: row.version,
    title: row.title,
    definition: frameworkDefinition.parse(row.definition),
  };
}

export function normaliseAnswers(raw: unknown): AssessmentAnswers {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<AssessmentAnswers>;
  return { factors: r.factors ?? {}, sections: r.sections ?? {}, freeText: r.freeText ?? {} };
}

/** A referral's assessments, oldest first. */
export async function listAssessments(db: Db, referralId: string): Promise<AssessmentRow[]> {
  const rows = await db
    .select({
      id: assessments.id,
      frameworkCode: assessments.frameworkCode,
      frameworkVersion: assessments.frameworkVersion,
      answers: assessments.answers,
      summary: assessments.summary,
      previousId: assessments.previousId,
      createdByName: staffUsers.displayName,
      createdAt: assessments.createdAt,
    })
    .from(assessments)
    .leftJoin(staffUsers, eq(staffUsers.id, assessments.createdBy))
    .where(eq(assessments.referralId, referralId))
    .orderBy(asc(assessments.createdAt), asc(assessments.id));
  return rows.map((r) => ({ ...r, answers: normaliseAnswers(r.answers) }));
}

export async function latestAssessment(db: Db, referralId: string): Promise<AssessmentRow | null> {
  const all = await listAssessments(db, referralId);
  return all.at(-1) ?? null;
}

/**
 * Saves a new assessment after the referral's latest one (the referral's row is locked, so two officers saving at once
 * make a chain, not a fork), and its chronology entry. Returns the new id.
 */
export async function saveAssessment(
  db: Db,
  input: { referralId: string; officerId: string; framework: Framework; answers: AssessmentAnswers; summary: string },
): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from referrals where id = ${input.referralId} for update`);
    const [previous] = await tx
      .select({ id: assessments.id })
      .from(assessments)
      .where(eq(assessments.referralId, input.referralId))
      .orderBy(desc(assessments.createdAt), desc(assessments.id))
      .limit(1);
    const [row] = await tx
      .insert(assessments)
      .values({
        referralId: input.referralId,
        frameworkCode: input.framework.code,
        frameworkVersion: input.framework.version,
        answers: input.answers as unknown as Record<string, unknown>,
        summary: input.summary,
        previousId: previous?.id ?? null,
        createdBy: input.officerId,
        // After the previous one even within one transaction's clock (now() is the transaction's start).
        createdAt: sql`clock_timestamp()`,
      })
      .returning({ id: assessments.id });
    await appendCaseEvent(tx, {
      record: { referralId: input.referralId },
      kind: 'assessment',
      author: { kind: 'staff', id: input.officerId },
      body: input.summary,
      data: {
        assessmentId: row!.id,
        previousId: previous?.id ?? null,
        framework: input.framework.code,
        version: input.framework.version,
      },
    });
    return row!.id;
  });
}
