import { describe, expect, it } from 'vitest';
import { makeApplication } from '../applications/testing.ts';
import { lockApplication, moveTo } from '../applications/transitions.ts';
import { DIALECTS } from '../db/testing.ts';
import { LaurelError } from '../errors.ts';
import { useTestApp } from '../http/testing.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { listWalletItems } from '../wallet/service.ts';
import { queueCounts } from './queue.ts';
import { addToThread, decide, loadReview } from './service.ts';
import { makeReviewer, submittedApplication } from './testing.ts';

describe.each(DIALECTS)('review decisions on %s', (dialect) => {
  const t = useTestApp(dialect);

  const awardsOf = (applicationId: string) =>
    t.db
      .selectFrom('awards')
      .innerJoin('applications', 'applications.awardId', 'awards.id')
      .selectAll('awards')
      .where('applications.id', '=', applicationId)
      .execute();

  it('approves: issues into the wallet with the answers as narrative and only public files as evidence', async () => {
    const { application, org, applicant } = await submittedApplication(t.ctx, {
      files: [
        { filename: 'certificate.pdf', data: '%PDF-1.4 public', public: true },
        { filename: 'id-card.pdf', data: '%PDF-1.4 private' },
      ],
    });
    const reviewer = await makeReviewer(t.ctx, org);
    const outcome = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      message: 'Well done.',
      reviewer: { id: reviewer.id, role: 'reviewer' },
    });
    expect(outcome).toMatchObject({ approvals: 1, required: 1 });
    expect(outcome.application.state).toBe('approved');
    const [award] = await awardsOf(application.id);
    expect(award).toMatchObject({
      state: 'accepted',
      claimedBy: applicant.id,
      recipientEmail: applicant.email,
    });
    const credential = JSON.parse(award!.credentialJson);
    expect(credential.evidence[0].narrative).toContain('Which course did you complete?\nFirst aid');
    expect(credential.evidence[0].narrative).toContain('I confirm this is my own work.\nConfirmed.');
    const links = credential.evidence.slice(1);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ name: 'certificate.pdf', genre: 'File' });
    expect(links[0].id).toMatch(new RegExp(`^${t.ctx.config.baseUrl}/evidence/[0-9a-f-]{36}$`));
    expect(JSON.stringify(credential)).not.toContain('id-card.pdf');
    expect((await listWalletItems(t.db, applicant.id)).map((i) => i.awardId)).toEqual([award!.id]);

    const review = await loadReview(t.db, application.id);
    expect(review.events.map((e) => [e.kind, e.toState, e.message])).toEqual([
      ['transition', 'approved', 'Well done.'],
    ]);
    const mails = await t.db
      .selectFrom('emails')
      .select('subject')
      .where('toAddress', '=', applicant.email)
      .execute();
    expect(mails.map((m) => m.subject).join('|')).toContain('was approved');
  });

  it('counts approvals per submission: the last required one issues, the same reviewer twice is refused', async () => {
    const { application, org } = await submittedApplication(t.ctx, { approvalsRequired: 2 });
    const [a, b] = [await makeReviewer(t.ctx, org, 'A'), await makeReviewer(t.ctx, org, 'B')];
    const first = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      reviewer: { id: a.id, role: 'reviewer' },
    });
    expect(first).toMatchObject({ approvals: 1, required: 2, awardId: null });
    expect(first.application.state).toBe('submitted');
    await expect(
      decide(t.ctx, {
        applicationId: application.id,
        decision: 'approve',
        reviewer: { id: a.id, role: 'reviewer' },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const second = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      reviewer: { id: b.id, role: 'external' },
    });
    expect(second.application.state).toBe('approved');
    expect(second.awardId).toBeTruthy();
    const review = await loadReview(t.db, application.id);
    expect(review.events.map((e) => `${e.kind}:${e.actorRole}`)).toEqual([
      'approval:reviewer',
      'transition:external',
    ]);
  });

  it('never lets a member decide on their own application', async () => {
    const { application, org, applicant } = await submittedApplication(t.ctx);
    await t.db
      .insertInto('orgMembers')
      .values({ orgId: org.id, userId: applicant.id, role: 'admin' })
      .execute();
    for (const decision of ['approve', 'return', 'reject'] as const)
      await expect(
        decide(t.ctx, {
          applicationId: application.id,
          decision,
          message: 'Mine.',
          reviewer: { id: applicant.id, role: 'reviewer' },
        }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const review = await loadReview(t.db, application.id);
    expect(review.application.state).toBe('submitted');
    expect(review.approvals).toEqual([]);
  });

  it('a resubmission starts a new round of approvals', async () => {
    const { application, org } = await submittedApplication(t.ctx, { approvalsRequired: 2 });
    const a = await makeReviewer(t.ctx, org);
    await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      reviewer: { id: a.id, role: 'reviewer' },
    });
    await decide(t.ctx, {
      applicationId: application.id,
      decision: 'return',
      message: 'Add the certificate.',
      reviewer: { id: a.id, role: 'reviewer' },
    });
    // The applicant resubmits (as the apply side does: through moveTo).
    const submit = async (trx: Parameters<typeof lockApplication>[0]) =>
      moveTo(trx, await lockApplication(trx, application.id), 'submit', applicantActor);
    const applicantActor = { id: application.applicantId, role: 'applicant' as const };
    await t.db.transaction().execute(submit);
    const again = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      reviewer: { id: a.id, role: 'reviewer' },
    });
    expect(again).toMatchObject({ approvals: 1, required: 2 });
    expect((await loadReview(t.db, application.id)).approvals).toHaveLength(1);
  });

  it('return and reject need a message the applicant sees; illegal moves answer CONFLICT with the current state', async () => {
    const { application, org, applicant } = await submittedApplication(t.ctx);
    const r = { id: (await makeReviewer(t.ctx, org)).id, role: 'reviewer' as const };
    await expect(
      decide(t.ctx, { applicationId: application.id, decision: 'return', reviewer: r }),
    ).rejects.toMatchObject({
      code: 'INVALID',
      fields: [{ field: 'message' }],
    });
    const returned = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'return',
      message: 'Please attach your certificate.',
      reviewer: r,
    });
    expect(returned.application.state).toBe('returned');
    const mail = await t.db
      .selectFrom('emails')
      .select('text')
      .where('toAddress', '=', applicant.email)
      .where('subject', 'like', '%needs changes%')
      .executeTakeFirstOrThrow();
    expect(mail.text).toContain('Please attach your certificate.');
    const err = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'reject',
      message: 'No.',
      reviewer: r,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LaurelError);
    expect(err).toMatchObject({ code: 'CONFLICT', fields: [{ field: 'state', message: 'returned' }] });
  });

  it('two approvals at the same moment give exactly one award', async () => {
    const { application, org } = await submittedApplication(t.ctx);
    const [a, b] = [await makeReviewer(t.ctx, org, 'A'), await makeReviewer(t.ctx, org, 'B')];
    const results = await Promise.allSettled(
      [a, b].map((r) =>
        decide(t.ctx, {
          applicationId: application.id,
          decision: 'approve',
          reviewer: { id: r.id, role: 'reviewer' },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      code: 'CONFLICT',
      fields: [{ field: 'state', message: 'approved' }],
    });
    const count = await t.db
      .selectFrom('awards')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('orgId', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(await awardsOf(application.id)).toHaveLength(1);
  });

  it('an approval and a rejection at once: one wins, the state and the awards agree', async () => {
    const { application, org } = await submittedApplication(t.ctx);
    const [a, b] = [await makeReviewer(t.ctx, org, 'A'), await makeReviewer(t.ctx, org, 'B')];
    const results = await Promise.allSettled([
      decide(t.ctx, {
        applicationId: application.id,
        decision: 'approve',
        reviewer: { id: a.id, role: 'reviewer' },
      }),
      decide(t.ctx, {
        applicationId: application.id,
        decision: 'reject',
        message: 'Not eligible.',
        reviewer: { id: b.id, role: 'reviewer' },
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const { application: now } = await loadReview(t.db, application.id);
    expect((await awardsOf(application.id)).length).toBe(now.state === 'approved' ? 1 : 0);
  });

  it('a renewal cites the credential it renews, which shows as renewed by the new one', async () => {
    const { application, org, template, applicant } = await submittedApplication(t.ctx);
    const { award: previous } = await issueTestAward(t.ctx, {
      org,
      template,
      recipientEmail: applicant.email,
    });
    await t.db
      .updateTable('applications')
      .set({ renewsAwardId: previous.id })
      .where('id', '=', application.id)
      .execute();
    const r = await makeReviewer(t.ctx, org);
    const { awardId } = await decide(t.ctx, {
      applicationId: application.id,
      decision: 'approve',
      reviewer: { id: r.id, role: 'reviewer' },
    });
    const [award] = await awardsOf(application.id);
    const renewal = JSON.parse(award!.credentialJson).evidence.find(
      (e: { genre?: string }) => e.genre === 'Renewal',
    );
    expect(renewal.id).toBe(`${t.ctx.config.baseUrl}/c/${previous.id}`);
    const old = await t.db
      .selectFrom('awards')
      .select(['renewedBy', 'revokedAt'])
      .where('id', '=', previous.id)
      .executeTakeFirstOrThrow();
    expect(old).toEqual({ renewedBy: awardId, revokedAt: null });
  });

  it('refuses an approval past the cap of accepted applications', async () => {
    const first = await submittedApplication(t.ctx, { cap: 1 });
    const second = await submittedApplication(t.ctx, { org: first.org, template: first.template, cap: 1 });
    const r = { id: (await makeReviewer(t.ctx, first.org)).id, role: 'reviewer' as const };
    await decide(t.ctx, { applicationId: first.application.id, decision: 'approve', reviewer: r });
    await expect(
      decide(t.ctx, { applicationId: second.application.id, decision: 'approve', reviewer: r }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('at most 1') });
    expect((await loadReview(t.db, second.application.id)).application.state).toBe('submitted');
  });

  it('keeps notes private and mails messages to the applicant', async () => {
    const { application, org, applicant } = await submittedApplication(t.ctx);
    const r = { id: (await makeReviewer(t.ctx, org)).id, role: 'reviewer' as const };
    await addToThread(t.ctx, {
      applicationId: application.id,
      kind: 'note',
      text: 'Looks fine to me.',
      actor: r,
    });
    await addToThread(t.ctx, {
      applicationId: application.id,
      kind: 'message',
      text: 'Which year?',
      actor: r,
    });
    const review = await loadReview(t.db, application.id);
    expect(review.events.map((e) => [e.kind, e.message])).toEqual([
      ['note', 'Looks fine to me.'],
      ['message', 'Which year?'],
    ]);
    const texts = (
      await t.db.selectFrom('emails').select('text').where('toAddress', '=', applicant.email).execute()
    ).map((m) => m.text);
    expect(texts.some((x) => x.includes('Which year?'))).toBe(true);
    expect(texts.some((x) => x.includes('Looks fine'))).toBe(false);
  });

  it('keeps the queue counts with every write to applications, whoever writes', async () => {
    const { application, org, template } = await submittedApplication(t.ctx);
    const other = await submittedApplication(t.ctx, { org, template });
    const draft = await makeApplication(t.ctx, { org, template, state: 'draft' });
    const counts = () => queueCounts(t.db, { orgId: org.id, templateId: template.id });
    expect(await counts()).toMatchObject({ submitted: 2, returned: 0, approved: 0 });
    const r = { id: (await makeReviewer(t.ctx, org)).id, role: 'reviewer' as const };
    await decide(t.ctx, { applicationId: application.id, decision: 'return', message: 'More.', reviewer: r });
    expect(await counts()).toMatchObject({ submitted: 1, returned: 1 });
    await t.db.transaction().execute(async (trx) =>
      moveTo(trx, await lockApplication(trx, draft.application.id), 'submit', {
        id: draft.application.applicantId,
        role: 'applicant',
      }),
    );
    expect(await counts()).toMatchObject({ submitted: 2, returned: 1 });
    await t.db.deleteFrom('applications').where('id', '=', other.application.id).execute();
    expect(await counts()).toMatchObject({
      submitted: 1,
      returned: 1,
      approved: 0,
      rejected: 0,
      withdrawn: 0,
    });
  });
});
