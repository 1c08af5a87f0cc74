import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { rootDir, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { testApp } from './app.js';
import { openTestDatabase, resetDatabase, type Engine } from './engines.js';

/**
 * Page objects for the browser tests: a real Chromium (Debian's package, driven by playwright-core) against the app
 * listening on a real port. Every page can be checked with axe-core, with or without JavaScript.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The WCAG 2.2 A and AA rules. Every page must pass all of them. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** A case reference: 8 characters from an alphabet without look-alikes (no 0, 1, I, L, O). */
export const REFERENCE_PATTERN = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

/**
 * axe-core's source, read once per worker: the e2e project runs its files without isolation, so this module (and what
 * it caches) outlives a file. It is injected into a page only when the page has no axe yet.
 */
let axeSourceCache: string | undefined;
function axeSource(): string {
  axeSourceCache ??= readFileSync(path.join(rootDir, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  return axeSourceCache;
}

let workerBrowser: Promise<Browser> | undefined;

/**
 * The worker's Chromium: launched on first use and lent to every test file the worker runs (the e2e project does not
 * isolate its files, so this module outlives a file). A file gives it back with `releaseBrowser`, which closes the
 * file's pages; playwright ends Chromium when the worker process exits. Should Chromium go away, the next file launches
 * a new one.
 */
export function launchBrowser(): Promise<Browser> {
  if (!workerBrowser) {
    const launching = startChromium();
    const forget = () => {
      if (workerBrowser === launching) workerBrowser = undefined;
    };
    launching.then((b) => b.on('disconnected', forget), forget);
    workerBrowser = launching;
  }
  return workerBrowser;
}

/** Gives the worker's Chromium back at the end of a file: its pages (contexts) are closed, Chromium stays up. */
export async function releaseBrowser(browser: Browser | undefined): Promise<void> {
  if (browser?.isConnected()) await closePages(browser);
}

function startChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's \`chromium\` package, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface Server {
  database: Database;
  app: FastifyInstance;
  config: Config;
  baseURL: string;
  close(): Promise<void>;
}

/** The application as production builds it, on a fresh test database, listening on a free local port. */
export async function serve(engine: Engine): Promise<Server> {
  const database = await openTestDatabase(engine);
  const { app, config } = await testApp(database);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    database,
    app,
    config,
    baseURL: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

interface PageState {
  js: boolean;
  /** Console errors (CSP violations show up here), uncaught exceptions, and failed sub-resources. */
  problems: string[];
}

const pageStates = new WeakMap<Page, PageState>();
const auditPages = new WeakMap<Browser, Promise<AuditPage>>();

/** One JavaScript-enabled page per browser that shows copies of pages opened without JavaScript, for axe. */
interface AuditPage {
  context: BrowserContext;
  page: Page;
  /** The copy to serve at the next navigation to `url`. */
  next: { url: string; html: string } | undefined;
}

/** A new page in a context of its own (its own cookies), with JavaScript on or off. */
export async function newPage(browser: Browser, baseURL: string, opts: { js?: boolean } = {}): Promise<Page> {
  const js = opts.js ?? true;
  const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const state: PageState = { js, problems: [] };
  pageStates.set(page, state);
  page.on('console', (msg) => {
    // A form page answered with 400 (its errors), the 403 refusal page or the 404 page is expected; other errors are not.
    if (
      msg.type() === 'error' &&
      !/^Failed to load resource: the server responded with a status of 40[034]/.test(msg.text())
    )
      state.problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => state.problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is a request cut short by the page moving on (the favicon, when a form is sent at once).
    const error = req.failure()?.errorText;
    if (!req.isNavigationRequest() && error !== 'net::ERR_ABORTED')
      state.problems.push(`request failed: ${req.url()} (${error})`);
  });
  page.on('response', (res) => {
    if (!res.request().isNavigationRequest() && res.status() >= 400)
      state.problems.push(`sub-resource ${res.url()} answered ${res.status()}`);
  });
  return page;
}

export function isJsEnabled(page: Page): boolean {
  return pageStates.get(page)?.js ?? true;
}

/** Closes every page's context (the audit context stays for the next test). */
export async function closePages(browser: Browser): Promise<void> {
  const keep = await auditPages.get(browser);
  await Promise.all(
    browser
      .contexts()
      .filter((c) => c !== keep?.context)
      .map((c) => c.close()),
  );
}

/** Fails if the page logged a console error (such as a CSP violation), threw, or could not load an asset. */
export function expectNoPageProblems(page: Page, label: string): void {
  const problems = pageStates.get(page)?.problems ?? [];
  expect(problems, `${label}: problems in the page`).toEqual([]);
}

interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: { target: string; summary: string | undefined }[];
}

async function runAxe(target: Page): Promise<Violation[]> {
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(axeSource());
  return target.evaluate(
    async ({ tags }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    },
    { tags: AXE_TAGS },
  );
}

async function auditPage(browser: Browser): Promise<AuditPage> {
  let audit = auditPages.get(browser);
  if (!audit) {
    audit = (async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const state: AuditPage = { context, page, next: undefined };
      await page.route('**/*', (route) => {
        const next = state.next;
        if (next && route.request().isNavigationRequest() && route.request().url() === next.url) {
          state.next = undefined;
          return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: next.html });
        }
        return route.continue();
      });
      return state;
    })();
    auditPages.set(browser, audit);
  }
  return audit;
}

