// The organization side's services on both databases: settings and their rules, whether a
// template is open, versioned forms (no change: no version; a stale or simultaneous save:
// CONFLICT), the builder's edits, and invitations (links, emails, re-invite, revoke).
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../db/testing.ts';
import { LaurelError } from '../../errors.ts';
import { useTestApp } from '../../http/testing.ts';
import { makeOrg } from '../../orgs/testing.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { hashToken } from '../../util/hash.ts';
import type { Question } from '../tables.ts';
import { makeApplication, makeApplicationForm } from '../testing.ts';
import { readBuilder, valuesFromForm } from './builder.ts';
import { formProblems, latestForm, saveFormVersion } from './forms.ts';
import { inviteToApply, listInvitations, parseEmailList, revokeInvitation } from './invitations.ts';
import { applyOffers } from './listing.ts';
import {
  MB,
  type SettingsInput,
  availability,
  defaultSettings,
  getApplicationSettings,
  openTemplateIds,
  saveApplicationSettings,
  settingsProblems,
} from './settings.ts';

const OPEN = { templateActive: true, hasQuestions: true };
const base = (over: Partial<SettingsInput> = {}): SettingsInput => {
  const { templateId: _t, updatedAt: _u, ...d } = defaultSettings('x');
  return { ...d, mode: 'public', ...over };
};
const fields = (e: unknown) => (e as LaurelError).fields.map((f) => f.field);
const question = (id: string, over: Partial<Question> = {}): Question => ({
  id,
  kind: 'short_text',
  label: `Question ${id}`,
  required: true,
  ...over,
});

describe('settings rules', () => {
  it('accepts the defaults and names each field that breaks a rule', () => {
    expect(settingsProblems(base(), OPEN)).toEqual([]);
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    const bad = base({
      opensAt: day('2026-05-02'),
      closesAt: day('2026-05-01'),
      cap: 0,
      approvalsRequired: 11,
      renewalWindowDays: 0,
      maxFileBytes: 60 * MB,
      maxApplicationBytes: 5 * MB,
    });
    expect(settingsProblems(bad, OPEN).map((e) => e.field)).toEqual([
      'closesOn',
      'cap',
      'approvalsRequired',
      'renewalWindowDays',
      'maxFileMb',
    ]);
    expect(settingsProblems(base({ maxFileBytes: 20 * MB, maxApplicationBytes: 10 * MB }), OPEN)).toEqual([
      {
        field: 'maxApplicationMb',
        message: 'An application must be allowed at least one file of the largest size.',
      },
    ]);
    expect(settingsProblems(base({ opensAt: new Date(Number.NaN) }), OPEN)[0]?.field).toBe('opensOn');
  });

  it('opens a template to applications only when it is published and has a form with questions', () => {
    expect(settingsProblems(base(), { templateActive: false, hasQuestions: true })[0]?.message).toMatch(
      /Publish/,
    );
    expect(settingsProblems(base(), { templateActive: true, hasQuestions: false })[0]?.message).toMatch(
      /form/,
    );
    expect(
      settingsProblems(base({ mode: 'closed' }), { templateActive: false, hasQuestions: false }),
    ).toEqual([]);
  });

  it('checks every question kind', () => {
    const problems = formProblems({
      instructions: '',
      questions: [
        question('a', { label: '' }),
        question('b', { kind: 'choice', options: ['Only one'] }),
        question('c', { kind: 'choice', options: ['Yes', 'yes'] }),
        question('d', { kind: 'file', accept: [] }),
        question('e', { kind: 'file', accept: ['image/svg+xml'] }),
        question('f', { kind: 'file', accept: ['application/pdf'], maxBytes: 500 * MB, maxFiles: 0 }),
        question('f'),
      ],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'q.0.label',
      'q.1.options',
      'q.2.options',
      'q.3.accept',
      'q.4.accept',
      'q.5.maxMb',
      'q.5.maxFiles',
      'q.6.label',
    ]);
  });
});

