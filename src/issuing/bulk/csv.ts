// Reading a recipients CSV as spreadsheets actually export it: any of UTF-8 (with or without
// BOM), UTF-16 LE/BE (with BOM, as Excel's "Unicode text"), or Windows-1252 (older Excel on
// Windows); comma or semicolon separated (semicolon where the comma is the decimal mark).
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { LaurelError } from '../../errors.ts';
import { emailError, httpUrlError, normalizeAddress, parseDate } from '../validate.ts';

export const MAX_ROWS = 50_000;

export type CsvColumn = 'name' | 'email' | 'issued_on' | 'expires_on' | 'evidence_url' | 'narrative';

const ALIASES: Record<CsvColumn, string[]> = {
  name: ['name', 'recipientname', 'fullname', 'recipient', 'learnername', 'earnername', 'participant'],
  email: ['email', 'emailaddress', 'recipientemail', 'mail', 'emailid'],
  issued_on: ['issuedon', 'issuedate', 'issued', 'dateissued', 'issuedat', 'awardedon', 'awarddate', 'date'],
  expires_on: ['expireson', 'expires', 'expiry', 'expirydate', 'expirationdate', 'validuntil', 'expiresat'],
  evidence_url: ['evidenceurl', 'evidence', 'evidencelink', 'url', 'link'],
  narrative: ['narrative', 'evidencenarrative', 'comment', 'comments', 'notes', 'description'],
};

/** Bytes to text: BOMs first, then strict UTF-8, then Windows-1252 (which decodes any byte). */
export function decodeCsv(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return decodeWindows1252(data);
  }
}

// Windows-1252 differs from Latin-1 only in 0x80–0x9F (undefined bytes stay as their C1 code).
// Decoded by hand: Node 20's TextDecoder('windows-1252') treats it as Latin-1.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i += 8192) {
    const chunk = data.subarray(i, i + 8192);
    const codes = new Array<string>(chunk.length);
    for (let j = 0; j < chunk.length; j++) {
      const b = chunk[j]!;
      codes[j] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b);
    }
    out += codes.join('');
  }
  return out;
}

/** Comma or semicolon: whichever occurs more often, outside quotes, in the header line. */
export function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

const headerKey = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, '');

export function mapHeader(header: string[]): Partial<Record<CsvColumn, number>> {
  const map: Partial<Record<CsvColumn, number>> = {};
  header.forEach((h, i) => {
    const key = headerKey(h);
    for (const [col, aliases] of Object.entries(ALIASES) as [CsvColumn, string[]][]) {
      if (map[col] === undefined && aliases.includes(key)) {
        map[col] = i;
        return;
      }
    }
  });
  return map;
}

export interface CsvRow {
  rowNo: number;
  name: string;
  email: string;
  issuedOn: string;
  expiresOn: string;
  evidenceUrl: string;
  narrative: string;
  errors: { field: string; message: string }[];
}

/**
 * Parses and checks a recipients file. Each row carries its own errors (bad email, missing
 * name, bad date, duplicate email, evidence URL not http(s)); a file-level problem (no header,
 * no name/email column, too many rows, unparseable quoting) is an INVALID error on `file`.
 */
export function readRecipientsCsv(data: Buffer, now = new Date()): CsvRow[] {
  const text = decodeCsv(data);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      bom: true,
      max_record_size: 100_000,
    }) as string[][];
  } catch (e) {
    throw new LaurelError('INVALID', 'The file is not a readable CSV file.', [
      { field: 'file', message: `The CSV could not be read: ${(e as Error).message.slice(0, 200)}` },
    ]);
  }
  const [header, ...body] = records;
  const columns = mapHeader(header ?? []);
  const missing = (['name', 'email'] as const).filter((c) => columns[c] === undefined);
  if (!header || missing.length)
    throw new LaurelError('INVALID', 'The file needs a header row with name and email columns.', [
      {
        field: 'file',
        message: `The first row must name the columns; missing: ${missing.join(' and ') || 'name and email'}. Optional: issued_on, expires_on, evidence_url, narrative.`,
      },
    ]);
  if (body.length === 0)
    throw new LaurelError('INVALID', 'The file has no recipients.', [
      { field: 'file', message: 'There are no rows below the header.' },
    ]);
  if (body.length > MAX_ROWS)
    throw new LaurelError('INVALID', 'The file has too many rows.', [
      { field: 'file', message: `At most ${MAX_ROWS.toLocaleString('en')} recipients per file; split it.` },
    ]);
  const cell = (r: string[], c: CsvColumn) => (columns[c] === undefined ? '' : (r[columns[c]!] ?? '').trim());
  const seen = new Map<string, number>();
  return body.map((r, i) => {
    const row: CsvRow = {
      rowNo: i + 2,
      name: cell(r, 'name'),
      email: cell(r, 'email'),
      issuedOn: cell(r, 'issued_on'),
      expiresOn: cell(r, 'expires_on'),
      evidenceUrl: cell(r, 'evidence_url'),
      narrative: cell(r, 'narrative'),
      errors: [],
    };
    const err = (field: string, message: string) => row.errors.push({ field, message });
    if (!row.name) err('name', 'The name is missing.');
    else if (row.name.length > 200) err('name', 'The name is longer than 200 characters.');
    const emailProblem = emailError(row.email);
    if (emailProblem) err('email', emailProblem);
    else {
      const key = normalizeAddress(row.email);
      const first = seen.get(key);
      if (first !== undefined) err('email', `Duplicate: this email is also on row ${first}.`);
      else seen.set(key, row.rowNo);
    }
    const issued = row.issuedOn ? parseDate(row.issuedOn) : now;
    if (row.issuedOn && !issued)
      err('issued_on', `“${row.issuedOn.slice(0, 40)}” is not a date (use YYYY-MM-DD).`);
    else if (issued && issued.getTime() > now.getTime() + 86_400_000)
      err('issued_on', 'The issue date is in the future.');
    if (row.expiresOn) {
      const expires = parseDate(row.expiresOn);
      if (!expires) err('expires_on', `“${row.expiresOn.slice(0, 40)}” is not a date (use YYYY-MM-DD).`);
      else if (issued && expires.getTime() <= issued.getTime())
        err('expires_on', 'The expiry date is not after the issue date.');
    }
    if (row.evidenceUrl) {
      const problem = httpUrlError(row.evidenceUrl);
      if (problem) err('evidence_url', problem);
    }
    if (row.narrative.length > 10_000) err('narrative', 'The narrative is longer than 10,000 characters.');
    return row;
  });
}

/**
 * The identity of a row across uploads: the same recipient, template, date, narrative and
 * evidence give the same key, so a re-uploaded file or a retried chunk issues nothing twice.
 */
export function rowKey(
  orgId: string,
  templateId: string,
  row: Pick<CsvRow, 'email' | 'issuedOn' | 'narrative' | 'evidenceUrl'>,
): string {
  return createHash('sha256')
    .update(
      [orgId, templateId, normalizeAddress(row.email), row.issuedOn, row.narrative, row.evidenceUrl].join(
        '\u0000',
      ),
    )
    .digest('hex');
}
