import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID Connect provider (panva's oidc-provider 8, certified) for the single sign-on tests, on 127.0.0.1 and a
 * free port, with one confidential client, PKCE required, and test accounts whose claims include email, name and
 * groups (released with the `groups` scope). Its login page is our own small interaction (no password: pick the
 * account by its login name), so that a test can sign in with fetch and a browser test can click through it.
 */

export interface TestAccount {
  email?: string;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The accounts the provider knows, by login name (= subject); change them between sign-ins. */
  accounts: Map<string, TestAccount>;
  /**
   * Plays the browser at the provider: follows the authorisation URL, signs in as `login` (or cancels, with
   * `cancel: true`) and returns the URL the provider sends the browser back to (our callback, with code and state).
   */
  signIn(authorizationUrl: string, login: string, opts?: { cancel?: boolean }): Promise<URL>;
  stop(): Promise<void>;
}

/** What the test needs of oidc-provider (the package ships no types). */
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ uid: string; prompt: { name: string }; params: Record<string, unknown> }>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    opts?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
interface GrantInstance {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface OidcContext {
  oidc: {
    client: { clientId: string };
    session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: {
      Grant: { find(id: string): Promise<GrantInstance | undefined> } & (new (init: {
        clientId: string;
        accountId: string;
      }) => GrantInstance);
    };
  };
  type: string;
  body: string;
}

// Named through a variable: oidc-provider has no type declarations, and only the shapes above are used.
const PROVIDER_MODULE = 'oidc-provider';
const ADAPTER_MODULE = 'oidc-provider/lib/adapters/memory_adapter.js';

export async function startOidcProvider(opts: {
  /** Our callback URL(s), registered for the client. */
  redirectUris: string[];
  accounts?: Record<string, TestAccount>;
  /** A fixed port (e.g. to bring a provider "back up" where the app expects it); a free one by default. */
  port?: number;
}): Promise<TestProvider> {
  const { default: Provider } = (await import(PROVIDER_MODULE)) as { default: ProviderClass };
  const { default: MemoryAdapter } = (await import(ADAPTER_MODULE)) as { default: new (name: string) => object };
  // The same in-memory store under another name: oidc-provider warns about its own quick-start adapter by identity.
  class TestAdapter extends MemoryAdapter {}

  const accounts = new Map(Object.entries(opts.accounts ?? {}));
  const clientId = 'prevent-staff';
  const clientSecret = randomBytes(24).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) };

  const provider = new Provider(issuer, {
    adapter: TestAdapter,
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // openid-client's default for a client secret.
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: {
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            ...(account.email ? { email: account.email, email_verified: true } : {}),
            ...(account.name ? { name: account.name } : {}),
            groups: account.groups ?? [],
          };
        },
      };
    },
    // First-party client: consent is given on the person's behalf (the login is the only interaction).
    async loadExistingGrant(ctx: OidcContext) {
      const { client, session, result, provider: op } = ctx.oidc;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return op.Grant.find(grantId);
      if (!session.accountId) return undefined;
      const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
      RefreshToken: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    async renderError(ctx: OidcContext, out: Record<string, string>) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(out.error ?? 'error')}</p>`);
    },
  });
  const oidcHandler = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/(login|cancel))?$/.exec((req.url ?? '').split('?')[0]!);
    if (!match) return oidcHandler(req, res);
    interaction(req, res, match[3]).catch((err: Error) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(err.name)}</p>`));
    });
  });

  /** The provider's login page: a login name (any known account) and no password. */
  async function interaction(req: IncomingMessage, res: ServerResponse, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET' && !action) {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        page(
          'Sign in to the test identity provider',
          `<h1>Sign in to the test identity provider</h1>
          <form method="post" action="/interaction/${details.uid}/login">
            <label for="login">Login name</label>
            <input id="login" name="login" autocomplete="username">
            <button type="submit">Sign in</button>
          </form>
          <form method="post" action="/interaction/${details.uid}/cancel"><button type="submit">Cancel</button></form>`,
        ),
      );
      return;
    }
    if (req.method !== 'POST') throw new Error('method');
    if (action === 'cancel') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const login = new URLSearchParams(await readBody(req)).get('login') ?? '';
    if (!accounts.has(login)) {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page('Unknown account', '<h1>Unknown account</h1>'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  async function signIn(authorizationUrl: string, login: string, signInOpts: { cancel?: boolean } = {}): Promise<URL> {
    const jar = new Map<string, string>();
    const request = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(pair!.slice(0, i));
        else jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return res;
    };
    let url = new URL(authorizationUrl);
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin !== issuer) return url; // back to the client
      let res = await request(url.href);
      if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
        await res.text();
        res = await request(`${url.href}/${signInOpts.cancel ? 'cancel' : 'login'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ login }).toString(),
        });
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
      await res.arrayBuffer();
      url = new URL(location, url);
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signIn,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escape(title)}</title></head><body><main>${body}</main></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > 10_000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** A port nothing listens on (for "the provider is down"); it may be used later to bring one up there. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
