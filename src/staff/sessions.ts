import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { preparedSqlRows, queryRows } from '../db/sql.js';
import { staffSessions, type OrganisationKind, type Role, type SessionStage } from '../db/schema/index.js';

export function hashSessionId(rawId: string): string {
  return createHash('sha256').update(rawId).digest('hex');
}

export interface LoadedSession {
  idHash: string;
  stage: SessionStage;
  method: 'password' | 'oidc';
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: {
    id: string;
    email: string;
    displayName: string;
    status: 'active' | 'disabled';
    organisationId: string;
    organisationCode: string;
    organisationName: string;
    organisationKind: OrganisationKind;
    roles: Role[];
  };
}

/** Starts a session; returns the id for the cookie (only its hash is stored). */
export async function createSession(
  db: Db,
  opts: { userId: string; stage: SessionStage; method: 'password' | 'oidc'; absoluteHours: number; userAgent?: string },
): Promise<string> {
  const rawId = randomBytes(32).toString('base64url');
  await db.insert(staffSessions).values({
    idHash: hashSessionId(rawId),
    userId: opts.userId,
    stage: opts.stage,
    method: opts.method,
    expiresAt: new Date(Date.now() + opts.absoluteHours * 3_600_000),
    userAgent: opts.userAgent ? summariseUserAgent(opts.userAgent) : null,
  });
  return rawId;
}

/**
 * Replaces a session by a new one with a new id (same absolute limit), e.g. once the second factor is proved: an id
 * seen before sign-in is never the id of a signed-in session.
 */
export async function rotateSession(db: Db, oldHash: string, stage: SessionStage): Promise<string | null> {
  const rawId = randomBytes(32).toString('base64url');
  const rows = await queryRows<{ id_hash: string }>(
    db,
    sql`
    with old as (
      update staff_sessions set ended_at = now(), ended_reason = 'rotated'
      where id_hash = ${oldHash} and ended_at is null and expires_at > now()
      returning user_id, method, expires_at, user_agent
    )
    insert into staff_sessions (id_hash, user_id, stage, method, expires_at, user_agent)
    select ${hashSessionId(rawId)}, user_id, ${stage}, method, expires_at, user_agent from old
    returning id_hash`,
  );
  return rows.length ? rawId : null;
}

/** Every staff request runs this: a named prepared statement on PostgreSQL (`src/db/sql.ts`). */
const LOAD_SESSION = `
    select s.id_hash, s.stage, s.method, s.created_at, s.last_seen_at, s.expires_at,
           u.id as user_id, u.email, u.display_name, u.status,
           o.id as organisation_id, o.code as organisation_code, o.name as organisation_name, o.kind as organisation_kind,
           coalesce((select array_agg(r.role order by r.role) from staff_roles r where r.user_id = u.id), '{}') as roles
    from staff_sessions s
    join staff_users u on u.id = s.user_id
    join organisations o on o.id = u.organisation_id
    where s.id_hash = $1
      and s.ended_at is null
      and s.expires_at > now()
      and s.last_seen_at > now() - make_interval(mins => $2::int)
      and u.status = 'active'
      and o.active`;

/**
 * The live session for a cookie value, with its person, organisation and roles, in one query; null when it does not
 * exist, has ended, passed its absolute limit or been idle too long, or its person is disabled.
 */
export async function loadSession(db: Db, rawId: string, idleMinutes: number): Promise<LoadedSession | null> {
  const idHash = hashSessionId(rawId);
  const result = await preparedSqlRows<{
    idHash: string;
    stage: SessionStage;
    method: 'password' | 'oidc';
    createdAt: Date;
    lastSeenAt: Date;
    expiresAt: Date;
    userId: string;
    email: string;
    displayName: string;
    status: 'active' | 'disabled';
    organisationId: string;
    organisationCode: string;
    organisationName: string;
    organisationKind: OrganisationKind;
    roles: Role[];
  }>(db, 'staff_session_load', LOAD_SESSION, [idHash, idleMinutes]);
  const row = result[0];
  if (!row) return null;
  const { idHash: hash, stage, method, createdAt, lastSeenAt, expiresAt, userId, ...user } = row;
  return { idHash: hash, stage, method, createdAt, lastSeenAt, expiresAt, user: { id: userId, ...user } };
}

/** Marks the session used now (its idle limit starts again). */
export async function touchSession(db: Db, idHash: string): Promise<void> {
  await preparedSqlRows(db, 'staff_session_touch', TOUCH_SESSION, [idHash]);
}

const TOUCH_SESSION = `update staff_sessions set last_seen_at = now() where id_hash = $1 and ended_at is null`;

export async function endSession(db: Db, idHash: string, reason: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ endedAt: sql`now()`, endedReason: reason })
    .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.endedAt)));
}

/** Signs a person out everywhere (all their live sessions), e.g. on request, on disabling or on a password change. */
export async function endAllSessions(db: Db, userId: string, reason: string): Promise<number> {
  const rows = await db
    .update(staffSessions)
    .set({ endedAt: sql`now()`, endedReason: reason })
    .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.endedAt)))
    .returning({ idHash: staffSessions.idHash });
  return rows.length;
}

export interface ActiveSession {
  idHash: string;
  method: 'password' | 'oidc';
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
}

/** A person's live sessions, newest first (for them and for the administrator). */
export async function listActiveSessions(db: Db, userId: string, idleMinutes: number): Promise<ActiveSession[]> {
  return db
    .select({
      idHash: staffSessions.idHash,
      method: staffSessions.method,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      expiresAt: staffSessions.expiresAt,
      userAgent: staffSessions.userAgent,
    })
    .from(staffSessions)
    .where(
      and(
        eq(staffSessions.userId, userId),
        eq(staffSessions.stage, 'signed_in'),
        isNull(staffSessions.endedAt),
        gt(staffSessions.expiresAt, sql`now()`),
        gt(staffSessions.lastSeenAt, sql`now() - make_interval(mins => ${idleMinutes})`),
      ),
    )
    .orderBy(sql`${staffSessions.createdAt} desc`);
}

/** "Chrome on Windows": enough to recognise a session, nothing that identifies a machine. */
export function summariseUserAgent(ua: string): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Another browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'another system';
  return `${browser} on ${os}`;
}