/**
 * A page with JavaScript off cannot run axe (its timers never fire). Its DOM, as the server sent it, is copied into a
 * JavaScript-enabled page at the same address, with the page's own scripts removed, so it renders exactly as without
 * JavaScript (same stylesheet, no `govuk-frontend-supported` class), and axe runs there.
 */
async function noScriptCopy(page: Page, dom: string): Promise<Page> {
  const audit = await auditPage(page.context().browser()!);
  audit.next = { url: page.url(), html: dom.replace(/<script\b[\s\S]*?<\/script>/gi, '') };
  await audit.page.goto(page.url());
  return audit.page;
}

/**
 * Pages already found clean, per browser, by their markup. axe's result depends only on the DOM, the stylesheet and the
 * viewport, so a page whose markup (and focused element) is identical to one already checked, apart from its CSRF
 * token, expiry time and reference number, is not checked again: the same question page in a second journey costs
 * nothing, while any difference in markup, however small, is checked afresh.
 */
const cleanPages = new WeakMap<Browser, Set<string>>();

function markupKey(js: boolean, dom: string): string {
  const normalised = dom
    .replace(/(name="_csrf" value=")[^"]*"/g, '$1"')
    .replace(/(data-expires-at=")[^"]*"/g, '$1"')
    .replace(/(class="app-reference">)[^<]*</g, '$1<');
  return `${js ? 'js' : 'nojs'}:${createHash('sha256').update(normalised).digest('hex')}`;
}

/**
 * Runs axe (WCAG 2.2 A and AA) on the page as it is now, and fails with every violation listed. Also fails if the page
 * logged a console error (a CSP violation, say), threw, or could not load an asset.
 */
export async function axeCheck(page: Page, label: string): Promise<void> {
  expectNoPageProblems(page, label);
  const js = isJsEnabled(page);
  const dom = js
    ? await page.evaluate(() => `${document.documentElement.outerHTML}\nfocus:${document.activeElement?.id ?? ''}`)
    : await page.content();
  const browser = page.context().browser()!;
  const clean = cleanPages.get(browser) ?? new Set<string>();
  cleanPages.set(browser, clean);
  const key = markupKey(js, dom);
  if (clean.has(key)) return;
  const violations = await runAxe(js ? page : await noScriptCopy(page, dom));
  const report = violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .map((n) => `    at ${n.target}${n.summary ? `\n      ${n.summary.replace(/\n/g, '\n      ')}` : ''}`)
          .join('\n'),
    )
    .join('\n');
  expect(violations.length, `axe found violations on ${label} (${page.url()}):\n${report}`).toBe(0);
  clean.add(key);
}

/** Day, month and year of a GOV.UK date input. */
export interface DateAnswer {
  day: string;
  month: string;
  year: string;
}
/** A text answer, the label of the radio to choose, the labels of the checkboxes to tick, or a date. */
export type AnswerValue = string | string[] | DateAnswer;
/** Answers keyed by what the person sees: a field's label, or a group's legend. */
export type PageAnswers = Record<string, AnswerValue>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches an accessible name that is the label, or ends with it: a question that is also the page heading carries its
 * caption ("About the person") in its label or legend.
 */
export function labelled(label: string): RegExp {
  return new RegExp(`(?:^|\\s)${escapeRegExp(label)}$`);
}

/** The fieldset (radios, checkboxes, date) whose legend is this text, if there is one on the page. */
async function groupFor(page: Page, legend: string): Promise<Locator | undefined> {
  const group = page.getByRole('group', { name: labelled(legend) });
  return (await group.count()) > 0 ? group : undefined;
}

/**
 * Answers a question page as a person would: types into the field with this label, or, for a group with this legend,
 * chooses the radio or ticks exactly the checkboxes with these labels, or types the date's day, month and year.
 */
export async function answer(page: Page, fields: PageAnswers): Promise<void> {
  for (const [label, value] of Object.entries(fields)) {
    const group = await groupFor(page, label);
    if (group) {
      if (typeof value === 'string') await group.getByRole('radio', { name: value, exact: true }).check();
      else if (Array.isArray(value)) {
        // Exactly these boxes: others are cleared first (as a person would untick them).
        for (const box of await group.getByRole('checkbox').all()) {
          const name = await box.evaluate(
            (el) => (el as HTMLInputElement).labels?.[0]?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
          );
          if (!value.includes(name) && (await box.isChecked())) await box.uncheck();
        }
        for (const option of value) await group.getByRole('checkbox', { name: option, exact: true }).check();
      } else {
        await group.getByRole('textbox', { name: 'Day', exact: true }).fill(value.day);
        await group.getByRole('textbox', { name: 'Month', exact: true }).fill(value.month);
        await group.getByRole('textbox', { name: 'Year', exact: true }).fill(value.year);
      }
    } else {
      if (typeof value !== 'string') throw new Error(`no group with the legend "${label}" on ${page.url()}`);
      await page.getByRole('textbox', { name: labelled(label) }).fill(value);
    }
  }
}

/** Clicks a form's button and waits for the page it leads to. Returns the final response's status. */
export async function submit(page: Page, button = 'Continue'): Promise<number | undefined> {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return response?.status();
}

/** The journey page the browser is on: `/refer/person-name` → `person-name`. */
export function slugOf(page: Page, basePath: string): string {
  const { pathname } = new URL(page.url());
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length + 1) : pathname;
}

