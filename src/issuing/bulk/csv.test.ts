import { describe, expect, it } from 'vitest';
import { decodeCsv, detectDelimiter, mapHeader, readRecipientsCsv, rowKey } from './csv.ts';

const now = new Date('2026-06-01T12:00:00Z');
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};
const errorsOf = (rows: ReturnType<typeof readRecipientsCsv>) =>
  rows.map((r) => r.errors.map((e) => e.field));

describe('recipients CSV', () => {
  it('decodes UTF-8 with and without BOM, UTF-16 LE/BE with BOM and Windows-1252', () => {
    const text = 'name,email\nJörg Müller,j@example.org\n';
    expect(decodeCsv(Buffer.from(text))).toBe(text);
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    expect(decodeCsv(utf16le(text))).toBe(text);
    expect(decodeCsv(utf16be(text))).toBe(text);
    expect(decodeCsv(Buffer.from(text, 'latin1'))).toBe(text);
    // Bytes 0x80-0x9f are Windows-1252 letters (€, Š, “ ”), not latin-1 control codes.
    expect(decodeCsv(Buffer.from([0x80, 0x8a, 0x93, 0x94]))).toBe('€Š“”');
  });

  it('reads every encoding to the same rows, names intact', () => {
    const text = 'Name;E-mail\r\nJörg Müller;Jorg@Example.org\r\nZoë Ðorđević;zoe@example.org\r\n';
    const expected = readRecipientsCsv(Buffer.from(text), now);
    expect(expected.map((r) => r.name)).toEqual(['Jörg Müller', 'Zoë Ðorđević']);
    for (const data of [
      utf16le(text),
      utf16be(text),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    ])
      expect(readRecipientsCsv(data, now)).toEqual(expected);
    const latin = readRecipientsCsv(Buffer.from('name,email\nJörg Müller,j@example.org\n', 'latin1'), now);
    expect(latin[0]!.name).toBe('Jörg Müller');
  });

  it('detects the delimiter outside quotes and maps header aliases case-insensitively', () => {
    expect(detectDelimiter('name;email\n')).toBe(';');
    expect(detectDelimiter('"a;b;c",email\n')).toBe(',');
    expect(
      mapHeader(['Recipient Name', 'E-Mail', 'Issued On', 'Expiry Date', 'Evidence URL', 'Narrative']),
    ).toEqual({
      name: 0,
      email: 1,
      issued_on: 2,
      expires_on: 3,
      evidence_url: 4,
      narrative: 5,
    });
  });

  it('keeps quoted commas, quotes and newlines in a narrative, and skips empty lines', () => {
    const csv =
      'name,email,narrative,evidence_url\n\n"Lovelace, Ada",ada@example.org,"Wrote ""notes"",\nthen more; lines",https://example.org/e\n,,,\n\nBob,bob@example.org,,\n';
    const rows = readRecipientsCsv(Buffer.from(csv), now);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      name: 'Lovelace, Ada',
      narrative: 'Wrote "notes",\nthen more; lines',
      evidenceUrl: 'https://example.org/e',
      errors: [],
    });
    expect(rows[1]).toMatchObject({ name: 'Bob', errors: [] });
  });

  it('reports every row problem without stopping', () => {
    const csv = [
      'name,email,issued_on,expires_on,evidence_url',
      'Ann,ann@example.org,2026-01-15,2027-01-15,https://example.org',
      ',nobody@example.org,,,',
      'Bad Mail,not-an-email,,,',
      'Dup,ANN@example.org ,,,',
      'Date,date@example.org,15/01/2026,,',
      'Feb,feb@example.org,2026-02-30,,',
      'Future,f@example.org,2027-01-01,,',
      'Backwards,b@example.org,2026-01-15,2026-01-01,',
      'Script,s@example.org,,,javascript:alert(1)',
    ].join('\n');
    const rows = readRecipientsCsv(Buffer.from(csv), now);
    expect(errorsOf(rows)).toEqual([
      [],
      ['name'],
      ['email'],
      ['email'],
      ['issued_on'],
      ['issued_on'],
      ['issued_on'],
      ['expires_on'],
      ['evidence_url'],
    ]);
    expect(rows[3]!.errors[0]!.message).toContain('row 2');
    expect(rows.map((r) => r.rowNo)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a file without the required columns or rows', () => {
    expect(() => readRecipientsCsv(Buffer.from('first,last\nA,B\n'), now)).toThrow(/name and email/);
    expect(() => readRecipientsCsv(Buffer.from('name,email\n'), now)).toThrow(/no recipients/);
    expect(() => readRecipientsCsv(Buffer.from(''), now)).toThrow();
  });

  it('gives a stable row key that ignores email case but not the narrative', () => {
    const a = rowKey('o', 't', { email: 'A@x.org', issuedOn: '', narrative: 'n', evidenceUrl: '' });
    expect(rowKey('o', 't', { email: ' a@x.org', issuedOn: '', narrative: 'n', evidenceUrl: '' })).toBe(a);
    expect(rowKey('o', 't', { email: 'a@x.org', issuedOn: '', narrative: 'm', evidenceUrl: '' })).not.toBe(a);
    expect(rowKey('o', 't2', { email: 'a@x.org', issuedOn: '', narrative: 'n', evidenceUrl: '' })).not.toBe(
      a,
    );
  });
});
