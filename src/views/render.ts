import type { FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';
import { staffShellRenderer } from './staff-shell.js';

export type Render = ((reply: FastifyReply, template: string, context: Record<string, unknown>) => FastifyReply) & {
  /** The environment it renders with (staff pages use it for the cached layout, `staff-shell.ts`). */
  env?: nunjucks.Environment;
};

export interface NavItem {
  href: string;
  text: string;
}

export const PUBLIC_NAV: NavItem[] = [
  { href: '/what-is-prevent', text: 'What Prevent is' },
  { href: '/refer', text: 'Make a referral' },
  { href: '/advice', text: 'Ask for advice' },
  { href: '/urgent-help', text: 'Get help now' },
];

export function navigation(active: string | undefined): { href: string; text: string; active: boolean }[] {
  return PUBLIC_NAV.map((n) => ({ ...n, active: n.href === active }));
}

/** Renders a page with the shared context (navigation) and sends it as HTML. */
export function createRender(env: nunjucks.Environment): Render {
  const render: Render = (reply, template, context) => {
    const html = env.render(template, { navigation: navigation(context.activeNav as string | undefined), ...context });
    return reply.type('text/html; charset=utf-8').send(html);
  };
  render.env = env;
  return render;
}

/**
 * Renders a staff page (a template extending `staff/layout.njk`) through the cached layout: the same HTML as `render`,
 * with the layout rendered once per navigation instead of on every request. Falls back to `render` when it has no
 * environment (a test's stand-in).
 */
export function createStaffRender(render: Render): Render {
  const env = render.env;
  if (!env) return render;
  const shell = staffShellRenderer(env);
  const staffRender: Render = (reply, template, context) => {
    const html = shell.render(template, {
      navigation: navigation(context.activeNav as string | undefined),
      ...context,
    });
    return reply.type('text/html; charset=utf-8').send(html);
  };
  staffRender.env = env;
  return staffRender;
}

/**
 * Renders pages that differ between requests only in a few values (the CSRF token, a draft's expiry time): the page is
 * rendered once with markers in those places, split there, and joined with each request's values. Nunjucks with
 * govuk-frontend's macros costs milliseconds a page; this costs microseconds. Only for pages that show nothing a person
 * typed (the caller decides), so the cache never holds personal data. Bounded: least recently used entries go first.
 */
export class SlotRenderer {
  private readonly cache = new Map<string, string[]>();

  constructor(
    private readonly env: nunjucks.Environment,
    private readonly max = 500,
  ) {}

  render(
    reply: FastifyReply,
    template: string,
    key: string,
    /** Called only when the page is not cached yet. */
    context: () => Record<string, unknown>,
    slots: Record<string, string>,
  ): FastifyReply {
    let parts = this.cache.get(key);
    if (parts) {
      this.cache.delete(key);
      this.cache.set(key, parts); // most recently used last
    } else {
      const marked: Record<string, string> = {};
      for (const name of Object.keys(slots)) marked[name] = `__slot_${name}__`;
      const ctx = context();
      const html = this.env.render(template, {
        navigation: navigation(ctx.activeNav as string | undefined),
        ...ctx,
        ...marked,
      });
      parts = html.split(/__slot_([A-Za-z]+)__/);
      this.cache.set(key, parts);
      if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    }
    let out = '';
    for (let i = 0; i < parts.length; i++) out += i % 2 === 0 ? parts[i] : escapeAttribute(slots[parts[i]!] ?? '');
    return reply.type('text/html; charset=utf-8').send(out);
  }

  get size(): number {
    return this.cache.size;
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