/** The page's text without repeated whitespace. */
export async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Checks a page that refused an answer: "Error: " in the title, the error summary (focused when JavaScript runs), each
 * link pointing at an element that exists, and each message shown at its field and announced with it.
 * `expected` maps the id a summary link points to → the message.
 */
export async function expectErrors(page: Page, expected: Record<string, string>, label: string): Promise<void> {
  expect(await page.title(), label).toMatch(/^Error: /);
  const summary = page.locator('.govuk-error-summary');
  expect(await summary.count(), `${label}: error summary`).toBe(1);
  expect(await text(summary.locator('.govuk-error-summary__title')), label).toBe('There is a problem');
  if (isJsEnabled(page)) {
    const focused = await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'));
    expect(focused, `${label}: the error summary has focus`).toBe(true);
  }
  const links = summary.locator('.govuk-error-summary__list a');
  const found: Record<string, string> = {};
  for (const link of await links.all()) found[(await link.getAttribute('href')) ?? ''] = await text(link);
  expect(found, `${label}: error summary links`).toEqual(
    Object.fromEntries(Object.entries(expected).map(([id, message]) => [`#${id}`, message])),
  );
  for (const [id, message] of Object.entries(expected)) {
    const target = page.locator(`[id="${id}"]`);
    expect(await target.count(), `${label}: #${id} exists`).toBe(1);
    // The message is shown next to the field, and is part of the field's (or its fieldset's) description.
    const describedBy = await target.evaluate((el) => {
      const ids = [el.getAttribute('aria-describedby'), el.closest('fieldset')?.getAttribute('aria-describedby')];
      return ids.join(' ').split(/\s+/).filter(Boolean);
    });
    const messages: string[] = [];
    for (const messageId of describedBy) {
      const el = page.locator(`[id="${messageId}"].govuk-error-message`);
      if ((await el.count()) === 1) messages.push(await text(el));
    }
    expect(messages, `${label}: message at #${id}`).toContain(`Error: ${message}`);
  }
  if (isJsEnabled(page)) {
    // Following a summary link puts the cursor in the field (govuk-frontend moves focus to it).
    const [first] = Object.keys(expected);
    await links.first().click();
    expect(await page.evaluate(() => document.activeElement?.id), `${label}: the first link focuses its field`).toBe(
      first,
    );
  }
}

