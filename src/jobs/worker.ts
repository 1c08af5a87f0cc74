import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { claimMessage, markFailed, markSent, pendingMessageIds } from '../outbox/queries.js';
import { deleteExpiredDrafts } from '../features/intake/queries/drafts.js';
import type { Mailer } from '../outbox/mailer.js';
import { safeError } from '../lib/logger.js';
import { sealPending } from '../access-log/seal.js';
import { releaseHeldReferrals } from '../features/triage/workflow.js';
import { londonDate } from '../lib/dates.js';

export const DELIVER_QUEUE = 'outbox-deliver';
export const SWEEP_QUEUE = 'outbox-sweep';
export const DRAFTS_QUEUE = 'drafts-expire';
export const SEAL_QUEUE = 'audit-seal';
/** Referrals whose hold date has come back to their officer (daily, and at every start). */
export const HOLDS_QUEUE = 'holds-release';
/** A full search for late-committed log rows at most this often (the regular runs look back an hour). */
const FULL_SEAL_EVERY_MS = 30 * 60_000;

export interface WorkerOptions {
  database: Database;
  mailer: Mailer;
  mailFrom: string;
  log: Logger;
  /** Attempts before a message is marked failed for a person to look at. */
  maxAttempts?: number;
  /** Seconds before the first retry of a refused message, doubled for each further attempt. */
  retryDelaySeconds?: number;
  /** The longest wait between two attempts. */
  maxRetryDelaySeconds?: number;
  leaseSeconds?: number;
  /** Start the pg-boss maintenance and cron (off in short-lived tests). */
  schedule?: boolean;
  /** How often an idle worker looks for jobs (pg-boss allows 0.5 at the least; default 2). */
  pollingIntervalSeconds?: number;
  /**
   * Seal the access log (append its rows to the hash chain) this often, in seconds. Unset: no timer (tests call
   * `sealAccessLog`). Every process asks; the queue keeps at most one request waiting and the sealer's advisory lock
   * keeps two sealers from interleaving, so any number of processes may run.
   */
  auditSealSeconds?: number;
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

export interface Worker {
  /** Asks for these outbox messages to be delivered now (after their transaction committed). */
  notify(ids: string[]): Promise<void>;
  /**
   * Delivers one message (the job handler; exported for tests): 'sent'; 'retry' when refused and scheduled again
   * after its backoff; 'failed' when refused for the last time; 'skipped' when already sent, failed for good, held
   * by another delivery or waiting out its backoff.
   */
  deliver(id: string): Promise<DeliveryOutcome>;
  sweep(): Promise<number>;
  /** Seals the access-log rows not sealed yet (the job handler; exported for tests). Returns how many. */
  sealAccessLog(): Promise<number>;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const { database, mailer, log } = opts;
  const maxAttempts = opts.maxAttempts ?? 10;
  const leaseSeconds = opts.leaseSeconds ?? 120;
  const boss = new PgBoss({
    ...database.boss,
    ...('connectionString' in database.boss ? { max: 4 } : {}),
    schema: 'pgboss',
    supervise: opts.schedule !== false,
    schedule: opts.schedule !== false,
    migrate: true,
  });
  boss.on('error', (err: Error) => log.error({ err: safeError(err) }, 'job queue error'));
  await boss.start();
  const retryDelay = opts.retryDelaySeconds ?? 30;
  const maxRetryDelay = opts.maxRetryDelaySeconds ?? 3600;
  // pg-boss's own retries are only for a handler that could not reach the database: a refused e-mail is not an error
  // of the job but is scheduled again below, with the message held until then (see markFailed).
  const jobRetry = { retryLimit: 5, retryDelay, retryBackoff: true };
  await boss.createQueue(DELIVER_QUEUE, { name: DELIVER_QUEUE, ...jobRetry });
  await boss.createQueue(SWEEP_QUEUE);
  await boss.createQueue(DRAFTS_QUEUE);
  await boss.createQueue(HOLDS_QUEUE);
  // 'stately': at most one request waiting and one running, however many processes ask.
  await boss.createQueue(SEAL_QUEUE, { name: SEAL_QUEUE, policy: 'stately', retryLimit: 0 });

