import type { FastifyInstance, FastifyReply } from 'fastify';
import { messages } from '../../../messages.js';
import { searchCases, SHOW_AT_MOST } from './service.js';
import {
  EMPTY_FORM,
  parseSearchForm,
  resultsView,
  SEARCH_URL,
  searchErrorList,
  searchFormModel,
  termsForLog,
  type SearchErrors,
  type SearchFormValues,
} from './view-model.js';
import { staffRoute, type StaffContext, type StaffDeps } from '../../../staff/registry.js';

const TEMPLATE = 'triage/search/views/index.njk';
const TITLE = 'Search referrals and advice requests';

/**
 * Staff search (policy `staff.search`; each result is kept only if `case.view` lets the searcher open it).
 *
 * The form is POSTed and the results page is rendered straight from the POST (200, no redirect): search terms are
 * personal data (a name, a date of birth, a postcode, words about a concern), and Post/Redirect/Get would have to carry
 * them to the GET, either in the URL, where they would reach the browser's history, bookmarks, the Referer header and
 * every proxy's and server's access logs, or in a server-side store kept just for that. A search changes nothing, so
 * the one cost of rendering from the POST is that reloading the page asks to send the form again (and runs, and logs,
 * the search again). Staff pages are `Cache-Control: no-store` (the registry's hook, restated here), so the results
 * are not kept by the browser either. Every search is logged once, with its terms, as the s.62 record; the application
 * log has only the method, path and status (src/lib/logger.ts never logs bodies).
 */
export function searchRoutes(app: FastifyInstance, deps: StaffDeps): void {
  const { db } = deps;

  function page(
    reply: FastifyReply,
    ctx: StaffContext,
    values: SearchFormValues,
    errors: SearchErrors,
    results?: ReturnType<typeof resultsView>,
  ) {
    const errorSummary = searchErrorList(errors);
    reply.header('cache-control', 'no-store');
    return ctx.render(errorSummary.length ? reply.code(400) : reply, TEMPLATE, {
      pageTitle: results ? `${TITLE}: results` : TITLE,
      errorSummary: errorSummary.length ? errorSummary : undefined,
      form: searchFormModel(values, errors),
      action: SEARCH_URL,
      results,
    });
  }

  staffRoute(app, deps, {
    method: 'GET',
    url: SEARCH_URL,
    policy: 'staff.search',
    handler(_req, reply, ctx) {
      return page(reply, ctx, EMPTY_FORM, {});
    },
  });

  staffRoute(app, deps, {
    method: 'POST',
    url: SEARCH_URL,
    policy: 'staff.search',
    async handler(req, reply, ctx) {
      const parsed = parseSearchForm(req.body);
      if (!parsed.terms) return page(reply, ctx, parsed.values, parsed.errors);
      const outcome = await searchCases(db, ctx.principal!, parsed.terms);
      if (!outcome.ok) return page(reply, ctx, parsed.values, { text: messages.staffSearch.textNoWords });
      const view = resultsView(outcome, SHOW_AT_MOST);
      await ctx.logConsultation({
        recordType: 'search',
        detail: {
          terms: termsForLog(parsed.terms),
          resultCount: outcome.resultCount,
          more: outcome.more,
          shownReferences: outcome.results.map((r) => r.reference),
        },
      });
      return page(reply, ctx, parsed.values, {}, view);
    },
  });
}
