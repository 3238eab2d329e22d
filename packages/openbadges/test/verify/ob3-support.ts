// Shared by the OB 3.0 verification tests (ob3.test.ts, ob3-jwt.test.ts): running verify with no
// network at the fixtures' clock, reading a step, and tampering with a credential field by field.
import { type VerificationReport, verify } from '../../src/verify/index.ts';
import { mapFetch, NOW, unsignedCredential } from './fixtures.ts';

export const noNetwork = mapFetch({});

export const stepOf = (r: VerificationReport, id: string) => r.steps.find((s) => s.id === id);
export const run = (input: unknown, extra: Parameters<typeof verify>[1] = {}) =>
  verify(input as object, { now: () => NOW, fetch: noNetwork, ...extra });

/** Changes one field of a credential (by path) to a different value of the same kind. */
export function mutate(cred: Record<string, any>, path: string): Record<string, any> {
  const copy = structuredClone(cred);
  const keys = path.split('.');
  let at: any = copy;
  for (const k of keys.slice(0, -1)) at = at[k];
  const last = keys.at(-1)!;
  const v = at[last];
  at[last] =
    typeof v === 'string'
      ? /^\d{4}-/.test(v)
        ? '2024-12-31T00:00:00Z'
        : v.startsWith('sha256$')
          ? `sha256$${'0'.repeat(64)}`
          : `${v}x`
      : typeof v === 'boolean'
        ? !v
        : `${JSON.stringify(v)}!`;
  return copy;
}

/** Every leaf of the signed credential but its proof and contexts (a changed context is refused earlier). */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([k, v]) =>
    prefix === '' && (k === 'proof' || k === '@context') ? [] : leafPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

// Taken from the fixture so that a field added to it is tampered with too.
export const TAMPER_PATHS = leafPaths(
  unsignedCredential({
    did: 'did:key:z6Mk',
    vm: '',
    secretKey: new Uint8Array(),
    publicKey: new Uint8Array(),
  }),
);

export const TAMPERED_SENTENCE =
  'The signature does not match the credential: it was changed after it was signed.';
// A changed type is a relative @type: invalid JSON-LD, which is not said to be tampering (issue 8).
export const JSONLD_SENTENCE =
  /^The credential is not valid JSON-LD, so its signature cannot be checked: the type “[^”]+” is not defined by the document's JSON-LD contexts\.$/;
