import { asArray, isObj, type Obj } from '../../json-values.ts';
import { verifyDataIntegrity } from '../../proof/verify-data-integrity.ts';
import { checkBitstringStatus } from '../../status/bitstring-credential.ts';
import { check1EdTechRevocation } from '../../status/revocation-list.ts';
import { type Ctx, toError } from '../context.ts';
import { issuerOf } from '../credential-fields.ts';
import { fetchJsonWith } from '../fetch.ts';
import { step, UNREACHABLE_CODES, type VerificationStep } from '../report.ts';

function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60000));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

/** Revocation and suspension through every status entry the credential carries (Bitstring Status List, 1EdTech list). */
export async function statusStep(
  cred: Obj,
  issuerId: string | undefined,
  ctx: Ctx,
): Promise<{ step: VerificationStep; suspended?: boolean }> {
  const entries = asArray(cred.credentialStatus).filter(isObj);
  if (entries.length === 0)
    return {
      step: step(
        'status',
        'pass',
        'The issuer publishes no status for this credential, so it cannot be revoked.',
      ),
    };
  const fetchJson = fetchJsonWith(ctx.fetch);
  const stale: string[] = [];
  // Lists issued by someone other than the credential's issuer, which the specification allows.
  const otherIssuers = new Set<string>();
  let checked = 0;
  for (const entry of entries) {
    const types = asArray(entry.type);
    try {
      if (types.includes('BitstringStatusListEntry') || types.includes('StatusList2021Entry')) {
        const r = await checkBitstringStatus(entry, {
          fetchJson,
          now: () => ctx.now,
          ...(ctx.opts.statusCache ? { cache: ctx.opts.statusCache } : {}),
          verifyListCredential: (vc) => verifyListCredential(vc, ctx),
        });
        if (r.stale) stale.push(age(r.fetchedAt, ctx.now));
        if (r.listIssuer && r.listIssuer !== issuerId) otherIssuers.add(r.listIssuer);
        if (r.status === 'revoked')
          return {
            step: step('status', 'fail', 'The issuer has revoked this credential.', { code: 'REVOKED' }),
          };
        if (r.status === 'suspended') {
          return {
            step: step('status', 'fail', 'The issuer has suspended this credential.', { code: 'REVOKED' }),
            suspended: true,
          };
        }
        checked++;
      } else if (types.includes('1EdTechRevocationList')) {
        const r = await check1EdTechRevocation(entry, String(cred.id), {
          fetchJson,
          now: () => ctx.now,
          ...(ctx.opts.statusCache ? { cache: ctx.opts.statusCache } : {}),
        });
        if (r.stale) stale.push(age(r.fetchedAt, ctx.now));
        if (r.revoked) {
          const reason = r.reason ? ` The reason given: ${r.reason}` : '';
          return {
            step: step('status', 'fail', `The issuer has revoked this credential.${reason}`, {
              code: 'REVOKED',
            }),
          };
        }
        checked++;
      }
    } catch (e) {
      const err = toError(e, 'STATUS_INVALID');
      if (err.code === 'PROOF_UNSUPPORTED') {
        return {
          step: step(
            'status',
            'warn',
            'The issuer’s status list is signed in a way this verifier cannot check, so whether the credential was revoked is not known.',
            { code: 'PROOF_UNSUPPORTED', detail: err.message },
          ),
        };
      }
      if (err.code === 'STATUS_UNREACHABLE' || err.code.startsWith('FETCH_')) {
        return {
          step: step(
            'status',
            'warn',
            'The issuer’s status list could not be reached, so whether the credential was revoked could not be checked.',
            {
              code: 'STATUS_UNREACHABLE',
              detail: err.message,
            },
          ),
        };
      }
      return {
        step: step(
          'status',
          'fail',
          'The credential’s status list is not valid, so its status cannot be trusted.',
          { code: err.code, detail: err.message },
        ),
      };
    }
  }
  if (checked === 0)
    return {
      step: step(
        'status',
        'warn',
        'The credential uses a status method this verifier does not know, so its status was not checked.',
      ),
    };
  // Bitstring Status List §3.2: the list's issuer may differ from the credential's; say whose it is.
  const whose =
    otherIssuers.size > 0
      ? ` The status list is issued by ${[...otherIssuers].join(', ')}, not by the credential’s issuer, which the Bitstring Status List specification allows.`
      : '';
  if (stale.length > 0) {
    return {
      step: step(
        'status',
        'warn',
        `The status list could not be reached; a copy fetched ${stale[0]} ago shows the credential as not revoked.${whose}`,
      ),
    };
  }
  return {
    step: step(
      'status',
      'pass',
      whose
        ? `The status list shows the credential as not revoked.${whose}`
        : 'The issuer’s status list shows the credential as not revoked.',
    ),
  };
}

/** A status list credential counts when it is unsigned (its issuer field is checked elsewhere) or signed by its issuer. */
function verifyListCredential(vc: object, ctx: Ctx): Promise<{ verified: boolean; issuer?: string }> {
  // In a batch, a list shared by many credentials has its proof checked once.
  return ctx.batch ? ctx.batch.listProof(vc, () => checkListProof(vc, ctx)) : checkListProof(vc, ctx);
}

async function checkListProof(vc: object, ctx: Ctx): Promise<{ verified: boolean; issuer?: string }> {
  const listIssuer = issuerOf(vc as Obj)?.id;
  // An unsigned list is trusted as fetched (checkBitstringStatus still checks its issuer field).
  if ((vc as Obj).proof === undefined)
    return { verified: true, ...(listIssuer ? { issuer: listIssuer } : {}) };
  const r = await verifyDataIntegrity(vc, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
  if (!r.verified && r.error && (UNREACHABLE_CODES.has(r.error.code) || r.error.code === 'PROOF_UNSUPPORTED'))
    throw r.error;
  return {
    verified: r.verified && r.controller === listIssuer,
    ...(r.controller ? { issuer: r.controller } : {}),
  };
}
