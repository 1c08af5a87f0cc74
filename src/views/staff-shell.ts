import nunjucks from 'nunjucks';
import { escapeHtml } from '../lib/html.js';

/**
 * Renders staff pages without re-rendering the staff layout every time.
 *
 * `staff/layout.njk` (govuk-frontend's page template, the Generic header, the service navigation, the staff bar, the
 * footer) costs most of a staff page's rendering through Nunjucks macros, and it is the same for everyone who sees the
 * same navigation. So the layout is rendered once per distinct shape (navigation, whether there is a person, a back
 * link, a session, errors) with markers where the per-request values go, split at the markers and kept. A request then
 * renders only its page's `staffContent` block and joins the pieces with its own values, escaped as Nunjucks escapes:
 * the CSP nonce, the CSRF token, the person's name and organisation, the page title, the back link, the session's
 * idle limit, the error summary and the page content. The result is the same HTML, byte for byte, as
 * `env.render(template, context)` (`test/unit/staff-shell.test.ts` checks several pages both ways).
 *
 * Page templates need nothing special: they extend `staff/layout.njk` and fill `{% block staffContent %}`. A page that
 * overrides any other block, sets a variable outside that block (`{% set backLink = … %}` at the top), or does not
 * extend the layout directly, is simply rendered in full (correct, only slower: pass such values from the route). The layout itself
 * must print the per-request values only as `{{ … }}` (no conditions on their contents, only on whether `principal`,
 * `backLink`, `session` and `errorSummary` are there): the equivalence test fails otherwise. Nothing personal is kept:
 * the cached pieces hold only markers, the navigation and the site's settings.
 */

/** The layout's values that change per request (everything else about the layout is part of the shell's key). */
export interface StaffLayoutContext {
  cspNonce?: string;
  csrfToken?: string;
  principal?: Record<string, unknown>;
  staffNav?: unknown[];
  session?: Record<string, unknown>;
  pageTitle?: unknown;
  backLink?: unknown;
  errorSummary?: unknown[];
  [key: string]: unknown;
}

const MARK = (name: string) => `%%staff-slot:${name}%%`;
const MARKS = /%%staff-slot:([A-Za-z.]+)%%/;

/** The layout's content-only mode (see `staff/layout.njk`): the page's `staffContent` block and nothing else. */
export const CONTENT_ONLY = 'staffContentOnly';

export class StaffShellRenderer {
  /** Shell key → the shell's literal pieces and slot names, alternating (even: HTML, odd: slot name). */
  private readonly shells = new Map<string, string[]>();
  /** Template name → whether it can be rendered through the shell. */
  private readonly eligible = new Map<string, boolean>();

  constructor(
    private readonly env: nunjucks.Environment,
    private readonly max = 200,
  ) {}

  /** The same HTML as `env.render(template, context)`, for a template that extends `staff/layout.njk`. */
  render(template: string, context: StaffLayoutContext): string {
    if (!this.canUseShell(template)) return this.env.render(template, context);
    const hasErrors = Array.isArray(context.errorSummary) && context.errorSummary.length > 0;
    const parts = this.shell(context, hasErrors);
    const content = this.env.render(template, { ...context, [CONTENT_ONLY]: true });
    const errors = hasErrors ? this.env.render('staff/_error-summary.njk', context) : '';
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) {
        out += parts[i]!;
        continue;
      }
      const slot = parts[i]!;
      if (slot === 'content') out += content;
      else if (slot === 'errors') out += errors;
      else out += printed(valueAt(context, slot));
    }
    return out;
  }

  /** How many shells are cached (for tests). */
  get size(): number {
    return this.shells.size;
  }

  /**
   * Whether a page only fills `staffContent` of `staff/layout.njk`. Anything else (its own blocks, another parent, a
   * layout of its own) is rendered in full, which is always correct, only slower.
   */
  private canUseShell(template: string): boolean {
    let ok = this.eligible.get(template);
    if (ok === undefined) {
      const tmpl = this.env.getTemplate(template, true) as unknown as {
        tmplStr?: string;
        blocks?: Record<string, unknown>;
      };
      const source = tmpl.tmplStr ?? '';
      const extendsLayout = /^\s*\{%-?\s*extends\s+["']staff\/layout\.njk["']\s*-?%\}/.test(source);
      const blocks = Object.keys(tmpl.blocks ?? {});
      // A top-level `{% set backLink = … %}` (outside the block) changes what the layout shows.
      const start = source.search(/\{%-?\s*block\s+staffContent\b/);
      const outside = start < 0 ? source : source.slice(0, start) + source.slice(source.lastIndexOf('endblock'));
      ok = extendsLayout && blocks.every((b) => b === 'staffContent') && !/\{%-?\s*set\s/.test(outside);
      this.eligible.set(template, ok);
    }
    return ok;
  }

  private shell(context: StaffLayoutContext, hasErrors: boolean): string[] {
    const principal = context.principal ?? undefined;
    const key = JSON.stringify([
      context.staffNav ?? null,
      principal ? Object.keys(principal).filter((k) => printable(principal[k])) : null,
      Boolean(context.backLink),
      context.session ? Object.keys(context.session).filter((k) => printable(context.session![k])) : null,
      hasErrors,
    ]);
    let parts = this.shells.get(key);
    if (parts) return parts;
    const marked: StaffLayoutContext = {
      staffNav: context.staffNav,
      cspNonce: MARK('cspNonce'),
      csrfToken: MARK('csrfToken'),
      pageTitle: MARK('pageTitle'),
      backLink: context.backLink ? MARK('backLink') : undefined,
      // Only its presence shows in the shell (the title's "Error:"); the summary itself is the `errors` slot.
      errorSummary: hasErrors ? [{ text: '', href: '' }] : undefined,
      principal: principal ? markedObject('principal', principal) : undefined,
      session: context.session ? markedObject('session', context.session) : undefined,
    };
    const html = this.env.render('staff/_shell.njk', marked);
    parts = html.split(MARKS);
    if (parts.filter((p, i) => i % 2 === 1 && p === 'content').length !== 1) {
      throw new Error('staff/_shell.njk: the layout must show the page content exactly once');
    }
    this.shells.set(key, parts);
    if (this.shells.size > this.max) this.shells.delete(this.shells.keys().next().value!);
    return parts;
  }
}

/** A copy of an object with a marker for each string or number (other values are left out of the shell). */
function markedObject(prefix: string, object: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(object)) if (printable(v)) out[k] = MARK(`${prefix}.${k}`);
  return out;
}

const printable = (v: unknown) => typeof v === 'string' || typeof v === 'number';

function valueAt(context: StaffLayoutContext, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** `{{ value }}` with autoescape: nothing for null or undefined, a SafeString as it is, anything else escaped. */
function printed(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof nunjucks.runtime.SafeString) return String(value);
  return escapeHtml(String(value));
}

const renderers = new WeakMap<nunjucks.Environment, StaffShellRenderer>();

/** One shell renderer per Nunjucks environment. */
export function staffShellRenderer(env: nunjucks.Environment): StaffShellRenderer {
  let renderer = renderers.get(env);
  if (!renderer) {
    renderer = new StaffShellRenderer(env);
    renderers.set(env, renderer);
  }
  return renderer;
}