/** What every page has: one h1, a title naming the page and the service, and the "Exit this page" button. */
export async function expectPageStructure(page: Page, label: string): Promise<void> {
  expect(await page.locator('h1').count(), `${label}: exactly one h1`).toBe(1);
  const title = await page.title();
  expect(title, `${label}: <title>`).toMatch(/^.+ – Prevent – Cumbria Police$/);
  expect(
    await page.locator('.govuk-exit-this-page').getByRole('button', { name: 'Exit this page' }).count(),
    label,
  ).toBe(1);
}

/**
 * Walks a journey from the page the browser is on to check your answers (or to the page `until`), answering each page
 * it is sent to and checking each page's structure and accessibility on the way. Returns the pages answered, in order.
 */
export async function walkJourney(
  page: Page,
  basePath: string,
  answers: Record<string, PageAnswers>,
  label: string,
  opts: { until?: string } = {},
): Promise<string[]> {
  const visited: string[] = [];
  const until = opts.until ?? 'check-answers';
  for (let i = 0; i < 40; i++) {
    const slug = slugOf(page, basePath);
    if (slug === until) return visited;
    const fields = answers[slug];
    if (!fields) throw new Error(`${label}: no answers for page ${slug}`);
    await expectPageStructure(page, `${label}, ${slug}`);
    await axeCheck(page, `${label}, ${slug}`);
    await answer(page, fields);
    const status = await submit(page);
    const problem = status === 200 ? '' : await text(page.locator('.govuk-error-summary, h1').first());
    expect(status, `${label}, ${slug} was refused: ${problem}`).toBe(200);
    visited.push(slug);
  }
  throw new Error(`${label}: the journey did not reach ${until}`);
}

/**
 * Gets a journey to the page `until` quickly, without rendering: posts the answers (by field name, as in
 * `test/helpers/journeys.ts`) over HTTP in the browser's own cookie jar, then opens that page in the browser.
 */
export async function fastForward(
  page: Page,
  basePath: '/refer' | '/advice',
  answers: Record<string, Record<string, string | string[]>>,
  until: string,
): Promise<void> {
  const token = (html: string) => {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  };
  const post = async (url: string, html: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: token(html) });
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await page.request.post(url, {
      data: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status(), `fast forward: ${url}`).toBe(200);
    return res;
  };
  let res = await post(`${basePath}/start`, await (await page.request.get(basePath)).text(), {});
  for (let i = 0; i < 40; i++) {
    const slug = new URL(res.url()).pathname.slice(basePath.length + 1);
    if (slug === until) break;
    const fields = answers[slug];
    if (!fields) throw new Error(`fast forward: no answers for page ${slug}`);
    res = await post(`${basePath}/${slug}`, await res.text(), fields);
  }
  expect(new URL(res.url()).pathname, 'fast forward').toBe(`${basePath}/${until}`);
  expect((await page.goto(`${basePath}/${until}`))?.status()).toBe(200);
}

/**
 * For a describe block: the worker's browser and the app on the engine before its tests (the app closed after, the
 * browser given back); each test's pages
 * closed after it, and (with `reset`) the case tables emptied before it. `bind` receives the two once they are up.
 */
export function useBrowser(
  engine: Engine,
  bind: (browser: Browser, server: Server) => void,
  opts: { reset?: boolean } = {},
): void {
  let browser: Browser | undefined;
  let server: Server | undefined;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), serve(engine)]);
    bind(browser, server);
  });
  afterAll(async () => {
    await releaseBrowser(browser);
    await server?.close();
  });
  if (opts.reset) beforeEach(() => resetDatabase(server!.database));
  afterEach(() => closePages(browser!));
}
