import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { appendAccessLog } from '../../../access-log/queries.js';
import { queryRows } from '../../../db/sql.js';
import type { Principal } from '../../../policies/index.js';

/**
 * The triage settings a Prevent supervisor keeps: the target for threshold decisions (working days from receipt, set on
 * each referral and advice request as it arrives: migrations 0009 and 0013) and the England and Wales bank holidays
 * that working days skip. Reference data, not personal data; each change is still written to the access log as an
 * alteration, in the transaction that makes it, so that a changed target can be explained later.
 */

export const TARGET_MIN = 1;
export const TARGET_MAX = 60;

export interface TriageTarget {
  workingDays: number;
  updatedAt: Date;
  updatedByName: string | null;
}

export interface BankHoliday {
  /** YYYY-MM-DD */
  day: string;
  name: string;
}

export async function triageTarget(db: Db): Promise<TriageTarget> {
  const [row] = await queryRows<{ days: number; updated_at: Date | string; name: string | null }>(
    db,
    sql`select s.target_working_days as days, s.updated_at, u.display_name as name
          from triage_settings s left join staff_users u on u.id = s.updated_by
         where s.id`,
  );
  if (!row) return { workingDays: 5, updatedAt: new Date(0), updatedByName: null };
  return {
    workingDays: Number(row.days),
    updatedAt: row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at),
    updatedByName: row.name,
  };
}

function logChange(tx: Db, p: Principal, detail: Record<string, unknown>) {
  return appendAccessLog(tx, {
    action: 'alteration',
    recordType: 'triage_settings',
    actorType: 'staff',
    actorId: p.userId,
    organisation: p.organisationCode,
    channel: 'staff-web',
    detail,
  });
}

/** Sets the target (for referrals and advice requests received from now on). False when it was already that. */
export async function setTriageTarget(db: Db, p: Principal, workingDays: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await queryRows<{ days: number }>(
      tx,
      sql`select target_working_days as days from triage_settings where id for update`,
    );
    if (before && Number(before.days) === workingDays) return false;
    await tx.execute(
      sql`insert into triage_settings (id, target_working_days, updated_at, updated_by)
          values (true, ${workingDays}, now(), ${p.userId})
          on conflict (id) do update set target_working_days = excluded.target_working_days,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    await logChange(tx, p, { change: 'target', from: before ? Number(before.days) : null, to: workingDays });
    return true;
  });
}

/** Bank holidays from `fromDay` (YYYY-MM-DD) on, in date order. */
export async function bankHolidaysFrom(db: Db, fromDay: string): Promise<BankHoliday[]> {
  return queryRows<BankHoliday>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, name from bank_holidays where day >= ${fromDay}::date order by day`,
  );
}

/** The last bank holiday in the list (YYYY-MM-DD), or null when there is none. */
export async function lastBankHoliday(db: Db): Promise<string | null> {
  const [row] = await queryRows<{ day: string | null }>(
    db,
    sql`select to_char(max(day), 'YYYY-MM-DD') as day from bank_holidays`,
  );
  return row?.day ?? null;
}

/** Adds a bank holiday; 'exists' when the date is already in the list (nothing changes). */
export async function addBankHoliday(db: Db, p: Principal, holiday: BankHoliday): Promise<'added' | 'exists'> {
  return db.transaction(async (tx) => {
    const added = await queryRows<{ day: string }>(
      tx,
      sql`insert into bank_holidays (day, name) values (${holiday.day}::date, ${holiday.name})
          on conflict (day) do nothing returning to_char(day, 'YYYY-MM-DD') as day`,
    );
    if (!added.length) return 'exists';
    await logChange(tx, p, { change: 'bank-holiday-added', day: holiday.day, name: holiday.name });
    return 'added';
  });
}

/** Removes a bank holiday that has not passed yet (past ones counted in targets already set stay). */
export async function removeBankHoliday(db: Db, p: Principal, day: string, today: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await queryRows<{ name: string }>(
      tx,
      sql`delete from bank_holidays where day = ${day}::date and day >= ${today}::date returning name`,
    );
    if (!removed.length) return false;
    await logChange(tx, p, { change: 'bank-holiday-removed', day, name: removed[0]!.name });
    return true;
  });
}
