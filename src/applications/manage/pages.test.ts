// The organization side's pages on both databases: the settings page, the form builder (add,
// move, remove, preview, save as a version, a stale save), the preview of a version, invitations
// (a list pasted, links shown once and emailed, revoke), and "Apply for this badge" with its QR
// code on the public pages while the badge is open to anyone.
import { beforeAll, describe, expect, it } from 'vitest';
import { FORM } from '../../accounts/testing.ts';
import { DIALECTS } from '../../db/testing.ts';
import { useTestApp } from '../../http/testing.ts';
import type { Org } from '../../orgs/service.ts';
import { type TestUser, csrfPair, makeMember, makeOrg } from '../../orgs/testing.ts';
import type { Template } from '../../templates/service.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { makeApplication, makeApplicationForm } from '../testing.ts';
import { latestForm } from './forms.ts';
import { getApplicationSettings } from './settings.ts';

describe.each(DIALECTS)('the organization side pages on %s', (dialect) => {
  const t = useTestApp(dialect);
  const csrf = csrfPair();
  let org: Org;
  let admin: TestUser;
  let issuer: TestUser;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config, name: 'Guild' });
    admin = await makeMember(t.db, org, 'admin', 'Ada <Admin>');
    issuer = await makeMember(t.db, org, 'issuer');
  });

  const get = (url: string, who: TestUser = admin) => t.app.inject({ url, cookies: who.cookies });
  const post = (url: string, fields: Record<string, string>, who: TestUser = admin) =>
    t.app.inject({
      method: 'POST',
      url,
      cookies: { ...who.cookies, laurel_csrf: csrf.cookie },
      headers: FORM,
      payload: new URLSearchParams({ _csrf: csrf.token, ...fields }).toString(),
    });
  const earning = (template: Template) => `/manage/${org.slug}/templates/${template.id}/earning`;
  const settingsFields = {
    mode: 'public',
    opensOn: '',
    closesOn: '',
    cap: '',
    approvalsRequired: '1',
    renewal: 'review',
    renewalWindowDays: '60',
    maxFileMb: '10',
    maxApplicationMb: '50',
  };

  it('is for administrators; the template editor links to it', async () => {
    const template = await makeTemplate(t.ctx, org);
    expect((await get(earning(template), issuer)).statusCode).toBe(403);
    expect((await post(earning(template), settingsFields, issuer)).statusCode).toBe(403);
    const editor = await get(`/manage/${org.slug}/templates/${template.id}`);
    expect(editor.body).toContain(`href="${earning(template)}"`);
    const page = await get(earning(template));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Issued by the organization only: nobody can apply.');
    expect(page.body).toMatch(/<input type="radio" name="mode" value="closed" checked/);

    await makeApplication(t.ctx, { org, template, state: 'submitted' });
    await makeApplication(t.ctx, { org, template, state: 'approved' });
    const counted = await get(earning(template));
    expect(counted.body).toContain('Applications: submitted, waiting for review 1 · approved 1.');
    expect(counted.body).toContain(`href="/manage/${org.slug}/reviews?template=${template.id}"`);
  });

  it('saves the settings, refuses what breaks a rule with the field named, and opens only with a form', async () => {
    const template = await makeTemplate(t.ctx, org);
    const noForm = await post(earning(template), settingsFields);
    expect(noForm.statusCode).toBe(422);
    expect(noForm.body).toContain('Build the application form (at least one question)');
    await makeApplicationForm(t.db, template, { mode: 'closed' });

    const bad = await post(earning(template), {
      ...settingsFields,
      opensOn: '2030-02-31',
      closesOn: '2030-01-01',
      cap: '0',
      maxFileMb: '80',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('This day does not exist.');
    expect(bad.body).toContain('Leave it empty for no cap');
    expect(bad.body).toContain('Enter a size from 1 to 50 MB.');
    expect(bad.body).toContain('value="2030-02-31"');
    expect((await getApplicationSettings(t.db, template.id)).mode).toBe('closed');

    const ok = await post(earning(template), {
      ...settingsFields,
      mode: 'invitation',
      opensOn: '2030-01-01',
      closesOn: '2030-01-31',
      cap: '25',
      approvalsRequired: '2',
      renewal: 'instant',
      renewalWindowDays: '30',
      maxFileMb: '5',
      maxApplicationMb: '20.5',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${earning(template)}?saved=1`);
    expect(await getApplicationSettings(t.db, template.id)).toMatchObject({
      mode: 'invitation',
      opensAt: new Date('2030-01-01T00:00:00Z'),
      // The end of the closing day.
      closesAt: new Date('2030-02-01T00:00:00Z'),
      cap: 25,
      approvalsRequired: 2,
      renewal: 'instant',
      renewalWindowDays: 30,
      maxFileBytes: 5 * 1024 * 1024,
      maxApplicationBytes: Math.round(20.5 * 1024 * 1024),
    });
    const page = await get(`${earning(template)}?saved=1`);
    expect(page.body).toContain('Saved.');
    expect(page.body).toContain('value="2030-01-31"');
    expect(page.body).toContain('Applications for this badge have not opened yet.');
    expect(page.body).toContain('0 of 25 places taken');
  });

  it('builds a form without JavaScript: add, move, remove, preview, then save as version 1', async () => {
    const template = await makeTemplate(t.ctx, org);
    const url = `${earning(template)}/form`;
    const blank = await get(url);
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain('name="q.0.label"');
    expect(blank.body).not.toContain('name="q.1.label"');
    const first = /name="q\.0\.id" value="([^"]+)"/.exec(blank.body)![1]!;

    const typed = {
      baseVersion: '0',
      count: '1',
      instructions: 'Send your <certificate>.',
      'q.0.id': first,
      'q.0.kind': 'short_text',
      'q.0.label': '<script>alert(1)</script>',
      'q.0.required': '1',
    };
    const added = await post(url, { ...typed, intent: 'add' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('name="q.1.label"');
    expect(added.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(added.body).not.toContain('<script>alert(1)');
    expect(await latestForm(t.db, template.id)).toBeNull();

    const two = {
      ...typed,
      count: '2',
      'q.1.id': 'proof',
      'q.1.kind': 'file',
      'q.1.label': 'Your certificate',
      'q.1.accept.pdf': '1',
      'q.1.maxMb': '4',
    };
    const moved = await post(url, { ...two, intent: 'up:1' });
    expect(moved.body.indexOf('value="Your certificate"')).toBeLessThan(
      moved.body.indexOf('value="&lt;script&gt;'),
    );
    const removed = await post(url, { ...two, intent: 'remove:0' });
    expect(removed.body).not.toContain('&lt;script&gt;alert');
    expect(removed.body).toContain('name="q.0.label" type="text" value="Your certificate"');

    const preview = await post(url, { ...two, intent: 'preview' });
    expect(preview.body).toContain('Preview (not saved)');
    expect(preview.body).toContain('PDF · at most 4 MB a file');
    expect(preview.body).not.toContain('<script>alert(1)');

    const noTypes = await post(url, { ...two, 'q.1.accept.pdf': '', intent: 'save' });
    expect(noTypes.statusCode).toBe(422);
    expect(noTypes.body).toContain('Choose at least one file type.');

    const saved = await post(url, { ...two, intent: 'save' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?saved=1`);
    const form = await latestForm(t.db, template.id);
    expect(form).toMatchObject({
      version: 1,
      instructions: 'Send your <certificate>.',
      questions: [
        { id: first, kind: 'short_text', label: '<script>alert(1)</script>', required: true },
        {
          id: 'proof',
          kind: 'file',
          label: 'Your certificate',
          required: false,
          accept: ['application/pdf'],
          maxBytes: 4 * 1024 * 1024,
        },
      ],
    });
    const again = await post(url, { ...two, baseVersion: '1', intent: 'save' });
    expect(again.headers.location).toBe(`${url}?unchanged=1`);
    expect((await get(`${url}?unchanged=1`)).body).toContain('Nothing changed: no new version was made.');

    // Someone else saved version 2; a save from version 1 is refused, and the next one goes on top.
    await post(url, { ...two, baseVersion: '1', 'q.1.label': 'Certificate', intent: 'save' });
    const stale = await post(url, { ...two, baseVersion: '1', 'q.1.label': 'Diploma', intent: 'save' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone saved version 2 of this form while you were editing.');
    expect(stale.body).toContain('name="baseVersion" value="2"');
    expect(stale.body).toContain('value="Diploma"');
    const onTop = await post(url, { ...two, baseVersion: '2', 'q.1.label': 'Diploma', intent: 'save' });
    expect(onTop.statusCode).toBe(303);
    expect((await latestForm(t.db, template.id))?.version).toBe(3);

    const history = await get(url);
    expect(history.body).toContain(`href="${url}/preview?version=1"`);
    const v1 = await get(`${url}/preview?version=1`);
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toContain('Application form, version 1');
    expect(v1.body).toContain('Your certificate');
    expect((await get(`${url}/preview`)).body).toContain('Diploma');
    expect((await get(`${url}/preview?version=99`)).statusCode).toBe(404);
  });

  it('invites a pasted list: the links shown once, emailed; a bad address invites nobody; revoke', async () => {
    const template = await makeTemplate(t.ctx, org, { name: 'Welding <Level 2>' });
    await makeApplicationForm(t.db, template, { mode: 'invitation' });
    const url = `${earning(template)}/invitations`;
    const empty = await get(url);
    expect(empty.body).toContain('Nobody invited yet.');

    const bad = await post(url, { emails: 'eve@example.org, nope', send: '1' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Not an email address: nope.');
    expect(
      await t.db.selectFrom('applicationInvitations').where('templateId', '=', template.id).execute(),
    ).toEqual([]);

    const done = await post(url, {
      emails: 'Eve@Example.org\nfrank@example.org',
      message: 'Welcome!',
      send: '1',
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('2 invited and emailed.');
    const links = [...done.body.matchAll(/value="(http[^"]+invitation=[^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&'),
    );
    expect(links).toHaveLength(2);
    const mail = await t.db
      .selectFrom('emails')
      .select(['toAddress', 'subject', 'text', 'html'])
      .where('toAddress', '=', 'eve@example.org')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Apply for “Welding <Level 2>” from Guild');
    expect(links).toContain(mail.text.match(/http\S+invitation=\S+/)![0]);
    expect(mail.html).toContain('Welding &lt;Level 2&gt;');
    expect(mail.text).toContain('Welcome!');

    const listed = await get(url);
    expect(listed.body).not.toContain('invitation=');
    expect(listed.body).toContain('eve@example.org');
    expect(listed.body).toContain('Not applied yet');
    const row = await t.db
      .selectFrom('applicationInvitations')
      .select('id')
      .where('templateId', '=', template.id)
      .where('email', '=', 'eve@example.org')
      .executeTakeFirstOrThrow();
    const revoked = await post(`${url}/revoke`, { invitation: row.id });
    expect(revoked.statusCode).toBe(303);
    expect((await get(`${url}?revoked=1`)).body).toContain('Revoked');
    expect((await post(`${url}/revoke`, { invitation: row.id })).statusCode).toBe(404);

    // Links only, to send oneself: nothing emailed.
    const quiet = await post(url, { emails: 'gus@example.org', send: '' });
    expect(quiet.body).toContain('1 invited.');
    const none = await t.db
      .selectFrom('emails')
      .select('id')
      .where('toAddress', '=', 'gus@example.org')
      .execute();
    expect(none).toEqual([]);
  });

  it('offers "Apply for this badge" with a QR code on the public pages while open to anyone', async () => {
    const other = await makeOrg(t.db, { config: t.config });
    const template = await makeTemplate(t.ctx, other, { name: 'Open <Badge>' });
    const page = `/orgs/${other.slug}/badges/${template.id}`;
    const qr = `${page}/apply-qr.svg`;
    const applyLink = `${t.config.baseUrl}/apply/${template.id}`;
    expect((await get(page)).body).not.toContain('Apply for this badge');
    expect((await t.app.inject({ url: qr })).statusCode).toBe(404);

    await makeApplicationForm(t.db, template, { mode: 'public' });
    const open = await t.app.inject({ url: page });
    expect(open.body).toContain('Apply for this badge');
    expect(open.body).toContain(`href="${applyLink}"`);
    expect(open.body).toContain(`src="${qr}"`);
    const orgPage = await t.app.inject({ url: `/orgs/${other.slug}` });
    expect(orgPage.body).toContain('Open to applications');
    expect(orgPage.body).toContain('Open &lt;Badge&gt;');
    expect(orgPage.body).toContain(`href="${applyLink}"`);
    const code = await t.app.inject({ url: qr });
    expect(code.statusCode).toBe(200);
    expect(code.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(code.headers['content-security-policy']).toContain("default-src 'none'");
    expect(code.body).toMatch(/^<svg/);

    // By invitation, or once the places are taken: no longer offered to anyone.
    await t.db
      .updateTable('applicationSettings')
      .set({ mode: 'invitation' })
      .where('templateId', '=', template.id)
      .execute();
    expect((await t.app.inject({ url: page })).body).not.toContain('Apply for this badge');
    expect((await t.app.inject({ url: `/orgs/${other.slug}` })).body).not.toContain('Open to applications');
    expect((await t.app.inject({ url: qr })).statusCode).toBe(404);
  });
});