describe('the form builder', () => {
  const posted = (fields: Record<string, string>) => readBuilder(fields as never);
  const three = {
    count: '3',
    baseVersion: '2',
    'q.0.id': 'first',
    'q.0.label': 'One',
    'q.1.id': 'second',
    'q.1.label': 'Two',
    'q.1.kind': 'choice',
    'q.1.options': ' Red \n\nBlue\r\n',
    'q.1.multiple': '1',
    'q.2.id': 'third',
    'q.2.label': 'Three',
    'q.2.kind': 'file',
    'q.2.accept.pdf': '1',
    'q.2.maxMb': '2.5',
  };

  it('moves, removes and adds questions without saving, keeping their identifiers', () => {
    const up = posted({ ...three, intent: 'up:2' });
    expect(up.intent).toBe('edit');
    expect(up.input.questions.map((q) => q.id)).toEqual(['first', 'third', 'second']);
    expect(up.values['q.1.maxMb']).toBe('2.5');
    expect(posted({ ...three, intent: 'down:0' }).input.questions.map((q) => q.id)).toEqual([
      'second',
      'first',
      'third',
    ]);
    expect(posted({ ...three, intent: 'remove:1' }).input.questions.map((q) => q.id)).toEqual([
      'first',
      'third',
    ]);
    const added = posted({ ...three, intent: 'add' });
    expect(added.values.count).toBe('4');
    expect(added.values['q.3.id']).toMatch(/^q[0-9a-f]{8}$/);
  });

  it('reads what a save asks for: options one a line, file types and size, blank questions dropped', () => {
    const saved = posted({ ...three, count: '4', 'q.3.id': 'blank', intent: 'save' });
    expect(saved.intent).toBe('save');
    expect(saved.baseVersion).toBe(2);
    expect(saved.input.questions.map((q) => q.id)).toEqual(['first', 'second', 'third']);
    expect(saved.input.questions[1]).toMatchObject({ options: ['Red', 'Blue'], multiple: true });
    expect(saved.input.questions[2]).toMatchObject({
      accept: ['application/pdf'],
      maxBytes: Math.round(2.5 * MB),
    });
  });

  it('gives a fresh identifier to a malformed or repeated one', () => {
    const r = posted({ count: '2', 'q.0.id': '../x', 'q.0.label': 'A', 'q.1.id': 'same', 'q.1.label': 'B' });
    const again = posted({
      count: '2',
      'q.0.id': 'same',
      'q.0.label': 'A',
      'q.1.id': 'same',
      'q.1.label': 'B',
    });
    expect(r.input.questions[0]!.id).toMatch(/^q[0-9a-f]{8}$/);
    expect(again.input.questions[1]!.id).not.toBe('same');
  });

  it('shows a saved version back as it was saved', () => {
    const questions = [
      question('a'),
      question('b', { kind: 'choice', options: ['X', 'Y'], required: false }),
    ];
    const values = valuesFromForm({
      id: 'f',
      templateId: 't',
      version: 3,
      instructions: 'Hi',
      questions,
      createdAt: new Date(),
    });
    expect(readBuilder({ ...values, intent: 'save' } as never).input.questions).toEqual(
      questions.map((q) => ({ ...q, options: q.options ?? [], accept: [] })),
    );
  });
});

