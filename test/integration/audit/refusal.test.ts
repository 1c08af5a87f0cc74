import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { engines, postgresUrlForWorker } from '../../helpers/engines.js';
import { useTestApp } from '../../helpers/app.js';
import { queryRows } from '../../../src/db/sql.js';
import { sealPending } from '../../../src/access-log/seal.js';
import { count, someEntries } from './owner.js';

const CHANGES = {
  'UPDATE access_log': `UPDATE access_log SET justification = 'rewritten'`,
  'DELETE FROM access_log': `DELETE FROM access_log`,
  'TRUNCATE access_log': `TRUNCATE access_log`,
  'UPDATE access_log_seal': `UPDATE access_log_seal SET hash = repeat('0', 64)`,
  'DELETE FROM access_log_seal': `DELETE FROM access_log_seal`,
  'TRUNCATE access_log_seal': `TRUNCATE access_log_seal`,
};

interface Refusal {
  code: string | undefined;
  message: string;
}

/**
 * The database itself refuses to change or remove log rows and seals: the application's role has no privilege to
 * (SQLSTATE 42501, "permission denied", checked before any trigger), and for the tables' owner the append-only triggers
 * refuse (same SQLSTATE, their own message).
 */
describe.each(engines)('the database refuses to change the access log (%s)', (engine) => {
  const t = useTestApp(engine);

  /** Runs one statement as the application's role or as the owner, and returns how it was refused. */
  async function attempt(as: 'app' | 'owner', statement: string): Promise<Refusal | 'allowed'> {
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: await postgresUrlForWorker() });
      await client.connect();
      try {
        await client.query(as === 'app' ? 'SET ROLE prevent_app' : 'SET ROLE NONE');
        await client.query(statement);
        return 'allowed';
      } catch (err) {
        return { code: (err as { code?: string }).code, message: (err as Error).message };
      } finally {
        await client.end();
      }
    }
    // PGlite: one connection, the owner's; the role is set for the statement and reset after, whatever happens.
    try {
      await t.database.exec(`${as === 'app' ? 'SET ROLE prevent_app;' : ''} ${statement}`);
      return 'allowed';
    } catch (err) {
      return { code: (err as { code?: string }).code, message: (err as Error).message };
    } finally {
      await t.database.exec('RESET ROLE');
    }
  }

  it.each(Object.entries(CHANGES))('the application role may not %s: permission denied', async (_name, statement) => {
    await someEntries(t.database, 3);
    await sealPending(t.database.db);
    const refusal = await attempt('app', statement);
    expect(refusal).not.toBe('allowed');
    expect((refusal as Refusal).code).toBe('42501');
    expect((refusal as Refusal).message).toMatch(/^permission denied for table access_log(_seal)?$/);
    expect(await count(t.database, 'access_log')).toBe(3);
    expect(await count(t.database, 'access_log_seal')).toBe(3);
  });

  it.each(Object.entries(CHANGES))('for the owner, the trigger refuses %s', async (_name, statement) => {
    await someEntries(t.database, 3);
    await sealPending(t.database.db);
    const refusal = await attempt('owner', statement);
    expect(refusal).not.toBe('allowed');
    expect((refusal as Refusal).code).toBe('42501');
    expect((refusal as Refusal).message).toMatch(
      /^access_log is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed$/,
    );
    expect(await count(t.database, 'access_log')).toBe(3);
    expect(await count(t.database, 'access_log_seal')).toBe(3);
  });

  it('the application role may still read and append', async () => {
    expect(
      await attempt(
        'app',
        `INSERT INTO access_log (action, record_type, actor_type) VALUES ('consultation', 'referral', 'system')`,
      ),
    ).toBe('allowed');
    expect(await attempt('app', `SELECT count(*) FROM access_log_seal`)).toBe('allowed');
  });

  if (engine === 'postgres')
    it('the application’s own pool works as prevent_app, so its writes are bound by the same grants', async () => {
      const [who] = await queryRows<{ current_user: string; session_user: string }>(
        t.database.db,
        sql`select current_user, session_user`,
      );
      expect(who!.current_user).toBe('prevent_app');
      await someEntries(t.database, 1);
      // Drizzle wraps the driver's error; the database's own answer is its cause.
      const refused = (query: Promise<unknown>) =>
        query.then(
          () => 'allowed',
          (err: { cause?: { code?: string; message?: string } }) => ({
            code: err.cause?.code,
            message: err.cause?.message,
          }),
        );
      expect(await refused(t.database.db.execute(sql`update access_log set channel = 'x'`))).toEqual({
        code: '42501',
        message: 'permission denied for table access_log',
      });
      expect(await refused(t.database.db.execute(sql`delete from access_log_seal`))).toEqual({
        code: '42501',
        message: 'permission denied for table access_log_seal',
      });
    });
});
