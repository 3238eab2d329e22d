// Files and emails of the applicant's side: the type told from the bytes, names made safe, the
// download header; storeFiles all-or-nothing in the caller's transaction; two first saves at
// once make one draft; notifyApplicant's email at each step (on both databases).
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../db/testing.ts';
import { useTestApp } from '../../http/testing.ts';
import { contentDisposition, listFiles, safeFilename, storeFiles } from '../files.ts';
import { makeApplication } from '../testing.ts';
import { notifyApplicant } from './notify.ts';
import { loadTarget, saveDraft } from './service.ts';
import { sniff } from './sniff.ts';

const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
const zipWith = (...names: string[]) =>
  Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04]),
    Buffer.alloc(26),
    ...names.map((n) => Buffer.from(n)),
  ]);

describe('what a file is, from its bytes', () => {
  it.each([
    ['PDF', PDF, 'application/pdf'],
    ['PNG', Buffer.from('89504e470d0a1a0a0000', 'hex'), 'image/png'],
    ['JPEG', Buffer.from('ffd8ffe000104a464946', 'hex'), 'image/jpeg'],
    ['GIF', Buffer.from('GIF89a....'), 'image/gif'],
    ['WebP', Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [
      'Word',
      zipWith('[Content_Types].xml', 'word/document.xml'),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'ODF text',
      Buffer.concat([
        Buffer.from([0x50, 0x4b, 0x03, 0x04]),
        Buffer.alloc(26),
        Buffer.from('mimetypeapplication/vnd.oasis.opendocument.textPK'),
      ]),
      'application/vnd.oasis.opendocument.text',
    ],
    ['zip', zipWith('notes/a.txt'), 'application/zip'],
    ['text', Buffer.from('Attended 12–14 May. Score: 92%.\n'), 'text/plain'],
  ])('%s', (_name, data, type) => {
    expect(sniff(data)).toMatchObject({ ok: true, type });
  });

  it.each([
    ['empty', Buffer.alloc(0), 'empty'],
    ['SVG', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'SVG'],
    ['SVG after a BOM and spaces', Buffer.from('\uFEFF  <svg onload="alert(1)"/>'), 'SVG'],
    ['HTML', Buffer.from('<!DOCTYPE html><p>hi</p>'), 'HTML'],
    [
      'text with a script further in',
      Buffer.from(`notes\n${'x'.repeat(600)}<script>alert(1)</script>`),
      'scripts',
    ],
    ['javascript: link', Buffer.from('click javascript:alert(1)'), 'scripts'],
    ['shell script', Buffer.from('#!/bin/bash\necho hi\n'), 'Scripts'],
    ['Windows program', Buffer.from('MZ\x90\x00\x03'), 'Programs'],
    ['ELF program', Buffer.from('\x7fELF\x02\x01'), 'Programs'],
    ['unknown binary', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]), 'could not tell'],
  ])('refuses %s', (_name, data, says) => {
    const r = sniff(data);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(says);
  });

  it('makes names safe: the last path segment, no control or reserved characters, bounded', () => {
    expect(safeFilename('../../x')).toBe('x');
    expect(safeFilename('..\\..\\windows\\evil.pdf')).toBe('evil.pdf');
    expect(safeFilename('.htaccess')).toBe('htaccess');
    expect(safeFilename('a\r\nb";c.pdf')).toBe('a__b__c.pdf');
    expect(safeFilename('')).toBe('file');
    expect(safeFilename(`${'n'.repeat(300)}.pdf`)).toMatch(/^n{116}\.pdf$/);
    expect(contentDisposition('Zeugnis Müller "final".pdf')).toBe(
      `attachment; filename="Zeugnis M_ller _final_.pdf"; filename*=UTF-8''Zeugnis%20M%C3%BCller%20_final_.pdf`,
    );
  });
});

describe.each(DIALECTS)('application files and emails on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('stores all the files or none, in the caller’s transaction', async () => {
    const { application } = await makeApplication(t.ctx);
    const questions = [
      { id: 'certificate', kind: 'file' as const, label: 'Certificate', required: true, maxFiles: 2 },
    ];
    const limits = { maxFileBytes: 1000, maxApplicationBytes: 1500 };
    const store = (files: { questionId: string; filename: string; data: Buffer }[]) =>
      t.db.transaction().execute((trx) => storeFiles(trx, application.id, files, { questions, limits }));
    await expect(
      store([
        { questionId: 'certificate', filename: 'a.pdf', data: PDF },
        { questionId: 'nope', filename: 'b.pdf', data: PDF },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID', fields: [{ field: 'f_nope' }] });
    expect(await listFiles(t.db, application.id)).toEqual([]);

    const big = Buffer.concat([PDF, Buffer.alloc(900, 32)]);
    await store([{ questionId: 'certificate', filename: 'a.pdf', data: big }]);
    // The application's total would pass its limit: refused, the first file kept as it was.
    await expect(store([{ questionId: 'certificate', filename: 'b.pdf', data: big }])).rejects.toMatchObject({
      code: 'TOO_LARGE',
      fields: [{ field: 'files' }],
    });
    expect((await listFiles(t.db, application.id)).map((f) => f.filename)).toEqual(['a.pdf']);
  });

  it('makes one draft of two first saves at once', async () => {
    const { template, applicant } = await makeApplication(t.ctx, { state: 'withdrawn' });
    const target = await loadTarget(t.db, template.id);
    const input = (course: string) => ({ answers: { course }, files: [], removeFileIds: [] });
    const who = { id: applicant.id, name: 'Ada Applicant' };
    const [a, b] = await Promise.all([
      saveDraft(t.ctx, who, target, input('one')),
      saveDraft(t.ctx, who, target, input('two')),
    ]);
    expect(a.id).toBe(b.id);
    const open = await t.db
      .selectFrom('applications')
      .select('id')
      .where('applicantId', '=', applicant.id)
      .where('state', '=', 'draft')
      .execute();
    expect(open).toHaveLength(1);
  });

  it('emails the applicant at each step, once per step and round, with what the reviewer wrote', async () => {
    const { application } = await makeApplication(t.ctx, { state: 'submitted' });
    await t.db.transaction().execute(async (trx) => {
      await notifyApplicant(trx, t.ctx, application, {
        kind: 'returned',
        message: 'Add the <b>signed</b> page.',
      });
      await notifyApplicant(trx, t.ctx, application, { kind: 'returned', message: 'twice' });
      await notifyApplicant(trx, t.ctx, application, { kind: 'approved' });
      await notifyApplicant(trx, t.ctx, application, { kind: 'rejected', message: 'Not the right course.' });
    });
    const mail = await t.db
      .selectFrom('emails')
      .select(['subject', 'text', 'html'])
      .where('toAddress', '=', application.applicantEmail)
      .orderBy('createdAt')
      .execute();
    expect(mail.map((m) => m.subject)).toEqual([
      'Your application for “Safety Training” needs changes',
      'Your application for “Safety Training” was approved',
      'Your application for “Safety Training” was not approved',
    ]);
    expect(mail[0]!.text).toContain('Add the <b>signed</b> page.');
    expect(mail[0]!.html).toContain('Add the &lt;b&gt;signed&lt;/b&gt; page.');
    expect(mail[2]!.text).toContain('Not the right course.');
    for (const m of mail) expect(m.text).toContain(`${t.config.baseUrl}/applications/${application.id}`);
  });
});
