import { canonicalizeEmail, normalizeEmail } from '@laurel/openbadges/ob3';
import type { FieldError } from '../errors.ts';

/**
 * The recipient's address in the canonical form that accounts use and the credential's
 * recipient hash is made of (see canonicalizeEmail), so look-alike spellings are one person.
 */
export const normalizeAddress = normalizeEmail;

// Whether the address has a canonical form. Deliverability is the mail's job.
export function emailError(email: string): string | null {
  const checked = canonicalizeEmail(email);
  if (checked.ok) return null;
  if (checked.problem === 'empty') return 'Enter the recipient’s email address.';
  return `“${email.trim().slice(0, 80)}” is not an email address.`;
}

export function httpUrlError(url: string): string | null {
  if (url.length > 2000) return 'The evidence URL is too long (2000 characters at most).';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return 'The evidence URL must start with http:// or https://.';
    return null;
  } catch {
    return 'The evidence URL is not a valid web address.';
  }
}

/** `YYYY-MM-DD` (as in a CSV or a date input) or a full RFC 3339 date-time. */
export function parseDate(value: string): Date | null {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? d : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface AwardFields {
  recipientName: string;
  recipientEmail: string;
  issuedAt?: Date;
  validUntil?: Date | null;
  evidenceUrl?: string | null;
  evidenceNarrative?: string | null;
}

/** Field errors of one award's inputs (the form, the API and a CSV row share these rules). */
export function awardFieldErrors(input: AwardFields, now = new Date()): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.recipientName.trim();
  if (!name) errors.push({ field: 'recipientName', message: 'Enter the recipient’s name.' });
  else if (name.length > 200)
    errors.push({ field: 'recipientName', message: 'The name is too long (200 characters at most).' });
  const emailProblem = emailError(input.recipientEmail);
  if (emailProblem) errors.push({ field: 'recipientEmail', message: emailProblem });
  const issuedAt = input.issuedAt ?? now;
  if (Number.isNaN(issuedAt.getTime()))
    errors.push({ field: 'issuedAt', message: 'The issue date is not a date.' });
  else if (issuedAt.getTime() > now.getTime() + 86_400_000)
    errors.push({ field: 'issuedAt', message: 'The issue date cannot be in the future.' });
  else if (issuedAt.getUTCFullYear() < 1970)
    errors.push({ field: 'issuedAt', message: 'The issue date is too far in the past.' });
  if (input.validUntil) {
    if (Number.isNaN(input.validUntil.getTime()))
      errors.push({ field: 'validUntil', message: 'The expiry date is not a date.' });
    else if (input.validUntil.getTime() <= issuedAt.getTime())
      errors.push({ field: 'validUntil', message: 'The expiry date must be after the issue date.' });
  }
  if (input.evidenceUrl) {
    const problem = httpUrlError(input.evidenceUrl);
    if (problem) errors.push({ field: 'evidenceUrl', message: problem });
  }
  if (input.evidenceNarrative && input.evidenceNarrative.length > 10_000)
    errors.push({
      field: 'evidenceNarrative',
      message: 'The narrative is too long (10,000 characters at most).',
    });
  return errors;
}
