// The applicant's side through HTTP, on both databases: apply with files, submit, see the status
// and the timeline (never reviewer notes), revise when returned and resubmit, withdraw, choose
// public evidence, hostile uploads refused with nothing half-written, invitations, and signing
// up on the way without losing what was typed.
import { beforeAll, describe, expect, it } from 'vitest';
import { finishSignup, type TestSession } from '../../accounts/testing.ts';
import { DIALECTS } from '../../db/testing.ts';
import { multipart, useTestApp } from '../../http/testing.ts';
import { makeOrg } from '../../orgs/testing.ts';
import type { Org } from '../../orgs/service.ts';
import { makeTemplate } from '../../templates/testing.ts';
import type { Template } from '../../templates/service.ts';
import { hashToken } from '../../util/hash.ts';
import type { Question } from '../tables.ts';
import { makeApplicationForm } from '../testing.ts';
import { lockApplication, moveTo, recordEvent } from '../transitions.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

const QUESTIONS: Question[] = [
  { id: 'course', kind: 'short_text', label: 'Which course did you complete?', required: true },
  { id: 'site', kind: 'url', label: 'Portfolio', required: false },
  { id: 'level', kind: 'choice', label: 'Level', required: true, options: ['Basic', 'Advanced'] },
  {
    id: 'certificate',
    kind: 'file',
    label: 'Your certificate',
    required: true,
    accept: ['application/pdf', 'image/png'],
  },
  { id: 'extra', kind: 'file', label: 'Anything else', required: false, maxFiles: 3 },
  { id: 'honest', kind: 'attestation', label: 'I confirm this is my own work.', required: true },
];

const ANSWERS = { a_course: 'First aid', a_level: 'Basic', a_honest: '1' };