describe.each(DIALECTS)('the organization side on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('reads defaults until the settings are saved, then what was saved', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const template = await makeTemplate(t.ctx, org);
    expect(await getApplicationSettings(t.db, template.id)).toEqual(defaultSettings(template.id));
    const input = base({
      mode: 'invitation',
      cap: 5,
      approvalsRequired: 2,
      renewal: 'instant',
      renewalWindowDays: 30,
    });
    await saveApplicationSettings(t.db, template, input, OPEN, null);
    const again = await saveApplicationSettings(t.db, template, { ...input, cap: 6 }, OPEN, null);
    expect(again).toMatchObject({ ...input, cap: 6 });
    expect(await getApplicationSettings(t.db, template.id)).toEqual(again);
    const refused = await saveApplicationSettings(t.db, template, { ...input, cap: -1 }, OPEN, null).catch(
      (e) => e,
    );
    expect(fields(refused)).toEqual(['cap']);
    expect((await getApplicationSettings(t.db, template.id)).cap).toBe(6);
  });

  it('is open only in an open mode, when active, with a form, inside its dates and below its cap', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const template = await makeTemplate(t.ctx, org);
    const reason = async (now = new Date()) => {
      const a = await availability(t.db, template, now);
      return a.open ? 'open' : a.reason;
    };
    expect(await reason()).toBe('closed');
    await t.db
      .insertInto('applicationSettings')
      .values({ templateId: template.id, orgId: org.id, mode: 'public' })
      .execute();
    expect(await reason()).toBe('no-form');
    await makeApplicationForm(t.db, template, { cap: 1 });
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    await t.db
      .updateTable('applicationSettings')
      .set({ opensAt: day('2030-01-01'), closesAt: day('2030-02-01') })
      .where('templateId', '=', template.id)
      .execute();
    expect(await reason(day('2029-12-31'))).toBe('not-yet');
    expect(await reason(day('2030-01-15'))).toBe('open');
    expect(await reason(day('2030-02-01'))).toBe('ended');
    expect(await openTemplateIds(t.db, org.id, day('2030-01-15'))).toEqual(new Set([template.id]));
    expect(await openTemplateIds(t.db, org.id, day('2030-03-01'))).toEqual(new Set());
    await makeApplication(t.ctx, { org, template, state: 'approved' });
    // (the factory writes the template's settings again: the cap and dates are set back)
    await t.db
      .updateTable('applicationSettings')
      .set({ cap: 1, opensAt: day('2030-01-01'), closesAt: day('2030-02-01') })
      .where('templateId', '=', template.id)
      .execute();
    expect(await reason(day('2030-01-15'))).toBe('full');
    expect(await openTemplateIds(t.db, org.id, day('2030-01-15'))).toEqual(new Set());
    expect(await availability(t.db, { ...template, status: 'archived' }, day('2030-01-15'))).toMatchObject({
      open: false,
      reason: 'inactive',
    });
  });

  it('lists on public pages only the active templates open to anyone', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const open = await makeTemplate(t.ctx, org, { name: 'Open' });
    const invited = await makeTemplate(t.ctx, org, { name: 'Invited' });
    const closed = await makeTemplate(t.ctx, org, { name: 'Closed' });
    await makeApplicationForm(t.db, open);
    await makeApplicationForm(t.db, invited, { mode: 'invitation' });
    await makeApplicationForm(t.db, closed, { mode: 'closed' });
    const offers = await applyOffers(t.ctx, org.id, [open, invited, closed, { ...open, status: 'archived' }]);
    expect(offers).toEqual([{ id: open.id, name: 'Open', url: `${t.config.baseUrl}/apply/${open.id}` }]);
  });

  it('makes a version per change, none without one, and refuses a save on top of an older version', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const template = await makeTemplate(t.ctx, org);
    const form = { instructions: 'Tell us.', questions: [question('a')] };
    const first = await saveFormVersion(t.db, template.id, 0, form, null);
    expect(first).toMatchObject({ created: true, form: { version: 1, questions: form.questions } });
    expect(await saveFormVersion(t.db, template.id, 1, form, null)).toMatchObject({ created: false });
    const changed = { ...form, questions: [...form.questions, question('b')] };
    expect((await saveFormVersion(t.db, template.id, 1, changed, null)).form.version).toBe(2);
    const stale = await saveFormVersion(t.db, template.id, 1, form, null).catch((e) => e);
    expect(stale).toBeInstanceOf(LaurelError);
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/version 2/);
    const refused = await saveFormVersion(
      t.db,
      template.id,
      2,
      { ...form, questions: [question('a', { label: '' })] },
      null,
    ).catch((e) => e);
    expect(fields(refused)).toEqual(['q.0.label']);
    expect((await latestForm(t.db, template.id))?.version).toBe(2);
  });

  it('lets exactly one of two simultaneous saves make the next version', async () => {
    const org = await makeOrg(t.db, { config: t.config });
    const template = await makeTemplate(t.ctx, org);
    const results = await Promise.allSettled(
      ['A', 'B'].map((label) =>
        saveFormVersion(
          t.db,
          template.id,
          0,
          { instructions: '', questions: [question('a', { label })] },
          null,
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.code).toBe('CONFLICT');
    const versions = await t.db
      .selectFrom('applicationForms')
      .select('version')
      .where('templateId', '=', template.id)
      .execute();
    expect(versions).toEqual([{ version: 1 }]);
  });

  it('invites a list: one link each, emailed in the same transaction; again: a new link; revoked: no longer listed as live', async () => {
    const org = await makeOrg(t.db, { config: t.config, name: 'Guild <of> Makers' });
    const template = await makeTemplate(t.ctx, org, { name: 'Welder' });
    const list = parseEmailList(
      'Ada <Ada@Example.org>, bob@example.org\nbob@example.org; carol@example.org ',
    );
    expect(list).toEqual({ emails: ['ada@example.org', 'bob@example.org', 'carol@example.org'], errors: [] });
    const links = await inviteToApply(t.db, t.config, {
      org,
      template,
      emails: list.emails,
      invitedBy: { id: (await t.user()).id, name: 'Ines Issuer' },
      send: true,
      message: 'See you there.',
    });
    expect(links.map((l) => l.email)).toEqual(list.emails);
    for (const l of links)
      expect(l.url).toMatch(new RegExp(`^${t.config.baseUrl}/apply/${template.id}\\?invitation=`));
    const mail = await t.db
      .selectFrom('emails')
      .select(['toAddress', 'subject', 'text'])
      .where('toAddress', 'in', list.emails)
      .execute();
    expect(mail).toHaveLength(3);
    const ada = mail.find((m) => m.toAddress === 'ada@example.org')!;
    expect(ada.subject).toBe('Apply for “Welder” from Guild <of> Makers');
    expect(ada.text).toContain(links[0]!.url);
    expect(ada.text).toContain('See you there.');

    const tokenOf = (url: string) => decodeURIComponent(new URL(url).searchParams.get('invitation')!);
    const rows = await listInvitations(t.db, template.id);
    const adaRow = rows.find((r) => r.email === 'ada@example.org')!;
    await revokeInvitation(t.db, template.id, adaRow.id);
    await expect(revokeInvitation(t.db, template.id, adaRow.id)).rejects.toThrow('does not exist');
    expect(
      (await listInvitations(t.db, template.id)).find((r) => r.id === adaRow.id)?.revokedAt,
    ).toBeInstanceOf(Date);

    // Inviting again: a new link (the old one's hash is gone), the revocation lifted, no email when told.
    const before = await t.db
      .selectFrom('emails')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const [again] = await inviteToApply(t.db, t.config, {
      org,
      template,
      emails: ['ada@example.org'],
      invitedBy: { id: (await t.user()).id, name: 'Ines Issuer' },
      send: false,
    });
    const stored = await t.db
      .selectFrom('applicationInvitations')
      .select(['tokenHash', 'revokedAt'])
      .where('id', '=', adaRow.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ tokenHash: hashToken(tokenOf(again!.url)), revokedAt: null });
    expect(stored.tokenHash).not.toBe(hashToken(tokenOf(links[0]!.url)));
    const after = await t.db
      .selectFrom('emails')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('writes nothing when one address of a list is not one', async () => {
    expect(parseEmailList('ok@example.org, not-an-address, also bad').errors).toEqual([
      { field: 'emails', message: 'Not an email address: not-an-address, also, bad.' },
    ]);
    expect(parseEmailList(' , ').errors[0]?.message).toBe('Enter at least one email address.');
  });

  it('shows the state of the application made through an invitation', async () => {
    const { org, template, application } = await makeApplication(t.ctx, { state: 'submitted' });
    const [link] = await inviteToApply(t.db, t.config, {
      org,
      template,
      emails: ['dora@example.org'],
      invitedBy: { id: (await t.user()).id, name: 'I' },
      send: false,
    });
    expect(link).toBeDefined();
    const [row] = await listInvitations(t.db, template.id);
    await t.db
      .updateTable('applications')
      .set({ invitationId: row!.id })
      .where('id', '=', application.id)
      .execute();
    expect((await listInvitations(t.db, template.id))[0]).toMatchObject({
      email: 'dora@example.org',
      applicationState: 'submitted',
    });
  });
});
