import type { Obj } from '../json-values.ts';
import { describeValidationErrors, validateCredential } from '../ob3/validate.ts';
import type { Container, Ctx } from './context.ts';
import { describeOb3, issuerLabel } from './credential-fields.ts';
import { type CredentialFormat, step, type VerificationReport, type VerificationStep } from './report.ts';
import { datesStep } from './steps/dates.ts';
import { endorsementsStep } from './steps/endorsements.ts';
import { type KeyFinding, keyStep } from './steps/key.ts';
import { checkDataIntegrity, checkJwt } from './steps/proof.ts';
import { recipientStep } from './steps/recipient.ts';
import { followRefresh } from './steps/refresh.ts';
import { statusStep } from './steps/status.ts';
import { type DraftReport, finish } from './verdict.ts';

/**
 * The checks of OB 3.0 §9 in order, for a credential in JSON (Data Integrity proofs) or as a
 * VC-JWT: format, parse, schema, proof, key, (refresh), issuer, dates, status, recipient, endorsements.
 */
export async function verifyOb3(
  json: Obj | undefined,
  ctx: Ctx,
  container: Container,
  jwt: string | undefined,
): Promise<VerificationReport> {
  const format: CredentialFormat = jwt ? 'ob3-jwt' : 'ob3-json';
  const report: DraftReport = { format, container, steps: [] };
  const steps = report.steps;
  steps.push(
    step(
      'format',
      'pass',
      jwt
        ? 'This is an Open Badges 3.0 credential secured as a VC-JWT.'
        : 'This is an Open Badges 3.0 credential in JSON.',
    ),
  );
  let cred: Obj;
  let proofSteps: VerificationStep[];
  let key: KeyFinding | undefined;
  if (jwt) {
    const r = await checkJwt(jwt, ctx);
    if (!r.credential) {
      steps.push(step('parse', 'fail', 'The token does not contain a credential.', { code: 'JWT_INVALID' }));
      return finish(report);
    }
    cred = r.credential;
    proofSteps = r.steps;
    key = r.key;
    steps.push(step('parse', 'pass', 'The token decodes to a credential.'));
  } else {
    cred = json!;
    steps.push(step('parse', 'pass', 'The credential is readable JSON.'));
    const r = await checkDataIntegrity(cred, ctx);
    proofSteps = r.steps;
    key = r.key;
  }
  describeOb3(report, cred);
  steps.push(schemaStep(cred));
  steps.push(...proofSteps);
  const ks = keyStep(key, report.issuer);
  if (ks) steps.push(ks);
  const signedByIssuer = proofSteps[0]?.result === 'pass' && ks?.result === 'pass';
  if (signedByIssuer && ctx.opts.followRefresh && !ctx.refreshed) {
    const refreshed = await followRefresh(cred, report.issuer!.id, ctx, container, verifyOb3);
    if (refreshed.report) return refreshed.report;
    if (refreshed.step) steps.push(refreshed.step);
  }
  steps.push(issuerStep(report.issuer, ctx.opts.trustedIssuers));
  steps.push(datesStep(cred, ctx.now));
  const status = await statusStep(cred, report.issuer?.id, ctx);
  steps.push(status.step);
  const recipient = recipientStep(cred, ctx.opts.recipient);
  if (recipient.matched !== undefined && report.recipient) report.recipient.matched = recipient.matched;
  steps.push(recipient.step);
  steps.push(await endorsementsStep(cred, ctx));
  return finish(report, status.suspended);
}

function schemaStep(cred: Obj): VerificationStep {
  const validation = validateCredential(cred);
  // Each credential type is held to its own rules: an endorsement is not an achievement credential.
  const shape =
    validation.kind === 'endorsement' ? 'an Open Badges 3.0 EndorsementCredential' : 'Open Badges 3.0';
  return validation.valid
    ? step('schema', 'pass', `The credential has the structure ${shape} requires.`)
    : step('schema', 'fail', `The credential does not have the structure ${shape} requires.`, {
        code: 'SHAPE_INVALID',
        detail: describeValidationErrors(validation.errors),
      });
}

function issuerStep(issuer: VerificationReport['issuer'], trusted: string[] | undefined): VerificationStep {
  if (!issuer) return step('issuer', 'fail', 'The credential names no issuer.', { code: 'SHAPE_INVALID' });
  if (trusted && !trusted.includes(issuer.id))
    return step(
      'issuer',
      'warn',
      `Issued by ${issuerLabel(issuer)}, which is not among the issuers you trust.`,
    );
  return step('issuer', 'pass', `Issued by ${issuerLabel(issuer)}.`);
}
