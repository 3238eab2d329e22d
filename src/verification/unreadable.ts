import { unreadableStep, type VerificationReport } from '@laurel/openbadges/verify';

/**
 * The sentence to show instead of a report when the input could not be read as a badge at all
 * (a photo without a baked credential, random text), or undefined when there is a report to show.
 */
export function unreadableReason(report: VerificationReport): string | undefined {
  return unreadableStep(report)?.message;
}
