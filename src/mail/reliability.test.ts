// Reliability figures for mail: an SMTP outage, a hung SMTP server, permanent and temporary
// refusals. A real SMTP server on 127.0.0.1 and the real queue; hours pass on a simulated clock.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { advanceQueueClock, advanceToNextDue, sleep, waitFor } from '../jobs/testing.ts';
import type { JobHandler } from '../jobs/types.ts';
import { runJobsUntilIdle, startWorker } from '../jobs/worker.ts';
import { sendEmail } from './deliver.ts';
import { enqueueEmails } from './outbox.ts';
import { type TestSmtp, freePort, startSmtp, useMailContexts } from './testing.ts';

const MINUTE = 60_000;
const handlers = { 'email.send': sendEmail };

const messages = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    to: `${prefix}${i}@example.org`,
    subject: `${prefix} ${i}`,
    html: `<p>${prefix} ${i}</p>`,
    text: `${prefix} ${i}`,
  }));

/** Each queued email's fate at the SMTP server: delivered once, lost, or duplicated. */
function tally(smtp: TestSmtp, messageIds: string[]) {
  const counts = smtp.countsByMessageId();
  return {
    queued: messageIds.length,
    delivered: messageIds.filter((id) => counts.get(id) === 1).length,
    lost: messageIds.filter((id) => !counts.has(id)).length,
    duplicated: messageIds.filter((id) => (counts.get(id) ?? 0) > 1).length,
  };
}

