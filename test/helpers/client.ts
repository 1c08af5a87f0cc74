import type { FastifyInstance } from 'fastify';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location: string | undefined;
}

/**
 * A browser-like client over `app.inject` (or real HTTP with `baseUrl`): keeps cookies, finds the CSRF token in the
 * last page, and can follow redirects. Used by integration, hostile-input and durability tests.
 */
export class FormClient {
  private cookies = new Map<string, string>();
  lastBody = '';

  constructor(private readonly target: FastifyInstance | string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(setCookie: string | string[] | undefined): void {
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    method: 'GET' | 'POST',
    url: string,
    payload?: string,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookieHeader() };
    if (payload !== undefined) headers['content-type'] = contentType;
    let res: Response;
    if (typeof this.target === 'string') {
      const r = await fetch(this.target + url, { method, headers, body: payload, redirect: 'manual' });
      const h: Record<string, string | string[]> = {};
      r.headers.forEach((v, k) => (h[k] = v));
      h['set-cookie'] = r.headers.getSetCookie();
      res = { status: r.status, headers: h, body: await r.text(), location: r.headers.get('location') ?? undefined };
    } else {
      const r = await this.target.inject({ method, url, headers, payload });
      res = {
        status: r.statusCode,
        headers: r.headers as Response['headers'],
        body: r.body,
        location: r.headers.location as string | undefined,
      };
    }
    this.remember(res.headers['set-cookie']);
    if (res.status === 200 || res.status === 400) this.lastBody = res.body;
    return res;
  }

  /** Holds a cookie as if the server had set it (a draft or a staff session made directly in the database). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get(url: string): Promise<Response> {
    return this.request('GET', url);
  }

  csrfToken(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastBody);
    if (!m) throw new Error('no CSRF token on the last page');
    return m[1]!;
  }

  /** Posts a form (fields may repeat: arrays become repeated keys), adding the CSRF token from the last page. */
  post(url: string, fields: Record<string, string | string[]> = {}, opts: { csrf?: boolean } = {}): Promise<Response> {
    const params = new URLSearchParams();
    if (opts.csrf !== false) params.append('_csrf', this.csrfToken());
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    return this.request('POST', url, params.toString());
  }

  /** Follows redirects from a response until a page. */
  async follow(res: Response): Promise<Response & { url: string }> {
    let url = '';
    for (let i = 0; i < 10 && res.location; i++) {
      url = res.location;
      res = await this.get(url);
    }
    return { ...res, url };
  }
}
