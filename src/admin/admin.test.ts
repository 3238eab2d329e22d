import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORM, type TestSession, formBody, makeUser } from '../accounts/testing.ts';
import { testConfig } from '../config.ts';
import { useTestApp } from '../http/testing.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { runJobsUntilIdle } from '../jobs/worker.ts';
import { sendEmail } from '../mail/deliver.ts';
import { paragraphs, renderEmail } from '../mail/layout.tsx';
import { listMail, mailCounts } from '../mail/mailbox.ts';
import { enqueueEmail, enqueueEmails } from '../mail/outbox.ts';
import { startSmtp } from '../mail/testing.ts';
import { createAppContext } from '../features.ts';

describe('platform admin pages and home', () => {
  const t = useTestApp('pglite');
  let admin: TestSession;
  let member: TestSession;
  beforeAll(async () => {
    admin = await t.session((await makeUser(t.db, { name: 'Admin', admin: true })).id);
    member = await t.session((await makeUser(t.db, { name: 'Member', admin: false })).id);
  });
  const get = (url: string, s?: { cookies: Record<string, string> }) =>
    t.app.inject({ url, cookies: s?.cookies, headers: { accept: 'text/html' } });
  /** A form post with no fields but the session's CSRF token (or the body given). */
  const post = (url: string, s: TestSession, body = formBody(s, {})) =>
    t.app.inject({ method: 'POST', url, cookies: s.cookies, headers: FORM, payload: body });

  it('shows counts and failed jobs with their (escaped) error, and retries one', async () => {
    await enqueueJob(t.db, { kind: 'test.broken', payload: {}, maxAttempts: 1 });
    await runJobsUntilIdle(t.ctx, {
      handlers: {
        'test.broken': async () => {
          throw new Error('<img src=x onerror=alert(1)> refused');
        },
      },
    });
    const page = await get('/admin', admin);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('test.broken');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; refused');
    expect(page.body).not.toContain('<img src=x');
    const job = await t.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'test.broken')
      .executeTakeFirstOrThrow();
    expect((await post(`/admin/jobs/${job.id}/retry`, member)).statusCode).toBe(403);
    expect((await post(`/admin/jobs/${job.id}/retry`, admin)).statusCode).toBe(303);
    const row = await t.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(row.failedAt).toBeNull();
    expect(row.attempts).toBe(0);
    await sql`DELETE FROM jobs`.execute(t.db);
  });

  it('counts waiting and failed mail, shows why each failed, and retries all failed mail', async () => {
    const smtp = await startSmtp();
    smtp.refuse = (address) =>
      address.startsWith('gone') ? { code: 550, message: 'No such user <here>' } : undefined;
    const smtpConfig = testConfig({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    const deliver = () =>
      runJobsUntilIdle(createAppContext(t.db, smtpConfig), { handlers: { 'email.send': sendEmail } });
    try {
      await enqueueEmails(
        t.db,
        ['gone0@example.org', 'gone1@example.org', 'fine@example.org'].map((to) => ({
          to,
          subject: `Badge for ${to}`,
          html: '<p>x</p>',
          text: 'x',
        })),
      );
      await deliver();
      expect(await mailCounts(t.db)).toMatchObject({ pending: 0, failed: 2 });
      const page = await get('/admin', admin);
      expect(page.body).toMatch(
        /<div class="stat">2<\/div>\s*<div class="muted"><a href="#h-failed-mail">Emails failed/,
      );
      expect(page.body).toContain('gone0@example.org');
      expect(page.body).toContain(
        '550: Can&#39;t send mail - all recipients were rejected: 550 No such user &lt;here&gt;',
      );
      expect(page.body).toContain('action="/admin/mail/retry-failed"');
      expect(page.body).toMatch(
        /action="\/admin\/mail\/retry-failed"[^>]*>\s*<input type="hidden" name="_csrf"/,
      );

      const retry = (s: TestSession, body?: string) => post('/admin/mail/retry-failed', s, body);
      expect((await retry(member)).statusCode).toBe(403);
      expect((await retry(admin, '_csrf=forged')).statusCode).toBe(403);
      expect(await mailCounts(t.db)).toMatchObject({ pending: 0, failed: 2 });
      const retried = await retry(admin);
      expect(retried.statusCode).toBe(303);
      expect(retried.headers.location).toBe('/admin?notice=mail-retried');
      expect(await mailCounts(t.db)).toMatchObject({ pending: 2, failed: 0 });
      expect((await get('/admin?notice=mail-retried', admin)).body).toContain(
        'The failed emails will be tried again',
      );

      // The recipient's server takes them now: both go out, once each.
      smtp.refuse = undefined;
      await deliver();
      expect(await mailCounts(t.db)).toMatchObject({ pending: 0, failed: 0 });
      expect(smtp.received.map((m) => m.subject).sort()).toEqual([
        'Badge for fine@example.org',
        'Badge for gone0@example.org',
        'Badge for gone1@example.org',
      ]);
      expect((await get('/admin', admin)).body).not.toContain('action="/admin/mail/retry-failed"');
      const [sent] = (await listMail(t.db, { page: 1, to: 'gone0@' })).items;
      const detail = (await get(`/admin/mail/${sent!.id}`, admin)).body;
      expect(detail).toMatch(/Server&#39;s answer<\/dt>\s*<dd>\s*<code>250 /);
    } finally {
      await smtp.close();
    }
  });

  it('shows a mailbox message with headers, a sandboxed body, inline images and its links', async () => {
    const id = await enqueueEmail(t.db, {
      to: 'reader@example.org',
      subject: 'Claim <your> badge',
      html: renderEmail({
        title: 'Claim',
        body: paragraphs(['Hi "there"']),
        action: { label: 'Claim', url: 'http://localhost:3000/claim/tok?a=1&b=2' },
      }).replace('</body>', '<img src="cid:badge@laurel" alt="badge"></body>'),
      text: 'Claim: http://localhost:3000/claim/tok?a=1&b=2',
      attachments: [
        { filename: 'badge.png', content: Buffer.from('png'), cid: 'badge@laurel', contentType: 'image/png' },
      ],
    });
    await runJobsUntilIdle(t.ctx, { handlers: { 'email.send': sendEmail } });
    expect((await get('/admin/mail', member)).statusCode).toBe(403);
    expect((await get(`/admin/mail/${id}`, member)).statusCode).toBe(403);
    const list = await get('/admin/mail', admin);
    expect(list.body).toContain('Claim &lt;your&gt; badge');
    const page = await get(`/admin/mail/${id}`, admin);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      '<iframe class="mailbox-body" title="The HTML part of the email" sandbox="allow-same-origin" srcdoc="',
    );
    expect(page.body).toContain('data:image/png;base64,cG5n');
    expect(page.body).toContain('<a href="http://localhost:3000/claim/tok?a=1&amp;b=2">');
    expect(page.body).toContain(`&lt;${id}@localhost&gt;`);
    expect((await get('/admin/mail/00000000-0000-0000-0000-000000000000', admin)).statusCode).toBe(404);
    expect((await get('/admin/mail/nope', admin)).statusCode).toBe(404);
  });

  it('finds the mail of one recipient, wildcards taken literally, and keeps the search across pages', async () => {
    for (const to of ['ann_x@find.example', 'annex@find.example', 'bob@find.example'])
      await enqueueEmail(t.db, { to, subject: `For ${to}`, html: '<p>x</p>', text: 'x' });
    const found = (await get('/admin/mail?to=%20ANN_', admin)).body;
    expect(found).toContain('For ann_x@find.example');
    expect(found).not.toContain('For annex@find.example');
    expect(found).toContain('value="ANN_"');
    const all = (await get('/admin/mail?to=find.example', admin)).body;
    expect(all.match(/For [a-z_]+@find\.example/g)?.length).toBe(3);
    expect((await get('/admin/mail?to=%25', admin)).body).toContain('No emails to addresses containing “%”.');
    expect((await get('/admin/mail?to=find.example', member)).statusCode).toBe(403);
    const { items, hasNext } = await listMail(t.db, { page: 1, perPage: 2, to: 'find.example' });
    expect([items.length, hasNext]).toEqual([2, true]);
    expect((await get('/admin/mail?to=find.example&page=2', admin)).body).toContain(
      'href="/admin/mail?to=find.example&amp;page=1"',
    );
  });

  it('shows visitors what Laurel is and members their ways in', async () => {
    const visitor = await get('/');
    expect(visitor.statusCode).toBe(200);
    expect(visitor.body).toContain('href="/verify"');
    expect(visitor.body).toContain('href="/signup"');
    const home = await get('/', member);
    expect(home.body).toContain('Welcome, Member');
    expect(home.body).toContain('href="/wallet"');
    expect(home.body).toContain('href="/orgs"');
  });
});
