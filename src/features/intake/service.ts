import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import * as draftsRepo from './queries/drafts.js';
import type { Draft } from './queries/drafts.js';
import {
  answerPage,
  applyAnswers,
  canVisit,
  CHECK,
  firstOpenPage,
  route,
  type Journey,
  type QuestionPage,
} from '../../forms/journey.js';
import type { Errors, Values } from '../../forms/fields.js';
import { submitDraft, type SubmitDeps, type SubmitResult } from './submissions.js';

export type AnswerOutcome =
  { kind: 'invalid'; values: Values; errors: Errors } | { kind: 'next'; slug: string } | { kind: 'gone' };

/** A journey's use cases: start, answer a page, submit. Routes call these and only render. */
export class JourneyService {
  constructor(
    private readonly db: Db,
    readonly journey: Journey,
    private readonly ttlHours: number,
    private readonly submitDeps: SubmitDeps,
  ) {}

  /** Reuses this browser's live, unsent draft (two tabs share one), or starts a new one. */
  async start(existingId: string | undefined): Promise<Draft> {
    if (existingId) {
      const draft = await draftsRepo.findLiveDraft(this.db, existingId, this.journey.kind);
      if (draft && !draft.submittedReference) return draft;
    }
    return draftsRepo.createDraft(this.db, randomUUID(), this.journey.kind, this.ttlHours);
  }

  async startAgain(): Promise<Draft> {
    return draftsRepo.createDraft(this.db, randomUUID(), this.journey.kind, this.ttlHours);
  }

  load(id: string | undefined): Promise<Draft | undefined> {
    return id ? draftsRepo.findLiveDraft(this.db, id, this.journey.kind) : Promise.resolve(undefined);
  }

  page(slug: string): QuestionPage | undefined {
    return this.journey.pages.get(slug);
  }

  canVisit(draft: Draft, slug: string): boolean {
    return canVisit(this.journey, draft.answers, slug);
  }

  firstOpen(draft: Draft): string {
    return firstOpenPage(this.journey, draft.answers);
  }

  /** The page before this one on the user's path (for the Back link). */
  previous(draft: Draft, slug: string): string | undefined {
    const { pages } = route(this.journey, draft.answers);
    if (slug === CHECK) return pages.at(-1)?.slug;
    const i = pages.findIndex((p) => p.slug === slug);
    return i > 0 ? pages[i - 1]!.slug : undefined;
  }

  path(draft: Draft): QuestionPage[] {
    return route(this.journey, draft.answers).pages;
  }

  async answer(
    draft: Draft,
    page: QuestionPage,
    body: Record<string, unknown>,
    change: boolean,
  ): Promise<AnswerOutcome> {
    const { values, errors } = answerPage(page, body);
    if (Object.keys(errors).length > 0) return { kind: 'invalid', values, errors };
    const answers = applyAnswers(page, draft.answers, values);
    const saved = await draftsRepo.saveAnswers(this.db, draft.id, answers, this.ttlHours);
    if (!saved) return { kind: 'gone' };
    const open = firstOpenPage(this.journey, answers);
    // After a change, go back to check-your-answers unless the change opened new questions.
    if (change && open === CHECK) return { kind: 'next', slug: CHECK };
    const next = page.next(answers.values);
    return { kind: 'next', slug: canVisit(this.journey, answers, next) ? next : open };
  }

  keepAlive(draft: Draft): Promise<Date | undefined> {
    return draftsRepo.extendDraft(this.db, draft.id, this.ttlHours);
  }

  remove(draft: Draft): Promise<void> {
    return draftsRepo.deleteDraft(this.db, draft.id);
  }

  submit(draftId: string): Promise<SubmitResult> {
    return submitDraft(this.db, this.journey, draftId, this.submitDeps);
  }
}