  async function deliver(id: string): Promise<DeliveryOutcome> {
    const msg = await claimMessage(database.db, id, leaseSeconds);
    if (!msg) return 'skipped'; // already sent, failed for good, held by another delivery or waiting for its retry
    try {
      await mailer.send({
        from: opts.mailFrom,
        to: msg.recipient,
        subject: msg.subject,
        text: msg.textBody,
        messageId: msg.messageId,
      });
    } catch (err) {
      const wait = Math.min(maxRetryDelay, retryDelay * 2 ** (msg.attempts - 1));
      // A permanent refusal (SMTP 5xx, e.g. no such mailbox) is not retried: it waits for a person to look at it.
      const code = (err as { responseCode?: unknown }).responseCode;
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      const outcome = await markFailed(
        database.db,
        id,
        (err as Error).message,
        permanent ? msg.attempts : maxAttempts,
        wait,
      );
      log.warn(
        { outboxId: id, attempt: msg.attempts, outcome, smtpCode: code, err: safeError(err) },
        'e-mail delivery failed',
      );
      if (outcome === 'failed') return 'failed';
      // If this hand-over is lost, the sweep finds the message once its hold has passed.
      await boss.send(DELIVER_QUEUE, { id }, { ...jobRetry, startAfter: wait });
      return 'retry';
    }
    await markSent(database.db, id);
    log.info({ outboxId: id, template: msg.template }, 'e-mail sent');
    return 'sent';
  }

  async function notify(ids: string[]): Promise<void> {
    for (const id of ids) await boss.send(DELIVER_QUEUE, { id }, jobRetry);
  }

  async function sweep(): Promise<number> {
    const ids = await pendingMessageIds(database.db, 60);
    await notify(ids);
    return ids.length;
  }

  let lastFullSeal = 0;
  async function sealAccessLog(): Promise<number> {
    // The first run after a start, and one every half hour, searches the whole log for rows that committed late (a
    // long transaction, or while no sealer ran); the others look only at recent rows.
    const full = Date.now() - lastFullSeal > FULL_SEAL_EVERY_MS;
    const n = await sealPending(database.db, { batch: 1000, maxBatches: 100, full });
    if (full) lastFullSeal = Date.now();
    return n;
  }

  await boss.work<{ id: string }>(
    DELIVER_QUEUE,
    { batchSize: 5, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 },
    async (jobs) => {
      for (const job of jobs) await deliver(job.data.id);
    },
  );
  await boss.work(SWEEP_QUEUE, async () => {
    const n = await sweep();
    if (n > 0) log.info({ count: n }, 'outbox sweep re-queued messages');
  });
  await boss.work(DRAFTS_QUEUE, async () => {
    const n = await deleteExpiredDrafts(database.db);
    log.info({ count: n }, 'expired drafts deleted');
  });
  const releaseHolds = async () => {
    const n = await releaseHeldReferrals(database.db, londonDate(new Date()));
    if (n > 0) log.info({ count: n }, 'referrals on hold came back into triage');
    return n;
  };
  await boss.work(HOLDS_QUEUE, async () => {
    await releaseHolds();
  });
  await boss.work(SEAL_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async () => {
    const n = await sealAccessLog();
    if (n > 0) log.debug({ count: n }, 'access log sealed');
  });
  // pg-boss's cron counts in minutes; the log is sealed every few seconds, so each process asks on its own timer.
  let sealTimer: NodeJS.Timeout | undefined;
  if (opts.auditSealSeconds !== undefined) {
    const askToSeal = () =>
      boss
        .send(SEAL_QUEUE, {}, { singletonKey: 'seal', retryLimit: 0, expireInSeconds: 600 })
        .catch((err: Error) => log.warn({ err: safeError(err) }, 'could not queue access-log sealing'));
    await askToSeal();
    sealTimer = setInterval(() => void askToSeal(), opts.auditSealSeconds * 1000);
    sealTimer.unref();
  }
  if (opts.schedule !== false) {
    await boss.schedule(SWEEP_QUEUE, '* * * * *');
    await boss.schedule(DRAFTS_QUEUE, '17 * * * *');
    // Just after midnight UK time (pg-boss's cron runs in UTC unless told): a hold "until" a day ends as it starts.
    await boss.schedule(HOLDS_QUEUE, '5 0 * * *', undefined, { tz: 'Europe/London' });
  }
  // Holds that ended while no worker ran come back at once.
  await releaseHolds().catch((err: Error) => log.warn({ err: safeError(err) }, 'could not release held referrals'));
  // Anything left pending by a previous run (crash between commit and hand-over) is picked up at once.
  await notify(await pendingMessageIds(database.db, 0, 1000));

  return {
    notify,
    deliver,
    sweep,
    sealAccessLog,
    async stop() {
      if (sealTimer) clearInterval(sealTimer);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      // Seal what was written up to now, so a stopped service leaves no row waiting for its seal.
      if (opts.auditSealSeconds !== undefined) {
        await sealPending(database.db, { batch: 1000, maxBatches: 100 }).catch((err: Error) =>
          log.warn({ err: safeError(err) }, 'could not seal the access log before stopping'),
        );
      }
      mailer.close();
    },
  };
}
