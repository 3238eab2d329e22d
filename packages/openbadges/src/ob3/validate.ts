/**
 * Runtime validation of OB 3.0 credentials against the rules of the official JSON Schema
 * (ob_v3p0_achievementcredential_schema.json), written out in code so verification needs no
 * schema engine. One deliberate difference: `proof` may be a single object, as VC 2.0 allows and
 * every Data Integrity signer emits; the schema only lists the array form.
 */
import { isObj } from '../json-values.ts';
import type { Check, Ctx, ValidationError, ValidationResult } from './schema-checks.ts';
import {
  AchievementCredential,
  AchievementCredentialV11,
  Endorsement,
  EndorsementCredentialV11,
  VC_V1,
} from './schema-shapes.ts';

export type { ValidationError, ValidationResult } from './schema-checks.ts';
export { isDateTime } from './schema-checks.ts';

function run(check: Check, json: unknown): ValidationResult {
  const ctx: Ctx = { errors: [] };
  check(json, '', ctx);
  return { valid: ctx.errors.length === 0, errors: ctx.errors };
}

/**
 * Validates an OpenBadgeCredential / AchievementCredential (VC 2.0, or VC 1.1 when its first
 * context says so). Beyond the schema, OB 3.0 §9 requires the subject to carry an `id` or at
 * least one `identifier`; `schemaOnly` skips that rule.
 */
export function validateOpenBadgeCredential(
  json: unknown,
  opts: { schemaOnly?: boolean } = {},
): ValidationResult {
  const result = run(isV11(json) ? AchievementCredentialV11 : AchievementCredential, json);
  if (!opts.schemaOnly && isObj(json) && isObj(json.credentialSubject)) {
    const s = json.credentialSubject;
    if (s.id === undefined && (!Array.isArray(s.identifier) || s.identifier.length === 0)) {
      result.errors.push({
        path: '/credentialSubject',
        message: 'must have an id or at least one identifier',
      });
      result.valid = false;
    }
  }
  return result;
}

const isV11 = (json: unknown) =>
  isObj(json) && Array.isArray(json['@context']) && json['@context'][0] === VC_V1;

/** Validates an EndorsementCredential (OB 3.0 §B.1.7): VC 2.0, or VC 1.1 when its first context says so. */
export function validateEndorsementCredential(json: unknown): ValidationResult {
  return run(isV11(json) ? EndorsementCredentialV11 : Endorsement, json);
}

export type Ob3CredentialType = 'achievement' | 'endorsement';

/**
 * Which OB 3.0 credential this is: an EndorsementCredential (and not also an achievement
 * credential) is held to the endorsement rules, anything else to the AchievementCredential ones.
 */
export function ob3CredentialType(json: unknown): Ob3CredentialType {
  const types = isObj(json) ? (Array.isArray(json.type) ? json.type : [json.type]) : [];
  const achievement = types.includes('AchievementCredential') || types.includes('OpenBadgeCredential');
  return types.includes('EndorsementCredential') && !achievement ? 'endorsement' : 'achievement';
}

/** Validates an OB 3.0 credential against the rules of its own type (see ob3CredentialType). */
export function validateCredential(json: unknown): ValidationResult & { kind: Ob3CredentialType } {
  const kind = ob3CredentialType(json);
  const result =
    kind === 'endorsement' ? validateEndorsementCredential(json) : validateOpenBadgeCredential(json);
  return { ...result, kind };
}

/** The first few errors as one readable sentence fragment list. */
export function describeValidationErrors(errors: ValidationError[], max = 3): string {
  const shown = errors.slice(0, max).map((e) => `${e.path} ${e.message}`);
  return shown.join('; ') + (errors.length > max ? ` (and ${errors.length - max} more)` : '');
}