describe.each(DIALECTS)('applying on %s', (dialect) => {
  const t = useTestApp(dialect);
  let org: Org;
  let template: Template;
  let formId: string;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config, name: 'Red Cross <Local>' });
    template = await makeTemplate(t.ctx, org, { name: 'First <script>aid</script>' });
    formId = (await makeApplicationForm(t.db, template, { questions: QUESTIONS })).id;
  });

  async function applicant() {
    const user = await t.user({ name: 'Ada Applicant' });
    return { user, session: await t.session(user.id) };
  }

  const post = (
    session: TestSession,
    fields: Record<string, string | string[]>,
    files: { name: string; filename: string; data: Buffer; type?: string }[] = [],
    path = `/apply/${template.id}`,
  ) => {
    const body = multipart([
      { name: '_csrf', value: session.csrf },
      ...Object.entries(fields).flatMap(([name, v]) => [v].flat().map((value) => ({ name, value }))),
      ...files.map((f) => ({
        name: f.name,
        value: f.data,
        filename: f.filename,
        type: f.type ?? 'application/pdf',
      })),
    ]);
    return t.app.inject({
      method: 'POST',
      url: path,
      cookies: session.cookies,
      headers: { 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
    });
  };
  const get = (session: TestSession, url: string) =>
    t.app.inject({ url, cookies: session.cookies, headers: { accept: 'text/html' } });
  const applicationOf = (userId: string) =>
    t.db.selectFrom('applications').selectAll().where('applicantId', '=', userId).executeTakeFirst();
  const filesOf = (applicationId: string) =>
    t.db
      .selectFrom('applicationFiles')
      .selectAll()
      .where('applicationId', '=', applicationId)
      .orderBy('createdAt')
      .execute();

  it('applies with a file, submits, and sees the status page; the file is a sandboxed download', async () => {
    const { user, session } = await applicant();
    const page = await get(session, `/apply/${template.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Which course did you complete?');
    // A hostile badge name is text, never markup.
    expect(page.body).toContain('First &lt;script&gt;aid&lt;/script&gt;');
    expect(page.body).not.toContain('<script>aid');

    const res = await post(session, { ...ANSWERS, action: 'submit' }, [
      { name: 'f_certificate', filename: 'certificate.pdf', data: PDF },
    ]);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const row = (await applicationOf(user.id))!;
    expect(res.headers.location).toBe(`/applications/${row.id}?submitted=1`);
    expect(row).toMatchObject({ state: 'submitted', submission: 1, formId, applicantEmail: user.email });
    expect(row.answers).toEqual({ course: 'First aid', site: '', level: 'Basic', honest: true });
    const [file] = await filesOf(row.id);
    expect(file).toMatchObject({
      questionId: 'certificate',
      filename: 'certificate.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      public: false,
    });

    const mail = await t.db
      .selectFrom('emails')
      .select(['subject', 'text'])
      .where('toAddress', '=', user.email)
      .execute();
    expect(mail.map((m) => m.subject)).toEqual([
      `Your application for “First <script>aid</script>” was received`,
    ]);
    expect(mail[0]!.text).toContain(`/applications/${row.id}`);

    const status = await get(session, `/applications/${row.id}?submitted=1`);
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Submitted, waiting for review');
    expect(status.body).toContain('certificate.pdf');
    // Submitted: the form leads to the status page, not to a second application.
    expect((await get(session, `/apply/${template.id}`)).headers.location).toBe(`/applications/${row.id}`);

    const download = await get(session, `/applications/${row.id}/files/${file!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PDF)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'cache-control': 'private, no-store',
    });
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="certificate\.pdf"/);

    // Someone else sees none of it.
    const other = await applicant();
    expect((await get(other.session, `/applications/${row.id}`)).statusCode).toBe(404);
    expect((await get(other.session, `/applications/${row.id}/files/${file!.id}`)).statusCode).toBe(404);
    const list = await get(session, '/applications');
    expect(list.body).toContain(`/applications/${row.id}`);
    expect((await get(other.session, '/applications')).body).not.toContain(row.id);
  });

  it('saves an incomplete draft, and refuses to submit it until every required question is answered', async () => {
    const { user, session } = await applicant();
    const res = await post(session, { a_course: 'Lifeguard', a_site: 'not a url', action: 'submit' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter a web address');
    expect(await applicationOf(user.id)).toBeUndefined();

    const saved = await post(session, { a_course: 'Lifeguard', action: 'submit' });
    expect(saved.statusCode).toBe(422);
    expect(saved.body).toContain('Some required questions are not answered yet');
    expect(saved.body).toContain('“Your certificate”: attach a file.');
    expect(saved.body).toContain('tick this box to confirm');
    const draft = (await applicationOf(user.id))!;
    expect(draft).toMatchObject({ state: 'draft', submission: 0 });
    expect(draft.answers.course).toBe('Lifeguard');
    // Coming back shows what was saved.
    expect((await get(session, `/apply/${template.id}`)).body).toContain('value="Lifeguard"');
  });

  it('refuses to submit for an unconfirmed address, keeping the draft', async () => {
    const user = await t.user({ verified: false });
    const session = await t.session(user.id);
    const res = await post(session, { ...ANSWERS, action: 'submit' }, [
      { name: 'f_certificate', filename: 'c.pdf', data: PDF },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Confirm your email address before you submit');
    expect((await applicationOf(user.id))?.state).toBe('draft');
  });

  it('refuses hostile uploads with a clear message and writes nothing', async () => {
    const { user, session } = await applicant();
    const cases = [
      {
        file: { name: 'f_certificate', filename: 'cv.svg', data: SVG, type: 'image/svg+xml' },
        status: 415,
        says: 'SVG files cannot be uploaded',
      },
      {
        file: { name: 'f_certificate', filename: 'cv.pdf', data: HTML },
        status: 415,
        says: 'HTML, XML and files with scripts',
      },
      {
        file: {
          name: 'f_extra',
          filename: 'run.sh',
          data: Buffer.from('#!/bin/sh\nrm -rf /\n'),
          type: 'text/plain',
        },
        status: 415,
        says: 'Scripts cannot be uploaded',
      },
      {
        file: {
          name: 'f_certificate',
          filename: 'photo.pdf',
          data: Buffer.from('GIF89a\x01\x00\x01\x00'),
          type: 'application/pdf',
        },
        status: 415,
        says: 'is a GIF image; this question takes: PDF, PNG image',
      },
    ];
    for (const c of cases) {
      const res = await post(session, { ...ANSWERS, action: 'save' }, [c.file]);
      expect(res.statusCode, c.says).toBe(c.status);
      expect(res.body.replace(/&#39;/g, "'").replace(/&quot;/g, '"')).toContain(c.says);
      // The form shows again with what was typed.
      expect(res.body).toContain('value="First aid"');
    }
    // One good file beside a bad one: neither is kept, nor the draft they came with.
    const mixed = await post(session, { ...ANSWERS, action: 'save' }, [
      { name: 'f_certificate', filename: 'good.pdf', data: PDF },
      { name: 'f_extra', filename: 'bad.html', data: HTML, type: 'text/html' },
    ]);
    expect(mixed.statusCode).toBe(415);
    // Too many files for one question.
    const many = await post(
      session,
      { ...ANSWERS, action: 'save' },
      [1, 2, 3, 4].map((i) => ({ name: 'f_extra', filename: `p${i}.png`, data: PNG, type: 'image/png' })),
    );
    expect(many.statusCode).toBe(422);
    expect(many.body).toContain('takes at most 3 files');
    expect(await applicationOf(user.id)).toBeUndefined();
    expect(
      await t.db
        .selectFrom('applicationFiles')
        .select('id')
        .where('filename', 'in', ['good.pdf', 'p1.png'])
        .execute(),
    ).toEqual([]);

    // Oversize, against the template's own limit.
    await t.db
      .updateTable('applicationSettings')
      .set({ maxFileBytes: 1024 })
      .where('templateId', '=', template.id)
      .execute();
    try {
      const big = await post(session, { ...ANSWERS, action: 'save' }, [
        { name: 'f_certificate', filename: 'big.pdf', data: Buffer.concat([PDF, Buffer.alloc(2048, 32)]) },
      ]);
      expect(big.statusCode).toBe(413);
      expect(big.body).toContain('a file may be at most 1 KB');
    } finally {
      await t.db
        .updateTable('applicationSettings')
        .set({ maxFileBytes: 10485760 })
        .where('templateId', '=', template.id)
        .execute();
    }
    expect(await applicationOf(user.id)).toBeUndefined();

    // A name that climbs out of its folder keeps only its last part; many files at once are fine.
    const ok = await post(session, { ...ANSWERS, action: 'save' }, [
      { name: 'f_certificate', filename: '../../x', data: PDF },
      { name: 'f_extra', filename: 'a.png', data: PNG, type: 'image/png' },
      {
        name: 'f_extra',
        filename: 'notes.txt',
        data: Buffer.from('Plain notes, nothing active.\n'),
        type: 'text/plain',
      },
    ]);
    expect(ok.statusCode).toBe(303);
    const row = (await applicationOf(user.id))!;
    expect((await filesOf(row.id)).map((f) => [f.filename, f.contentType])).toEqual(
      expect.arrayContaining([
        ['x.pdf', 'application/pdf'],
        ['a.png', 'image/png'],
        ['notes.txt', 'text/plain'],
      ]),
    );
  });

  it('is returned for revision, shows the request, takes changed answers and files, and is submitted again', async () => {
    const { user, session } = await applicant();
    await post(session, { ...ANSWERS, action: 'submit' }, [
      { name: 'f_certificate', filename: 'old.pdf', data: PDF },
    ]);
    const submitted = (await applicationOf(user.id))!;
    await t.db.transaction().execute(async (trx) => {
      const row = await lockApplication(trx, submitted.id);
      await recordEvent(trx, {
        applicationId: row.id,
        kind: 'note',
        actor: { id: null, role: 'reviewer' },
        message: 'PRIVATE reviewer note',
      });
      await moveTo(
        trx,
        row,
        'return',
        { id: null, role: 'reviewer' },
        'Please attach the signed certificate.',
      );
    });
    // A new form version meanwhile: this application keeps the version it was answered on.
    const newer = await makeApplicationForm(t.db, template, {
      questions: [
        ...QUESTIONS,
        { id: 'newq', kind: 'short_text', label: 'A question added later', required: true },
      ],
    });
    const form = await get(session, `/apply/${template.id}`);
    await t.db.deleteFrom('applicationForms').where('id', '=', newer.id).execute();
    expect(form.body).not.toContain('A question added later');
    expect(form.body).toContain('Please attach the signed certificate.');
    expect(form.body).toContain('old.pdf');

    const res = await post(session, { ...ANSWERS, a_course: 'First aid, advanced', action: 'submit' }, [
      { name: 'f_certificate', filename: 'signed.png', data: PNG, type: 'image/png' },
    ]);
    expect(res.statusCode).toBe(303);
    const again = (await applicationOf(user.id))!;
    expect(again).toMatchObject({ id: submitted.id, state: 'submitted', submission: 2 });
    expect(again.answers.course).toBe('First aid, advanced');
    // The question takes one file: the new one replaced the old.
    expect((await filesOf(again.id)).map((f) => f.filename)).toEqual(['signed.png']);

    const status = await get(session, `/applications/${again.id}`);
    expect(status.body).toContain('Please attach the signed certificate.');
    expect(status.body).not.toContain('PRIVATE reviewer note');
    expect(status.body).toContain('returned for revision');

    // The applicant writes back on the thread; an empty message is refused.
    expect(
      (await t.postForm(`/applications/${again.id}/reply`, session, { message: 'Taken in 2024.' }))
        .statusCode,
    ).toBe(303);
    expect((await t.postForm(`/applications/${again.id}/reply`, session, { message: '  ' })).statusCode).toBe(
      422,
    );
    expect((await get(session, `/applications/${again.id}`)).body).toContain('You wrote');
    const reply = await t.db
      .selectFrom('applicationEvents')
      .select(['kind', 'actorRole', 'message'])
      .where('applicationId', '=', again.id)
      .where('kind', '=', 'message')
      .executeTakeFirstOrThrow();
    expect(reply).toEqual({ kind: 'message', actorRole: 'applicant', message: 'Taken in 2024.' });

    const withdrawn = await t.postForm(`/applications/${again.id}/withdraw`, session, {
      reason: 'Changed my mind',
    });
    expect(withdrawn.statusCode).toBe(303);
    expect((await applicationOf(user.id))?.state).toBe('withdrawn');
    const twice = await t.postForm(`/applications/${again.id}/withdraw`, session);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('cannot be withdrawn now');
  });

  it('serves a public evidence file to anyone only while it is public and its application approved', async () => {
    const { user, session } = await applicant();
    await post(session, { ...ANSWERS, action: 'submit' }, [
      { name: 'f_certificate', filename: 'proof.pdf', data: PDF },
    ]);
    const row = (await applicationOf(user.id))!;
    const [file] = await filesOf(row.id);
    expect(
      (await t.postForm(`/applications/${row.id}/evidence`, session, { publicFile: file!.id })).statusCode,
    ).toBe(303);
    const anonymous = () => t.app.inject({ url: `/evidence/${file!.id}` });
    expect((await anonymous()).statusCode).toBe(404); // not approved yet
    await t.db.updateTable('applications').set({ state: 'approved' }).where('id', '=', row.id).execute();
    const open = await anonymous();
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-disposition']).toMatch(/^attachment;/);
    expect(open.headers['x-content-type-options']).toBe('nosniff');
    // Made private again: gone for everyone else.
    expect((await t.postForm(`/applications/${row.id}/evidence`, session, {})).statusCode).toBe(303);
    expect((await anonymous()).statusCode).toBe(404);
  });

  it('by invitation: closed without one, open with the link or to the invited address', async () => {
    const invited = await makeTemplate(t.ctx, org, { name: 'Invited only' });
    await makeApplicationForm(t.db, invited, { mode: 'invitation', questions: QUESTIONS.slice(0, 1) });
    const token = 'invitation-token-0123456789';
    const { user, session } = await applicant();
    const byEmail = await applicant();
    await t.db
      .insertInto('applicationInvitations')
      .values([
        {
          templateId: invited.id,
          email: 'someone@example.test',
          tokenHash: hashToken(token),
          invitedBy: null,
        },
        {
          templateId: invited.id,
          email: byEmail.user.email,
          tokenHash: hashToken('other-token'),
          invitedBy: null,
        },
      ])
      .execute();
    const closed = await get(session, `/apply/${invited.id}`);
    expect(closed.body).toContain('by invitation only');
    expect(closed.body).not.toContain('a_course');
    expect((await get(session, `/apply/${invited.id}?invitation=${token}`)).body).toContain('a_course');
    const res = await post(
      session,
      { a_course: 'Invited', action: 'submit', invitation: token },
      [],
      `/apply/${invited.id}?invitation=${token}`,
    );
    expect(res.statusCode).toBe(303);
    expect(
      (
        await t.db
          .selectFrom('applications')
          .select(['state', 'invitationId'])
          .where('applicantId', '=', user.id)
          .where('templateId', '=', invited.id)
          .executeTakeFirst()
      )?.state,
    ).toBe('submitted');
    // The link is used: someone else cannot apply with it; the invited address needs no link.
    const stranger = await applicant();
    expect((await get(stranger.session, `/apply/${invited.id}?invitation=${token}`)).body).toContain(
      'by invitation only',
    );
    expect((await get(byEmail.session, `/apply/${invited.id}`)).body).toContain('a_course');

    // A draft begun while open cannot be submitted for the first time once applications closed.
    await post(byEmail.session, { a_course: 'Late', action: 'save' }, [], `/apply/${invited.id}`);
    await t.db
      .updateTable('applicationSettings')
      .set({ closesAt: new Date(Date.now() - 60_000) })
      .where('templateId', '=', invited.id)
      .execute();
    const late = await post(
      byEmail.session,
      { a_course: 'Late', action: 'submit' },
      [],
      `/apply/${invited.id}`,
    );
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('closed on');
    await t.db
      .updateTable('applicationSettings')
      .set({ mode: 'closed' })
      .where('templateId', '=', invited.id)
      .execute();
    expect((await get(stranger.session, `/apply/${invited.id}`)).body).toContain(
      'is not taking applications',
    );
  });

  it('keeps what a visitor typed through signing up, and puts it into their draft', async () => {
    const browser = t.browser(dialect === 'pglite' ? '10.1.0.1' : '10.1.0.2');
    const first = await browser.get(`/apply/${template.id}`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('You will need an account to submit');
    const res = await browser.post(`/apply/${template.id}`, {
      a_course: 'Typed before signing up',
      a_level: 'Advanced',
      action: 'submit',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sign up to continue');
    expect(browser.jar.laurel_apply).toBeTruthy();

    const email = `visitor-${dialect}-${Date.now()}@example.org`;
    await browser.get(`/signup?next=/apply/${template.id}`);
    const signup = await browser.post('/signup', {
      name: 'Vera Visitor',
      email,
      password: 'correct horse battery staple',
      next: `/apply/${template.id}`,
    });
    expect(signup.statusCode).toBeLessThan(400);
    const done = await finishSignup(browser, t.db, t.config, email);
    expect(done.headers.location).toBe(`/apply/${template.id}`);
    const back = await browser.get(`/apply/${template.id}`);
    expect(back.body).toContain('Your answers were kept');
    expect(back.body).toContain('value="Typed before signing up"');
    // Saving moves them into a draft and lets the kept copy go.
    const saved = await browser.post(`/apply/${template.id}`, {
      a_course: 'Typed before signing up',
      a_level: 'Advanced',
      action: 'save',
    });
    expect(saved.statusCode).toBe(303);
    expect(browser.jar.laurel_apply).toBeUndefined();
    const user = await t.db
      .selectFrom('userEmails')
      .select('userId')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect((await applicationOf(user.userId))?.answers).toMatchObject({
      course: 'Typed before signing up',
      level: 'Advanced',
    });
  });
});