describe.each(DIALECTS)('mail reliability on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const { context, servers } = useMailContexts(t);

  const messageIdsOf = async (ids: string[]) =>
    (await t.db.selectFrom('emails').select('messageId').where('id', 'in', ids).execute()).map(
      (r) => r.messageId!,
    );

  it('SMTP down for 10 minutes (simulated clock): every email delivered once, none lost', async () => {
    const port = await freePort();
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Laurel <l@laurel.test>' });
    const ctx = context(config);
    const N = 25;
    const ids = (await enqueueEmails(t.db, messages('outage', N))) as string[];

    // Ten minutes of refused connections: run whatever is due, then let time pass to the next retry.
    let attempts = 0;
    let simulated = 0;
    for (let round = 0; round < 200 && simulated < 10 * MINUTE; round++) {
      attempts += await runJobsUntilIdle(ctx, { handlers });
      simulated += await advanceToNextDue(t.db);
    }
    const outage = simulated;
    const during = await sql<{ failed: number; open: number }>`
      SELECT count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS failed,
             count(*) FILTER (WHERE failed_at IS NULL AND done_at IS NULL)::int AS open
      FROM jobs WHERE kind = 'email.send'`.execute(t.db);
    expect(during.rows[0]).toEqual({ failed: 0, open: N });

    // The server comes back on the same port; the queued mail goes out at the next retries.
    const smtp = await startSmtp(port);
    servers.push(smtp);
    for (let round = 0; round < 50 && smtp.received.length < N; round++) {
      simulated += await advanceToNextDue(t.db);
      attempts += await runJobsUntilIdle(ctx, { handlers });
    }
    const figures = tally(smtp, await messageIdsOf(ids));
    console.log(
      `[${dialect}] SMTP down for 10 minutes (simulated clock: down ${Math.round(outage / 1000)} s, ` +
        `all delivered ${Math.round((simulated - outage) / 1000)} s after it came back): ` +
        `${figures.queued} queued, ${attempts} attempts, ${figures.delivered} delivered once, ` +
        `${figures.lost} lost, ${figures.duplicated} duplicated`,
    );
    expect(figures).toEqual({ queued: N, delivered: N, lost: 0, duplicated: 0 });
    const unsent = await t.db
      .selectFrom('emails')
      .select('id')
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('sentAt', 'is', null), eb('smtpResponse', 'is', null)]))
      .execute();
    expect(unsent).toEqual([]);
  });

  it('keeps retrying for three days, then fails the email for good with its reason', async () => {
    const port = await freePort();
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${port}` });
    const ctx = context(config);
    const [id] = (await enqueueEmails(t.db, messages('days', 1))) as string[];
    const job = () =>
      t.db.selectFrom('jobs').selectAll().where('dedupeKey', '=', `email:${id}`).executeTakeFirstOrThrow();
    let simulated = 0;
    for (let round = 0; round < 1000 && simulated < 71 * 60 * MINUTE; round++) {
      await runJobsUntilIdle(ctx, { handlers });
      simulated += await advanceToNextDue(t.db);
    }
    const before = await job();
    expect(before.failedAt).toBeNull();
    // No attempt took longer than the cap of one hour to come round.
    expect(before.attempts).toBeGreaterThan(71);
    await advanceQueueClock(t.db, 2 * 60 * MINUTE);
    await advanceToNextDue(t.db);
    await runJobsUntilIdle(ctx, { handlers });
    const after = await job();
    const email = await t.db.selectFrom('emails').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    console.log(
      `[${dialect}] SMTP down for 3 days (simulated): ${after.attempts} attempts, then failed: ${email.lastError}`,
    );
    expect(after.failedAt).not.toBeNull();
    expect(email.failedAt).not.toBeNull();
    expect(email.sentAt).toBeNull();
    expect(email.lastError).toMatch(/Gave up after 3 days.*ECONNREFUSED/);
  });

  it('fails a mail the server refuses for good (550) at once, and retries a 4xx', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    smtp.refuse = (address) =>
      address.startsWith('unknown')
        ? { code: 550, message: 'No such user here' }
        : address.startsWith('busy')
          ? { code: 451, message: 'Mailbox busy, try later' }
          : undefined;
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    const [unknown, busy] = (await enqueueEmails(t.db, [
      ...messages('unknown', 1),
      ...messages('busy', 1),
    ])) as string[];
    await runJobsUntilIdle(context(config), { handlers });
    const state = async (id: string) => {
      const email = await t.db
        .selectFrom('emails')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const job = await t.db
        .selectFrom('jobs')
        .selectAll()
        .where('dedupeKey', '=', `email:${id}`)
        .executeTakeFirstOrThrow();
      return { email, job };
    };
    const refused = await state(unknown!);
    expect(refused.job.attempts).toBe(1);
    expect(refused.job.failedAt).not.toBeNull();
    expect(refused.email.failedAt).not.toBeNull();
    expect(refused.email.lastError).toMatch(/550.*No such user here/);
    const deferred = await state(busy!);
    expect(deferred.job.failedAt).toBeNull();
    expect(deferred.job.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(deferred.email.failedAt).toBeNull();
    expect(deferred.email.lastError).toMatch(/451.*Mailbox busy/);
    // The mailbox frees up: the deferred mail goes out at its next retry; the refused one never.
    smtp.refuse = undefined;
    await advanceToNextDue(t.db);
    await runJobsUntilIdle(context(config), { handlers });
    expect(smtp.received.map((m) => m.subject)).toEqual(['busy 0']);
    expect((await state(busy!)).email.sentAt).not.toBeNull();
  });

  it('sends once when the job runs again while the first send still waits for the server', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    const [id] = (await enqueueEmails(t.db, messages('slow', 1))) as string[];
    const run = (jobId: string) => sendEmail({ emailId: id }, { ...context(config), jobId });
    smtp.hang = true;
    // The first worker's send waits for an answer to DATA, and its lease runs out meanwhile:
    // a second worker runs the job and must not send the message a second time.
    const first = run('first');
    await waitFor('the first send at the server', () => smtp.hung === 1, 20_000);
    await expect(run('second')).rejects.toThrow(/Another worker is sending this email/);
    smtp.release();
    await first;
    await run('third');
    const row = await t.db.selectFrom('emails').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(smtp.received).toHaveLength(1);
    expect(row.sentAt).not.toBeNull();
    expect(row.smtpResponse).toMatch(/^250 /);
    expect(row.messageId).toBe(smtp.received[0]!.messageId);
  });

  it('a hung SMTP server: other jobs keep running, the send times out in seconds and each email arrives once', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    smtp.hang = true;
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, smtpTimeoutSeconds: 1 });
    const ctx = context(config);
    const N = 6;
    const ids = (await enqueueEmails(t.db, messages('hung', N))) as string[];
    const quick: number[] = [];
    const all: Record<string, JobHandler> = {
      ...handlers,
      'test.quick': async () => void quick.push(Date.now()),
    };
    const worker = startWorker(ctx, {
      handlers: all,
      pollMs: 20,
      periodic: false,
      retryBaseMs: 300,
      retryMaxMs: 600,
    });
    try {
      // Both mail slots hold a transaction whose DATA gets no answer.
      await waitFor('two hung transactions', () => smtp.hung >= config.mailConcurrency, 20_000);
      const enqueuedAt = Date.now();
      await enqueueJob(t.db, { kind: 'test.quick', payload: {} });
      await waitFor('the other job', () => quick.length === 1, 5_000);
      const otherJobMs = quick[0]! - enqueuedAt;
      expect(otherJobMs).toBeLessThan(2_000);

      // The hung sends end in seconds (the socket timeout) and are put back for a retry.
      const hungAt = Date.now();
      await waitFor(
        'a timed-out send',
        async () =>
          (
            await t.db
              .selectFrom('emails')
              .select('id')
              .where('id', 'in', ids)
              .where('lastError', 'like', '%ETIMEDOUT%')
              .execute()
          ).length > 0,
        10_000,
      );
      const timeoutMs = Date.now() - hungAt;

      // The server recovers: every email arrives, once.
      const hungTransactions = smtp.hung;
      smtp.hang = false;
      await waitFor('every email', () => smtp.received.length >= N, 30_000);
      await sleep(300);
      const figures = tally(smtp, await messageIdsOf(ids));
      console.log(
        `[${dialect}] hung SMTP server: other job done in ${otherJobMs} ms while ${config.mailConcurrency} ` +
          `sends hung; a hung send timed out within ${(timeoutMs / 1000).toFixed(1)} s (SMTP_TIMEOUT=1); ` +
          `${hungTransactions} unanswered transactions; after recovery ${figures.delivered}/${figures.queued} ` +
          `delivered once, ${figures.lost} lost, ${figures.duplicated} duplicated`,
      );
      expect(figures).toEqual({ queued: N, delivered: N, lost: 0, duplicated: 0 });
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
