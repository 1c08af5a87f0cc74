import type { FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';

export type Render = (reply: FastifyReply, template: string, context: Record<string, unknown>) => FastifyReply;

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
  return (reply, template, context) => {
    const html = env.render(template, { navigation: navigation(context.activeNav as string | undefined), ...context });
    return reply.type('text/html; charset=utf-8').send(html);
  };
}
