import type { ErrorCode } from '../errors.ts';
import { ob3CredentialType } from '../ob3/validate.ts';
import { lowerFirst } from './context.ts';
import { issuerLabel } from './credential-fields.ts';
import {
  CANNOT_CHECK_CODES,
  type VerificationReport,
  type VerificationStep,
  withSkippedSteps,
} from './report.ts';

/** A report while its steps are being gathered. */
export type DraftReport = Partial<VerificationReport> & { steps: VerificationStep[] };

const SUMMARY: Partial<Record<ErrorCode, string>> = {
  PROOF_INVALID: 'The badge was changed after it was issued: its signature no longer matches.',
  KEY_CONTROLLER_MISMATCH: 'The badge was signed with a key that does not belong to its issuer.',
  KEY_UNPROVEN:
    'The signing key is not shown to belong to the issuer, so nothing proves that the issuer made this badge.',
  REVOKED: 'The issuer has revoked this badge.',
  EXPIRED: 'The badge is expired.',
  NOT_YET_VALID: 'The badge is not valid yet.',
  RECIPIENT_MISMATCH: 'The badge was not issued to the recipient you named.',
  ISSUER_MISMATCH: 'The badge is not hosted where its issuer publishes badges.',
  PROOF_MISSING: 'The badge carries no proof of who issued it.',
};

/** Proof failures that say the signature could not be examined, whatever else is wrong. */
const UNCHECKABLE_PROOF: ReadonlySet<ErrorCode> = new Set([
  'PROOF_UNSUPPORTED',
  'CONTEXT_NOT_ALLOWED',
  'JSONLD_INVALID',
]);

/** The verdict, status and one-sentence summary the gathered steps add up to. */
export function finish(report: DraftReport, suspended = false): VerificationReport {
  const fails = report.steps.filter((s) => s.result === 'fail');
  const decisive = fails.filter((s) => !s.code || !CANNOT_CHECK_CODES.has(s.code));
  const statusWarn = report.steps.find(
    (s) => s.id === 'status' && s.result === 'warn' && s.code && CANNOT_CHECK_CODES.has(s.code),
  );
  let verdict: VerificationReport['verdict'];
  if (decisive.length > 0) verdict = 'invalid';
  else if (fails.length > 0 || statusWarn) verdict = 'indeterminate';
  else verdict = 'valid';

  const codes = new Set(fails.map((s) => s.code));
  let status: VerificationReport['status'];
  if (codes.has('REVOKED')) status = suspended ? 'suspended' : 'revoked';
  else if (codes.has('EXPIRED')) status = 'expired';
  else if (codes.has('NOT_YET_VALID')) status = 'not-yet-valid';
  else if (verdict === 'valid') status = 'valid';

  let summary: string;
  // A known cause (tampered, wrong key, revoked…) explains more than a schema failure that comes
  // first, and so does a signature that could not be checked at all (unsupported suite, refused
  // context): a structure failure is then named after it, not instead of it.
  const uncheckable = fails.find((s) => s.id === 'proof' && s.code && UNCHECKABLE_PROOF.has(s.code));
  const first = decisive.find((s) => s.code && SUMMARY[s.code]) ?? uncheckable ?? decisive[0] ?? fails[0];
  if (verdict === 'valid') {
    const what = report.achievement?.name
      ? `“${report.achievement.name}”`
      : ob3CredentialType(report.credential) === 'endorsement'
        ? 'This endorsement'
        : 'This badge';
    const warned = report.steps.some((s) => s.result === 'warn');
    summary = `${what} is authentic and current, issued by ${issuerLabel(report.issuer)}${warned ? ', with warnings below' : ''}.`;
  } else if (status === 'suspended') summary = 'The issuer has suspended this badge.';
  else if (first) {
    summary =
      (first.code && SUMMARY[first.code]) ??
      (verdict === 'indeterminate'
        ? `The badge could not be fully checked: ${lowerFirst(first.message)}`
        : first.message);
    if (first.code === 'EXPIRED' && report.validUntil) summary = `The badge expired on ${report.validUntil}.`;
    if (first === uncheckable) {
      summary = first.message;
      if (report.steps.some((s) => s.id === 'schema' && s.result === 'fail'))
        summary += ` It also lacks structure Open Badges 3.0 requires (${report.steps.find((s) => s.id === 'schema')?.detail ?? 'see below'}).`;
    }
  } else if (statusWarn?.code === 'PROOF_UNSUPPORTED') {
    summary = `The badge could not be fully checked: ${lowerFirst(statusWarn.message)}`;
  } else {
    summary =
      'The badge could not be fully checked: its revocation status is unknown because the status list is unreachable.';
  }
  return {
    verdict,
    ...(status ? { status } : {}),
    summary,
    format: report.format ?? 'unknown',
    ...(report.container ? { container: report.container } : {}),
    ...(report.credential ? { credential: report.credential } : {}),
    ...(report.issuer ? { issuer: report.issuer } : {}),
    ...(report.recipient ? { recipient: report.recipient } : {}),
    ...(report.achievement ? { achievement: report.achievement } : {}),
    ...(report.validFrom ? { validFrom: report.validFrom } : {}),
    ...(report.validUntil ? { validUntil: report.validUntil } : {}),
    steps: withSkippedSteps(report.steps),
  };
}
