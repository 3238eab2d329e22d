import { asArray, isObj, type Obj, str } from '../../json-values.ts';
import { verifyDataIntegrity } from '../../proof/verify-data-integrity.ts';
import type { Ctx } from '../context.ts';
import { issuerOf, subjectOf } from '../credential-fields.ts';
import { step, type VerificationStep } from '../report.ts';
import { datesStep } from './dates.ts';
import { keyStep } from './key.ts';
import { checkJwt } from './proof.ts';

// Endorsements are checked up to this many; more only add work an attacker controls.
const MAX_ENDORSEMENTS = 20;

/** Endorsements of the credential, its achievement or its issuer, embedded or as JWTs: each signed by its endorser. */
export async function endorsementsStep(cred: Obj, ctx: Ctx): Promise<VerificationStep> {
  const subject = subjectOf(cred);
  const holders = [
    cred,
    isObj(subject.achievement) ? subject.achievement : {},
    isObj(cred.issuer) ? cred.issuer : {},
  ];
  const embedded = holders.flatMap((h) => asArray(h.endorsement)).filter(isObj);
  const jwts = holders
    .flatMap((h) => asArray(h.endorsementJwt))
    .filter((j): j is string => typeof j === 'string');
  const total = embedded.length + jwts.length;
  if (total === 0) return step('endorsements', 'skipped', 'The credential carries no endorsements.');
  if (total > MAX_ENDORSEMENTS) {
    return step(
      'endorsements',
      'warn',
      `The credential carries ${total} endorsements, more than this verifier checks; none were verified.`,
    );
  }
  // An endorsement counts only when it is about this credential, its achievement or its issuer
  // (one copied from another badge carries a good signature about something else) and is current.
  const endorsed = new Set(holders.map((h) => str(h.id)).filter((id) => id !== undefined));
  const aboutThis = (e: Obj) =>
    endorsed.has(str(subjectOf(e).id) ?? '') && datesStep(e, ctx.now).result === 'pass';
  let good = 0;
  for (const e of embedded) {
    if (!aboutThis(e)) continue;
    const r = await verifyDataIntegrity(e, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
    if (r.verified && r.controller === issuerOf(e)?.id) good++;
  }
  for (const jwt of jwts) {
    const r = await checkJwt(jwt, ctx);
    const endorser = r.credential ? issuerOf(r.credential) : undefined;
    if (
      r.credential &&
      aboutThis(r.credential) &&
      r.steps[0]?.result === 'pass' &&
      keyStep(r.key, endorser)?.result === 'pass'
    )
      good++;
  }
  return good === total
    ? step(
        'endorsements',
        'pass',
        `All ${total} endorsement${total === 1 ? '' : 's'} carry valid signatures from their endorsers.`,
      )
    : step(
        'endorsements',
        'warn',
        `${total - good} of ${total} endorsements could not be verified; they say nothing about the badge itself.`,
      );
}
