import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { runJobsUntilIdle } from '../jobs/worker.ts';
import { sendEmail } from './deliver.ts';
import { emailText, paragraphs, renderEmail } from './layout.tsx';
import { enqueueEmail, enqueueEmails } from './outbox.ts';
import { freePort, startSmtp, useMailContexts } from './testing.ts';

const handlers = { 'email.send': sendEmail };

const message = (to: string, n = 1) => ({
  to,
  subject: `Hello ${n}`,
  html: renderEmail({
    title: `Hello ${n}`,
    body: paragraphs(['<b>bold</b> & more']),
    action: { label: 'Open', url: 'http://localhost:3000/x?a=1&b=2' },
  }),
  text: emailText(['First line', 'Open: http://localhost:3000/x?a=1&b=2']),
});

describe.each(DIALECTS)('email outbox on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const { context, servers } = useMailContexts(t);

  it('keeps the email in the development mailbox when no SMTP server is set', async () => {
    const id = await enqueueEmail(t.db, { ...message('Someone@Example.org '), dedupeKey: 'dev-1' });
    expect(await enqueueEmail(t.db, { ...message('someone@example.org'), dedupeKey: 'dev-1' })).toBeNull();
    expect(await runJobsUntilIdle(context(testConfig()), { handlers })).toBe(1);
    const row = await t.db.selectFrom('emails').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row.toAddress).toBe('someone@example.org');
    expect(row.devMailbox).toBe(true);
    expect(row.sentAt).not.toBeNull();
    expect(row.messageId).toBe(`<${id}@localhost>`);
  });

  it('writes no email when the transaction that caused it rolls back', async () => {
    const before = await t.db
      .selectFrom('emails')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, message('rollback@example.org'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const after = await t.db
      .selectFrom('emails')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await runJobsUntilIdle(context(testConfig()), { handlers })).toBe(0);
  });

  it('delivers HTML, text and an inline attachment over SMTP, once', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const config = testConfig({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      mailFrom: 'Laurel <badges@laurel.test>',
    });
    const id = await enqueueEmail(t.db, {
      ...message('reader@example.org'),
      attachments: [
        {
          filename: 'badge.png',
          content: Buffer.from('png-bytes'),
          cid: 'badge@laurel',
          contentType: 'image/png',
        },
      ],
    });
    expect(await runJobsUntilIdle(context(config), { handlers })).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Hello 1');
    expect(mail.messageId).toBe(`<${id}@laurel.test>`);
    expect(mail.html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; more');
    expect(mail.text).toContain('First line');
    expect(mail.attachments[0]?.content.toString()).toBe('png-bytes');
    expect(mail.attachments[0]?.cid).toBe('badge@laurel');
    // Running the same job again (a retry after a crash) sends nothing more.
    await sendEmail({ emailId: id }, { ...context(config), jobId: 'x' });
    expect(smtp.received).toHaveLength(1);
  });

  it('stores an attachment shared by many emails once, and delivers it with each', async () => {
    const smtp = await startSmtp();
    servers.push(smtp);
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    const image = Buffer.from(`shared-image-${Date.now()}`);
    const attachments = [
      { filename: 'badge.png', content: image, cid: 'b@laurel', contentType: 'image/png' },
    ];
    const ids = await enqueueEmails(t.db, [
      { ...message('one@example.org'), attachments, dedupeKey: `shared-${Date.now()}` },
      { ...message('two@example.org', 2), attachments },
      {
        ...message('three@example.org', 3),
        attachments: [{ filename: 'copy.png', content: Buffer.from(image) }],
      },
    ]);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    const hash = createHash('sha256').update(image).digest('hex');
    const blobs = await t.db.selectFrom('mailBlobs').select('content').where('sha256', '=', hash).execute();
    expect(blobs).toHaveLength(1);
    const stored = await t.db
      .selectFrom('emails')
      .select('attachments')
      .where('id', 'in', ids as string[])
      .execute();
    for (const row of stored) expect(JSON.stringify(row.attachments)).not.toContain(image.toString('base64'));
    expect(await runJobsUntilIdle(context(config), { handlers })).toBe(3);
    expect(smtp.received.map((m) => m.attachments[0]?.content.toString()).sort()).toEqual([
      image.toString(),
      image.toString(),
      image.toString(),
    ]);
  });

  it('refuses a batch with one bad address and writes none of it', async () => {
    const before = await t.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      enqueueEmails(t.db, [message('fine@example.org'), message('not an address')]),
    ).rejects.toThrow(/not valid/);
    const after = await t.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('retries with backoff while the SMTP server is down, then delivers every email exactly once', async () => {
    const port = await freePort();
    const config = testConfig({ smtpUrl: `smtp://127.0.0.1:${port}` });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await enqueueEmail(t.db, message(`down${n}@example.org`, n)))!);
    expect(await runJobsUntilIdle(context(config), { handlers })).toBe(5);
    const jobs = await t.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'email.send')
      .where('doneAt', 'is', null)
      .execute();
    expect(jobs).toHaveLength(5);
    for (const j of jobs) {
      expect(j.attempts).toBe(1);
      expect(j.lastError).toMatch(/ECONNREFUSED/);
      expect(j.runAt.getTime()).toBeGreaterThan(Date.now());
    }
    const pending = await t.db
      .selectFrom('emails')
      .select(['sentAt', 'lastError'])
      .where('id', 'in', ids)
      .execute();
    expect(pending.every((e) => e.sentAt === null && /ECONNREFUSED/.test(e.lastError ?? ''))).toBe(true);
    // Nothing is due until the backoff has passed.
    expect(await runJobsUntilIdle(context(config), { handlers })).toBe(0);

    const smtp = await startSmtp(port);
    servers.push(smtp);
    await sql`UPDATE jobs SET run_at = now() WHERE done_at IS NULL`.execute(t.db);
    expect(await runJobsUntilIdle(context(config), { handlers })).toBe(5);
    await sql`UPDATE jobs SET run_at = now(), done_at = NULL`.execute(t.db);
    await runJobsUntilIdle(context(config), { handlers });
    const to = smtp.received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text).sort();
    expect(to).toEqual([
      'down0@example.org',
      'down1@example.org',
      'down2@example.org',
      'down3@example.org',
      'down4@example.org',
    ]);
    const sent = await t.db
      .selectFrom('emails')
      .select(['sentAt', 'devMailbox'])
      .where('id', 'in', ids)
      .execute();
    expect(sent.every((e) => e.sentAt !== null && e.devMailbox === false)).toBe(true);
  });

  it('refuses a recipient that is not one address', async () => {
    await expect(enqueueEmail(t.db, message('a@example.org, b@example.org'))).rejects.toThrow(/not valid/);
    await expect(enqueueEmail(t.db, message('a@example.org\r\nBcc: x@example.org'))).rejects.toThrow(
      /not valid/,
    );
  });
});
