import type { ErrorCode } from '@laurel/openbadges/errors';
import type { VerificationReport } from '@laurel/openbadges/verify';

// Codes that mean "this is not a badge we can read", as opposed to a badge that fails a check
// or a source that could not be reached (those get a full report).
const UNREADABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INPUT_UNRECOGNIZED',
  'INPUT_TOO_LARGE',
  'JSON_INVALID',
  'PNG_INVALID',
  'PNG_BAD_CRC',
  'PNG_MULTIPLE_CREDENTIALS',
  'PNG_NO_CREDENTIAL',
  'SVG_INVALID',
  'SVG_FORBIDDEN',
  'SVG_MULTIPLE_CREDENTIALS',
  'SVG_NO_CREDENTIAL',
  'JWT_INVALID',
]);

/**
 * The sentence to show instead of a report when the input could not be read as a badge at all
 * (a photo without a baked credential, random text), or undefined when there is a report to show.
 */
export function unreadableReason(report: VerificationReport): string | undefined {
  if (report.verdict === 'valid' || report.format !== 'unknown') return undefined;
  const failed = report.steps.find((s) => s.result === 'fail');
  if (!failed?.code || !UNREADABLE.has(failed.code)) return undefined;
  return failed.message;
}
