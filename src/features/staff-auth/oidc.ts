import * as oidc from 'openid-client';
import type { OidcConfig } from '../../config.js';

/**
 * Staff single sign-on with OpenID Connect: the authorisation code flow with PKCE (S256), state and nonce, through
 * openid-client. The identity provider is discovered lazily, on the first sign-in attempt, and the result kept; a failed
 * discovery is forgotten, so the service starts while the provider is down and the next attempt tries again.
 */

/** Why a single sign-on attempt was refused: the only thing about it that is logged. */
export type SsoFailure =
  /** The provider (discovery, token or userinfo endpoint) could not be reached or answered with a server error. */
  | 'provider-unreachable'
  /** The provider answered with an OAuth error other than access_denied (or refused the code). */
  | 'provider-error'
  /** The person cancelled at the provider, or the provider refused them (error=access_denied). */
  | 'access-denied'
  /** The response failed validation (ID token signature, issuer, audience, nonce, PKCE…). */
  | 'invalid-response'
  /** The state in the callback is not the one this browser was given. */
  | 'state-mismatch'
  /** No sign-in is in progress in this browser, or it started more than 10 minutes ago. */
  | 'expired'
  /** None of the person's groups is in the group map. */
  | 'no-mapped-group'
  /** The person's mapped groups name more than one organisation. */
  | 'several-organisations'
  /** The mapped organisation does not exist or is inactive (a configuration problem). */
  | 'unknown-organisation'
  /** The mapped groups give no role that fits the organisation (a configuration problem). */
  | 'no-valid-roles'
  /** The person's account here is disabled (leavers are never re-enabled by single sign-on). */
  | 'disabled'
  /** The provider gave no usable e-mail address for a new account. */
  | 'no-email'
  /** The e-mail address belongs to another account that cannot be linked to this identity. */
  | 'email-taken';

export class SsoError extends Error {
  override name = 'SsoError';
  constructor(
    readonly kind: SsoFailure,
    /** A library error code (never a message: those can quote tokens or claims). */
    readonly code?: string,
  ) {
    super(kind);
  }
}

/** What this browser must remember between the redirect to the provider and its callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The person as the identity provider describes them (claims from the ID token, completed by userinfo). */
export interface Identity {
  issuer: string;
  subject: string;
  /** Lower-cased. */
  email: string | undefined;
  /** false only when the provider says so explicitly. */
  emailVerified: boolean | undefined;
  name: string | undefined;
  groups: string[];
}

/** Seconds to wait for the provider before calling it unreachable. */
const TIMEOUT_SECONDS = 10;

export class OidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;
  private authorizationOrigin: string | undefined;

  constructor(
    readonly settings: OidcConfig,
    /** Our callback URL, registered with the provider as a redirect URI. */
    readonly redirectUri: string,
  ) {}

  /** The provider's configuration, discovered once; a failed discovery is retried on the next call. */
  configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const attempt = oidc.discovery(
        new URL(this.settings.issuerUrl),
        this.settings.clientId,
        this.settings.clientSecret,
        undefined,
        {
          timeout: TIMEOUT_SECONDS,
          ...(this.settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
      this.discovered = attempt;
      attempt.then(
        (config) => {
          const endpoint = config.serverMetadata().authorization_endpoint;
          this.authorizationOrigin = endpoint ? new URL(endpoint).origin : undefined;
        },
        () => {
          if (this.discovered === attempt) this.discovered = undefined;
        },
      );
    }
    return this.discovered;
  }

  /** The origins the browser is sent to (for the sign-in page's CSP form-action), as far as known now. */
  providerOrigins(): string[] {
    const issuer = new URL(this.settings.issuerUrl).origin;
    return this.authorizationOrigin && this.authorizationOrigin !== issuer
      ? [issuer, this.authorizationOrigin]
      : [issuer];
  }

  /** Starts a sign-in: the provider's authorisation URL, and the secrets to keep for the callback. */
  async begin(): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.configuration().catch((err: unknown) => {
      throw asSsoError(err);
    });
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: this.scope(config),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * Completes a sign-in from the callback URL: checks state, exchanges the code with the PKCE verifier, validates the
   * ID token (signature, issuer, audience, nonce) and reads the person's claims.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<Identity> {
    try {
      const config = await this.configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new SsoError('invalid-response');
      let claims: Record<string, unknown> = { ...idClaims };
      // Many providers put only the subject in the ID token of the code flow: the rest comes from userinfo.
      const missing = claims.email === undefined || claims[this.settings.groupsClaim] === undefined;
      if (missing && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        // The ID token's (signed) values win; userinfo fills in what it lacks.
        claims = { ...info, ...claims };
      }
      return identityFrom(idClaims.iss, idClaims.sub, claims, this.settings.groupsClaim);
    } catch (err) {
      throw asSsoError(err);
    }
  }

  /** openid email profile, and the groups claim's scope when the provider offers one of that name. */
  private scope(config: oidc.Configuration): string {
    const scopes = ['openid', 'email', 'profile'];
    const supported = config.serverMetadata().scopes_supported ?? [];
    if (supported.includes(this.settings.groupsClaim)) scopes.push(this.settings.groupsClaim);
    return scopes.join(' ');
  }
}

function identityFrom(issuer: string, subject: string, claims: Record<string, unknown>, groupsClaim: string): Identity {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined;
  const rawGroups = claims[groupsClaim];
  const groups = (Array.isArray(rawGroups) ? rawGroups : typeof rawGroups === 'string' ? [rawGroups] : []).filter(
    (g): g is string => typeof g === 'string' && g.length > 0,
  );
  const given = typeof claims.given_name === 'string' ? claims.given_name : '';
  const family = typeof claims.family_name === 'string' ? claims.family_name : '';
  const name =
    typeof claims.name === 'string' && claims.name.trim()
      ? claims.name.trim()
      : `${given} ${family}`.trim() || undefined;
  return {
    issuer,
    subject,
    email: email && /^[^@\s]+@[^@\s]+$/.test(email) && email.length <= 320 ? email : undefined,
    emailVerified: typeof claims.email_verified === 'boolean' ? claims.email_verified : undefined,
    name: name?.slice(0, 200),
    groups: [...new Set(groups)],
  };
}

/** Sorts any failure of the protocol into a kind (the page to show and the word to log). */
export function asSsoError(err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  if (err instanceof oidc.AuthorizationResponseError)
    return new SsoError(err.error === 'access_denied' ? 'access-denied' : 'provider-error', err.code);
  if (err instanceof oidc.ResponseBodyError)
    return new SsoError(err.status >= 500 ? 'provider-unreachable' : 'provider-error', err.code);
  if (isUnreachable(err)) return new SsoError('provider-unreachable', codeOf(err));
  return new SsoError('invalid-response', codeOf(err));
}

function isUnreachable(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown };
  // fetch's own failure (connection refused, DNS, TLS) is a TypeError without an argument-validation code.
  if (err instanceof TypeError && !(typeof e.code === 'string' && e.code.startsWith('ERR_INVALID'))) return true;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  return (
    err instanceof oidc.ClientError &&
    (e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || e.code === 'OAUTH_RESPONSE_IS_NOT_JSON')
  );
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
