import { activeFields, parseFields, type Errors, type Field, type Values } from './fields.js';

export const CHECK = 'check-answers';

/** One question page of a journey: its fields, its cross-field rules, and where it leads. */
export interface QuestionPage {
  slug: string;
  /** The page heading (h1). With one field, the field's label becomes the heading. */
  title: string;
  caption?: string;
  fields: Field[];
  /** Name of a partial in `src/features/intake/views/guidance/` shown above the fields. */
  guidance?: string;
  /** Rules that span fields, run after each field's own checks passed. */
  validate?: (values: Values) => Errors;
  /** The next page's slug, `CHECK`, or the slug of a stop page. */
  next: (answers: Values) => string;
  /** Not repeated in check-your-answers (the safety gate). */
  hideInSummary?: boolean;
}

export interface StopPage {
  slug: string;
  title: string;
  template: string;
}

export interface Journey {
  kind: 'referral' | 'advice';
  basePath: string;
  /** Short name of the journey, for titles ("Make a Prevent referral"). */
  name: string;
  firstSlug: string;
  pages: ReadonlyMap<string, QuestionPage>;
  stops: ReadonlyMap<string, StopPage>;
  /** Version of the questions, saved with every submission. */
  version: number;
}

/** What a draft holds: the values typed so far, and which pages were completed (passed validation). */
export interface DraftAnswers {
  values: Values;
  completed: string[];
}

export interface Route {
  /** Pages on the user's path, in order, up to and including the first one not completed. */
  pages: QuestionPage[];
  /** The first page not yet completed, or undefined when the path reaches check-your-answers or a stop. */
  current: string | undefined;
  stop: string | undefined;
  complete: boolean;
}

/** Walks the journey from its first page following each page's `next`, as far as the completed pages allow. */
export function route(journey: Journey, answers: DraftAnswers): Route {
  const done = new Set(answers.completed);
  const pages: QuestionPage[] = [];
  let slug = journey.firstSlug;
  for (let guard = 0; guard <= journey.pages.size; guard++) {
    const page = journey.pages.get(slug);
    if (!page) {
      if (journey.stops.has(slug)) return { pages, current: undefined, stop: slug, complete: false };
      return { pages, current: undefined, stop: undefined, complete: slug === CHECK };
    }
    pages.push(page);
    if (!done.has(slug)) return { pages, current: slug, stop: undefined, complete: false };
    slug = page.next(answers.values);
  }
  throw new Error(`Journey ${journey.kind} has a loop`);
}

/** May the user open this page now? Only pages on their path up to the first unanswered one. */
export function canVisit(journey: Journey, answers: DraftAnswers, slug: string): boolean {
  const r = route(journey, answers);
  if (slug === CHECK) return r.complete;
  if (journey.stops.has(slug)) return r.stop === slug;
  return r.pages.some((p) => p.slug === slug);
}

export function firstOpenPage(journey: Journey, answers: DraftAnswers): string {
  const r = route(journey, answers);
  return r.current ?? r.stop ?? CHECK;
}

export interface Submission {
  values: Values;
  errors: Errors;
}

/** Validates a page's answers from a form body. */
export function answerPage(page: QuestionPage, body: Record<string, unknown>, today = new Date()): Submission {
  const { values, errors } = parseFields(page.fields, body, today);
  if (Object.keys(errors).length === 0 && page.validate) Object.assign(errors, page.validate(values));
  return { values, errors };
}

/** Records a page's valid answers: replaces the page's own fields (conditionals that are now hidden are dropped). */
export function applyAnswers(page: QuestionPage, answers: DraftAnswers, values: Values): DraftAnswers {
  const next: Values = { ...answers.values };
  for (const name of pageFieldNames(page)) delete next[name];
  for (const field of activeFields(page.fields, values)) next[field.name] = values[field.name];
  const completed = answers.completed.includes(page.slug) ? answers.completed : [...answers.completed, page.slug];
  return { values: next, completed };
}

export function pageFieldNames(page: QuestionPage): string[] {
  const names: string[] = [];
  const walk = (fields: Field[]) => {
    for (const f of fields) {
      names.push(f.name);
      if (f.kind === 'radios' || f.kind === 'checkboxes') for (const o of f.options) walk(o.conditional ?? []);
    }
  };
  walk(page.fields);
  return names;
}

/**
 * The answers that count: only the fields of pages on the final path, each re-validated. Used at submission so that a
 * stale or tampered draft can never submit answers the user did not see.
 */
export function finalAnswers(
  journey: Journey,
  answers: DraftAnswers,
  today = new Date(),
): { ok: true; values: Values } | { ok: false; slug: string } {
  const r = route(journey, answers);
  if (!r.complete) return { ok: false, slug: r.current ?? r.stop ?? journey.firstSlug };
  const values: Values = {};
  for (const page of r.pages) {
    const body = toBody(page, answers.values);
    const { values: v, errors } = answerPage(page, body, today);
    if (Object.keys(errors).length > 0) return { ok: false, slug: page.slug };
    for (const field of activeFields(page.fields, v)) values[field.name] = v[field.name];
  }
  return { ok: true, values };
}

/** Turns stored values back into a form body (to re-validate, or to refill a page). */
export function toBody(page: QuestionPage, values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of pageFieldNames(page)) {
    const v = values[name];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, part] of Object.entries(v as Record<string, string>)) body[`${name}-${k}`] = part;
    } else if (v !== undefined) body[name] = v;
  }
  return body;
}
