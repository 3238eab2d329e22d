import { type Obj, str } from '../../json-values.ts';
import { step, type VerificationStep } from '../report.ts';

/** validFrom / validUntil (or the VC 1.1 issuanceDate / expirationDate) against the clock. */
export function datesStep(cred: Obj, now: Date): VerificationStep {
  const from = str(cred.validFrom ?? cred.issuanceDate);
  const until = str(cred.validUntil ?? cred.expirationDate);
  const fromMs = from ? Date.parse(from) : Number.NaN;
  if (!from || Number.isNaN(fromMs))
    return step('dates', 'fail', 'The credential has no readable start date (validFrom).', {
      code: 'SHAPE_INVALID',
    });
  if (fromMs > now.getTime())
    return step('dates', 'fail', `The credential only becomes valid on ${from}.`, { code: 'NOT_YET_VALID' });
  if (until) {
    const untilMs = Date.parse(until);
    if (Number.isNaN(untilMs))
      return step('dates', 'fail', 'The credential’s end date (validUntil) is not a date.', {
        code: 'SHAPE_INVALID',
      });
    if (untilMs < now.getTime())
      return step('dates', 'fail', `The credential expired on ${until}.`, { code: 'EXPIRED' });
    return step('dates', 'pass', `The credential is valid from ${from} until ${until}.`);
  }
  return step('dates', 'pass', `The credential is valid from ${from} and does not expire.`);
}
