/**
 * Email addresses at the boundary: every address a person types is put in the library's
 * canonical form (the same one recipient hashes use) or refused with a field error, so two
 * addresses that look identical are one address everywhere.
 */
import { type EmailProblem, canonicalizeEmail } from '@laurel/openbadges/ob3';
import { type FieldError, invalid } from '../errors.ts';

export { normalizeEmail } from '@laurel/openbadges/ob3';

const MESSAGES: Record<EmailProblem, string> = {
  empty: 'Enter your email address.',
  'too-long': 'This address is too long.',
  characters: 'This address contains spaces, control or unusual characters. Type it again by hand.',
  syntax: 'Enter an email address like name@example.org.',
  domain: 'The part after @ is not a valid domain name. Check it for typos.',
};

/** The canonical address, or the field errors that explain why there is none. */
export function checkEmail(
  raw: string,
  field = 'email',
): { email: string; errors: [] } | { email: null; errors: FieldError[] } {
  const c = canonicalizeEmail(raw);
  return c.ok
    ? { email: c.email, errors: [] }
    : { email: null, errors: [{ field, message: MESSAGES[c.problem] }] };
}

export const emailProblems = (raw: string, field = 'email'): FieldError[] => checkEmail(raw, field).errors;

/** The canonical address; INVALID with the field error when there is none. */
export function parseEmail(
  raw: string,
  field = 'email',
  message = 'Please correct the errors below.',
): string {
  const checked = checkEmail(raw, field);
  if (checked.email === null) throw invalid(message, checked.errors);
  return checked.email;
}
