import { describe, expect, it } from 'vitest';
import { createApiKey } from '../apikeys/service.ts';
import { DIALECTS } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { makeMember } from '../orgs/testing.ts';
import { submittedApplication } from './testing.ts';

describe.each(DIALECTS)('review API on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('lists and reads with applications:read, decides and writes with applications:review', async () => {
    const { application, org, template } = await submittedApplication(t.ctx, {
      files: [{ filename: 'cert.pdf', data: '%PDF-1.4 y', public: true }],
    });
    const admin = await makeMember(t.db, org, 'admin');
    const reader = await createApiKey(t.db, { orgId: org.id, name: 'R', scopes: ['applications:read'] });
    const writer = await createApiKey(t.db, {
      orgId: org.id,
      name: 'W',
      scopes: ['applications:read', 'applications:review'],
      createdBy: admin.id,
    });
    const base = `/api/v1/orgs/${org.slug}/applications`;

    const list = await t.withKey(reader.key, 'GET', `${base}?templateId=${template.id}`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      items: [{ id: application.id, state: 'submitted', approvals: 0, applicantName: 'Ada Applicant' }],
      next: null,
      counts: { submitted: 1, approved: 0 },
    });
    const read = await t.withKey(reader.key, 'GET', `${base}/${application.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id: application.id,
      formVersion: 1,
      answers: expect.arrayContaining([
        {
          questionId: 'course',
          label: 'Which course did you complete?',
          kind: 'short_text',
          required: true,
          answer: 'First aid',
        },
      ]),
      files: [{ filename: 'cert.pdf', public: true }],
    });
    const download = await t.withKey(
      reader.key,
      'GET',
      read.json().files[0].downloadUrl.replace(t.ctx.config.baseUrl, ''),
    );
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="cert\.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toContain('sandbox');
    expect(download.body).toBe('%PDF-1.4 y');
    const elsewhere = await t.withKey(
      reader.key,
      'GET',
      `${base}/${application.id}/files/00000000-0000-4000-8000-000000000000`,
    );
    expect(elsewhere.statusCode).toBe(404);

    const refused = await t.withKey(reader.key, 'POST', `${base}/${application.id}/decision`, {
      decision: 'approve',
    });
    expect(refused.statusCode).toBe(403);
    const note = await t.withKey(writer.key, 'POST', `${base}/${application.id}/messages`, {
      text: 'Only for us.',
      private: true,
    });
    expect(note.statusCode).toBe(201);
    const bad = await t.withKey(writer.key, 'POST', `${base}/${application.id}/decision`, {
      decision: 'reject',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([
      { field: 'message', message: 'Give the reason; the applicant will see it.' },
    ]);
    const approved = await t.withKey(writer.key, 'POST', `${base}/${application.id}/decision`, {
      decision: 'approve',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      id: application.id,
      state: 'approved',
      approvals: 1,
      approvalsRequired: 1,
    });
    expect(approved.json().awardId).toMatch(/^[0-9a-f-]{36}$/);

    const late = await t.withKey(writer.key, 'POST', `${base}/${application.id}/decision`, {
      decision: 'return',
      message: 'More, please.',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'state', message: 'approved' }],
    });

    const after = (await t.withKey(reader.key, 'GET', `${base}/${application.id}`)).json();
    expect(after.events.map((e: { kind: string; actorName: string }) => [e.kind, e.actorName])).toEqual([
      ['note', 'Member admin'],
      ['transition', 'Member admin'],
    ]);
    expect(after.awardId).toBe(approved.json().awardId);
  });

  it('answers 404 for another organization’s application and for a draft', async () => {
    const mine = await submittedApplication(t.ctx);
    const theirs = await submittedApplication(t.ctx);
    const key = await createApiKey(t.db, { orgId: mine.org.id, name: 'R', scopes: ['applications:read'] });
    const res = await t.withKey(
      key.key,
      'GET',
      `/api/v1/orgs/${mine.org.slug}/applications/${theirs.application.id}`,
    );
    expect(res.statusCode).toBe(404);
    await t.db
      .updateTable('applications')
      .set({ state: 'draft' })
      .where('id', '=', mine.application.id)
      .execute();
    expect(
      (await t.withKey(key.key, 'GET', `/api/v1/orgs/${mine.org.slug}/applications/${mine.application.id}`))
        .statusCode,
    ).toBe(404);
  });

  it('lets a reviewer decide with a session and its CSRF token', async () => {
    const { application, org } = await submittedApplication(t.ctx);
    const reviewer = await makeMember(t.db, org, 'reviewer');
    const session = await t.session(reviewer.id);
    const res = await t.sendJson(
      'POST',
      `/api/v1/orgs/${org.slug}/applications/${application.id}/decision`,
      session,
      {
        decision: 'return',
        message: 'Add the date of the course.',
      },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'returned' });
  });
});
