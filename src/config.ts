import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

/** The project's root folder (where package.json lives). */
export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const helpline = z.object({
  name: z.string().min(1),
  number: z.string().min(1),
  detail: z.string().min(1),
  hours: z.string().optional(),
  url: z.url().optional(),
});

/** Site facts shown to the public: names, numbers and addresses. Kept out of templates so they can be verified and changed. */
export const siteSchema = z.object({
  forceName: z.string().min(1),
  serviceName: z.string().min(1),
  organisationLegalName: z.string().min(1),
  teamName: z.string().min(1),
  teamEmail: z.email(),
  regionalEmail: z.email().nullable(),
  brandColour: z.string().regex(/^#[0-9a-f]{6}$/i),
  postalAddress: z.string().min(1),
  nonEmergencyNumber: z.string().min(1),
  helplines: z.object({
    emergency: helpline,
    antiTerroristHotline: helpline,
    actEarly: helpline,
    textRelay: helpline,
  }),
  exitPageUrl: z.url(),
  councils: z.array(z.object({ code: z.string().min(1), name: z.string().min(1) })).min(1),
  retention: z.object({
    noFurtherActionYears: z.number().int().positive(),
    referralYears: z.number().int().positive(),
    draftHours: z.number().int().min(20),
  }),
  accessibility: z.object({ statementPrepared: z.string(), lastReviewed: z.string() }),
});
export type Site = z.infer<typeof siteSchema>;

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().default('data'),
  COOKIE_SECRET: z.string().min(32, 'COOKIE_SECRET must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must be an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().default('Cumbria Police Prevent <no-reply@prevent.cumbria.police.uk>'),
  TEAM_INBOX: z.email().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SITE_CONFIG: z.string().optional(),
  TRUST_PROXY: boolFromEnv,
  RUN_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  RATE_LIMIT_PUBLIC_POST: z.coerce.number().int().min(1).default(120),
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^([a-z_][a-z0-9_]{0,62})?$/, 'DATABASE_APP_ROLE must be a PostgreSQL role name, or empty for none')
    .default('prevent_app'),
  STAFF_IDLE_MINUTES: z.coerce.number().int().min(5).max(120).default(30),
  STAFF_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24).default(12),
  RATE_LIMIT_SIGN_IN: z.coerce.number().int().min(1).default(20),
  SIGN_IN_LOCKOUT_FAILURES: z.coerce.number().int().min(3).max(20).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  PASSWORD_RESET_HOURS: z.coerce.number().int().min(1).max(72).default(24),
  OIDC_ISSUER_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  OIDC_GROUP_MAP: z.string().optional(),
  OIDC_ALLOW_HTTP: boolFromEnv,
  OIDC_DISPLAY_NAME: z.string().min(1).default('your organisation account'),
  AUDIT_SEAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  ATTACHMENTS_DIR: z
    .string()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  RECONTACT_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  ADD_INFORMATION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  cookieSecret: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  teamInbox: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: boolean;
  runWorker: boolean;
  rateLimitPublicPost: number;
  /** PostgreSQL role the application's pooled connections work as ('' for the login role itself). */
  databaseAppRole: string;
  staff: {
    idleMinutes: number;
    absoluteHours: number;
    rateLimitSignIn: number;
    lockoutFailures: number;
    lockoutMinutes: number;
    passwordResetHours: number;
  };
  /** Staff single sign-on; undefined when no identity provider is configured. */
  oidc: OidcConfig | undefined;
  auditSealSeconds: number;
  /** Files kept with a case: the largest accepted, and the folder for their bytes (undefined: in the database). */
  attachments: { maxBytes: number; dir: string | undefined };
  /** Links to the referrer: an officer's question (days the link lasts) and "add information later" (days). */
  recontact: { days: number; addInformationDays: number };
  site: Site;
}

export const oidcGroupMapSchema = z.record(
  z.string().min(1),
  z.object({ organisation: z.string().min(1), roles: z.array(z.string().min(1)).min(1) }),
);

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  groupsClaim: string;
  /** Identity-provider group → organisation code and roles. */
  groupMap: z.infer<typeof oidcGroupMapSchema>;
  /** Allow an http:// issuer (tests and local development only; refused in production). */
  allowHttp: boolean;
  displayName: string;
}

function loadOidc(e: z.infer<typeof envSchema>): OidcConfig | undefined {
  if (!e.OIDC_ISSUER_URL) return undefined;
  if (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) {
    throw new ConfigError('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set with OIDC_ISSUER_URL.');
  }
  if (e.OIDC_ALLOW_HTTP && e.NODE_ENV === 'production') {
    throw new ConfigError('OIDC_ALLOW_HTTP must not be set in production.');
  }
  let groupMap: OidcConfig['groupMap'] = {};
  if (e.OIDC_GROUP_MAP) {
    let raw: unknown;
    try {
      raw = JSON.parse(
        e.OIDC_GROUP_MAP.trim().startsWith('{')
          ? e.OIDC_GROUP_MAP
          : readFileSync(path.resolve(e.OIDC_GROUP_MAP), 'utf8'),
      );
    } catch (err) {
      throw new ConfigError(`OIDC_GROUP_MAP is not readable JSON: ${(err as Error).message}`);
    }
    const parsed = oidcGroupMapSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(`OIDC_GROUP_MAP is invalid:\n${z.prettifyError(parsed.error)}`);
    groupMap = parsed.data;
  }
  return {
    issuerUrl: e.OIDC_ISSUER_URL,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    groupsClaim: e.OIDC_GROUPS_CLAIM,
    groupMap,
    allowHttp: e.OIDC_ALLOW_HTTP,
    displayName: e.OIDC_DISPLAY_NAME,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadSite(file = path.join(rootDir, 'config', 'site.json')): Site {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Cannot read site configuration ${file}: ${(err as Error).message}`);
  }
  const parsed = siteSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Site configuration ${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Reads and validates the environment once, at start. Throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Configuration is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.COOKIE_SECRET) {
    throw new ConfigError('COOKIE_SECRET must be set in production (at least 32 random characters).');
  }
  const site = loadSite(e.SITE_CONFIG ? path.resolve(e.SITE_CONFIG) : undefined);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(rootDir, e.DATA_DIR),
    cookieSecret: e.COOKIE_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    teamInbox: e.TEAM_INBOX ?? site.teamEmail,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    runWorker: e.RUN_WORKER,
    rateLimitPublicPost: e.RATE_LIMIT_PUBLIC_POST,
    databaseAppRole: e.DATABASE_APP_ROLE,
    staff: {
      idleMinutes: e.STAFF_IDLE_MINUTES,
      absoluteHours: e.STAFF_ABSOLUTE_HOURS,
      rateLimitSignIn: e.RATE_LIMIT_SIGN_IN,
      lockoutFailures: e.SIGN_IN_LOCKOUT_FAILURES,
      lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
      passwordResetHours: e.PASSWORD_RESET_HOURS,
    },
    oidc: loadOidc(e),
    auditSealSeconds: e.AUDIT_SEAL_SECONDS,
    attachments: {
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      dir: e.ATTACHMENTS_DIR ? path.resolve(rootDir, e.ATTACHMENTS_DIR) : undefined,
    },
    recontact: { days: e.RECONTACT_DAYS, addInformationDays: e.ADD_INFORMATION_DAYS },
    site,
    ...overrides,
  };
}
