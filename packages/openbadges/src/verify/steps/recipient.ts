import { asArray, isObj, type Obj } from '../../json-values.ts';
import { matchesIdentity, normalizeEmail } from '../../ob3/identity.ts';
import type { VerifyOptions } from '../context.ts';
import { subjectOf } from '../credential-fields.ts';
import { step, type VerificationStep } from '../report.ts';

/** Whether the credential names the recipient the caller gave, by id or by a (hashed) email identifier. */
export function recipientStep(
  cred: Obj,
  recipient: VerifyOptions['recipient'],
): { step: VerificationStep; matched?: boolean } {
  if (!recipient?.email && !recipient?.id)
    return { step: step('recipient', 'skipped', 'No recipient was given to compare with the credential.') };
  const subject = subjectOf(cred);
  let ok = false;
  if (recipient.id && subject.id === recipient.id) ok = true;
  for (const ident of asArray(subject.identifier).filter(isObj)) {
    if (
      recipient.email &&
      ident.identityType === 'emailAddress' &&
      matchesIdentity(ident, normalizeEmail(recipient.email))
    )
      ok = true;
    if (recipient.id && ident.identityType !== 'emailAddress' && matchesIdentity(ident, recipient.id))
      ok = true;
  }
  return ok
    ? {
        step: step('recipient', 'pass', 'The credential was issued to the recipient you named.'),
        matched: true,
      }
    : {
        step: step('recipient', 'fail', 'The credential was not issued to the recipient you named.', {
          code: 'RECIPIENT_MISMATCH',
        }),
        matched: false,
      };
}
