import { describe, expect, it } from 'vitest';
import { newestMailLinks } from '../accounts/testing.ts';
import { makeApplication } from '../applications/testing.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeMember, makeTestUser } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { queuePage } from './queue.ts';
import { makeReviewer, submittedApplication } from './testing.ts';

describe.each(DIALECTS)('review pages on %s', (dialect) => {
  const t = useTestApp(dialect);
  const page = (url: string, cookies: Record<string, string>) =>
    t.app.inject({ url, cookies, headers: { accept: 'text/html' } });

  it('lists the queue oldest first with counts, filters by template, state and age, and pages by cursor', async () => {
    const first = await submittedApplication(t.ctx);
    const { org, template } = first;
    const other = await makeTemplate(t.ctx, org, { name: 'Other badge' });
    const rows = [first.application];
    for (let i = 0; i < 3; i++) rows.push((await submittedApplication(t.ctx, { org, template })).application);
    const onOther = await submittedApplication(t.ctx, { org, template: other });
    // Spread the submissions over days: the first is the oldest.
    for (const [i, r] of rows.entries())
      await t.db
        .updateTable('applications')
        .set({ submittedAt: new Date(Date.now() - (10 - i) * 86_400_000) })
        .where('id', '=', r.id)
        .execute();
    await t.db.updateTable('applications').set({ state: 'rejected' }).where('id', '=', rows[3]!.id).execute();
    const reviewer = await makeReviewer(t.ctx, org);
    const base = `/manage/${org.slug}/reviews`;

    const all = await page(base, reviewer.cookies);
    expect(all.statusCode).toBe(200);
    const ids = (html: string) => [...html.matchAll(/href="\/reviews\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids(all.body)).toEqual([rows[0]!.id, rows[1]!.id, rows[2]!.id, onOther.application.id]);
    expect(all.body).toContain('Submitted, waiting for review: 4');
    expect(all.body).toContain('Not approved: 1');

    const byTemplate = await page(`${base}?template=${other.id}`, reviewer.cookies);
    expect(ids(byTemplate.body)).toEqual([onOther.application.id]);
    const rejected = await page(`${base}?state=rejected`, reviewer.cookies);
    expect(ids(rejected.body)).toEqual([rows[3]!.id]);
    const old = await page(`${base}?age=9`, reviewer.cookies);
    expect(ids(old.body)).toEqual([rows[0]!.id, rows[1]!.id]);

    const p1 = await queuePage(t.db, { orgId: org.id, limit: 2 });
    expect(p1.rows.map((r) => r.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    const p2 = await page(`${base}?cursor=${p1.next}`, reviewer.cookies);
    expect(ids(p2.body)).toEqual([rows[2]!.id, onOther.application.id]);

    const viewer = await makeMember(t.db, org, 'viewer');
    expect((await page(base, viewer.cookies)).statusCode).toBe(403);
  });

  it('shows the answers, files as downloads and the thread; decides through the form', async () => {
    const { application, org } = await submittedApplication(t.ctx, {
      files: [{ filename: '<b>cert</b>.pdf', data: '%PDF-1.4 x', public: true }],
    });
    await t.db
      .updateTable('applications')
      .set({ applicantName: '<script>alert(1)</script>' })
      .where('id', '=', application.id)
      .execute();
    const reviewer = await makeReviewer(t.ctx, org);
    const s = await t.session(reviewer.id);
    const url = `/reviews/${application.id}`;

    const shown = await page(url, s.cookies);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Which course did you complete?');
    expect(shown.body).toContain('First aid');
    expect(shown.body).not.toContain('<script>alert(1)');
    expect(shown.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const fileLink = /href="(\/reviews\/[0-9a-f-]{36}\/files\/[0-9a-f-]{36})"/.exec(shown.body)![1]!;
    const file = await page(fileLink, s.cookies);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.body).toBe('%PDF-1.4 x');

    const note = await t.postForm(`${url}/thread`, s, { kind: 'note', text: 'Checked the certificate.' });
    expect(note.statusCode).toBe(303);
    const empty = await t.postForm(`${url}/decision`, s, { decision: 'return', message: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('Say what the applicant should change.');
    const approved = await t.postForm(`${url}/decision`, s, { decision: 'approve', message: '' });
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`${url}?done=approved`);
    const after = await page(`${url}?done=approved`, s.cookies);
    expect(after.body).toContain('the badge was issued');
    expect(after.body).toContain('Checked the certificate.');
    expect(after.body).toContain('Only reviewers see this');
    const again = await t.postForm(`${url}/decision`, s, { decision: 'reject', message: 'Too late' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('it cannot be rejected now');
    const award = await t.db
      .selectFrom('applications')
      .select('awardId')
      .where('id', '=', application.id)
      .executeTakeFirstOrThrow();
    expect(award.awardId).toBeTruthy();
  });

  it('external reviewers: invited for one template, accept with the invited address, see only that template, lose access when revoked', async () => {
    const { application, org, template } = await submittedApplication(t.ctx);
    const elsewhere = await submittedApplication(t.ctx, { org });
    const admin = await makeMember(t.db, org, 'admin');
    const adminSession = await t.session(admin.id);
    const guest = await makeTestUser(t.db, 'Grace Guest');
    const invited = await t.postForm(`/manage/${org.slug}/reviewers`, adminSession, {
      templateId: template.id,
      email: guest.email.toUpperCase(),
      name: 'Grace',
    });
    expect(invited.statusCode).toBe(303);
    const link = (await newestMailLinks(t.db, t.ctx.config, guest.email)).find((l) =>
      l.startsWith('/reviewers/'),
    )!;
    expect(link).toBeTruthy();

    // Someone else opening the forwarded link cannot accept it.
    const stranger = await makeTestUser(t.db, 'Stranger');
    const strangerSession = await t.session(stranger.id);
    const refused = await t.postForm(link, strangerSession, {});
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(guest.email);

    const guestSession = await t.session(guest.id);
    const before = await page(`/reviews/${application.id}`, guestSession.cookies);
    expect(before.statusCode).toBe(404);
    const landing = await page(link, guestSession.cookies);
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain(template.name);
    const accepted = await t.postForm(link, guestSession, {});
    expect(accepted.statusCode).toBe(303);
    expect((await page(link, guestSession.cookies)).statusCode).toBe(410);

    const mine = await page('/reviews', guestSession.cookies);
    expect(mine.body).toContain(`/reviews/${application.id}`);
    expect(mine.body).not.toContain(elsewhere.application.id);
    expect((await page(`/reviews/${application.id}`, guestSession.cookies)).statusCode).toBe(200);
    expect((await page(`/reviews/${elsewhere.application.id}`, guestSession.cookies)).statusCode).toBe(404);
    expect((await page(`/manage/${org.slug}/reviews`, guestSession.cookies)).statusCode).toBe(404);
    const returned = await t.postForm(`/reviews/${application.id}/decision`, guestSession, {
      decision: 'return',
      message: 'Add the date.',
    });
    expect(returned.statusCode).toBe(303);
    const events = await t.db
      .selectFrom('applicationEvents')
      .select(['actorRole', 'toState'])
      .where('applicationId', '=', application.id)
      .execute();
    expect(events).toEqual([{ actorRole: 'external', toState: 'returned' }]);

    const list = await page(`/manage/${org.slug}/reviewers`, adminSession.cookies);
    const revoke = /action="(\/manage\/[^"]+\/reviewers\/[0-9a-f-]{36}\/revoke)"/.exec(list.body)![1]!;
    expect((await t.postForm(revoke, adminSession, {})).statusCode).toBe(303);
    expect((await page(`/reviews/${application.id}`, guestSession.cookies)).statusCode).toBe(404);
  });

  it('hides drafts from reviewers', async () => {
    const { application, org } = await makeApplication(t.ctx, { state: 'draft' });
    const reviewer = await makeReviewer(t.ctx, org);
    expect((await page(`/reviews/${application.id}`, reviewer.cookies)).statusCode).toBe(404);
    expect((await page(`/manage/${org.slug}/reviews?state=all`, reviewer.cookies)).body).not.toContain(
      application.id,
    );
  });
});
