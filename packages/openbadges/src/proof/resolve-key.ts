import { OpenBadgesError } from '../errors.ts';
import { resolveDidKey } from './did-key.ts';
import { resolveDidWeb } from './did-web.ts';
import { multibaseToPublicKey } from './keys.ts';
import { type Curve, decodeMultikey, decodePublicJwk } from './multikey.ts';
import { type Obj, isObj } from '../json-values.ts';

export type ResolvedKey = {
  id: string;
  controller: string;
  /** Ed25519: 32 bytes; P-256 / P-384: the compressed point. */
  publicKey: Uint8Array;
  curve: Curve;
  type: 'Multikey' | 'Ed25519VerificationKey2020' | 'JsonWebKey2020';
};

export type ResolveKeyOptions = {
  /** Fetch and parse a JSON document (the caller's guarded fetch); needed for did:web and URLs. */
  fetchJson?: (url: string) => Promise<unknown>;
  /**
   * When set, a controller document that lists verification relationships must list the key
   * under this one (e.g. `assertionMethod` for issuing credentials).
   */
  purpose?: 'assertionMethod' | 'authentication';
};

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function absolute(id: string, base: string): string {
  return id.startsWith('#') ? base + id : id;
}

function keyFromMethod({ method: vm, id, controller }: LocatedMethod): ResolvedKey {
  if (vm.type === 'Multikey' || vm.type === 'Ed25519VerificationKey2020') {
    if (typeof vm.publicKeyMultibase !== 'string') {
      throw new OpenBadgesError('KEY_INVALID', 'The verification method has no publicKeyMultibase.');
    }
    // An Ed25519VerificationKey2020 is always Ed25519; a Multikey says its curve in its header.
    const key =
      vm.type === 'Multikey'
        ? decodeMultikey(vm.publicKeyMultibase)
        : { curve: 'Ed25519' as const, publicKey: multibaseToPublicKey(vm.publicKeyMultibase) };
    return { id, controller, type: vm.type, ...key };
  }
  if (vm.type === 'JsonWebKey2020' || vm.type === 'JsonWebKey') {
    return { id, controller, type: 'JsonWebKey2020', ...decodePublicJwk(vm.publicKeyJwk) };
  }
  throw new OpenBadgesError(
    'KEY_INVALID',
    'The verification method is not a key type this verifier supports (Multikey, Ed25519VerificationKey2020, JsonWebKey).',
  );
}

/** A verification method found for an id, with the controller it answers to. */
type LocatedMethod = { id: string; controller: string; method: Obj };

/** Finds `vmId` among a controller document's verification methods (embedded relationships included). */
function findInController(doc: Obj, vmId: string, baseId: string, purpose?: string): LocatedMethod {
  const candidates = [
    ...asArray(doc.verificationMethod),
    ...asArray(doc.assertionMethod),
    ...asArray(doc.authentication),
    ...asArray(doc.publicKey),
  ];
  const vm = candidates.find(
    (c): c is Obj => isObj(c) && typeof c.id === 'string' && absolute(c.id, baseId) === vmId,
  );
  if (!vm)
    throw new OpenBadgesError(
      'KEY_NOT_FOUND',
      'The controller document does not list the verification method.',
    );
  if (purpose && doc[purpose] !== undefined) {
    const listed = asArray(doc[purpose]).some(
      (r) =>
        (typeof r === 'string'
          ? absolute(r, baseId)
          : isObj(r) && typeof r.id === 'string' && absolute(r.id, baseId)) === vmId,
    );
    if (!listed) throw new OpenBadgesError('KEY_NOT_FOUND', `The key is not authorized for ${purpose}.`);
  }
  const controller = typeof vm.controller === 'string' ? vm.controller : baseId;
  if (typeof doc.id === 'string' && doc.id.startsWith('did:') && controller !== doc.id) {
    throw new OpenBadgesError(
      'KEY_CONTROLLER_MISMATCH',
      'The key is controlled by another DID than its document.',
    );
  }
  return { id: vmId, controller, method: vm };
}

/**
 * Dereferences a verification method id to a public key (Ed25519, P-256 or P-384): did:key (computed), did:web
 * (fetched DID document) and https URLs, where the key is either the document at the URL or an
 * entry of the document at the URL without its fragment (an issuer profile listing its keys, as
 * the 1EdTech test vector does).
 */
export async function resolveVerificationMethod(
  vmId: string,
  opts: ResolveKeyOptions = {},
): Promise<ResolvedKey> {
  if (typeof vmId === 'string' && vmId.startsWith('did:key:')) {
    // A did:key is its own document: the answer depends on the id (and purpose) alone.
    const id = `${opts.purpose ?? ''} ${vmId}`;
    let key = didKeys.get(id);
    if (!key) {
      key = keyFromMethod(await locateVerificationMethod(vmId, opts));
      if (didKeys.size >= DID_KEYS_MAX) didKeys.delete(didKeys.keys().next().value!);
      didKeys.set(id, key);
    }
    return { ...key };
  }
  return keyFromMethod(await locateVerificationMethod(vmId, opts));
}

const didKeys = new Map<string, ResolvedKey>();
const DID_KEYS_MAX = 512;

/**
 * The public JWK of a JsonWebKey verification method, found as resolveVerificationMethod finds
 * one: how a did:web or a key document publishes an RSA key for RS256 VC-JWTs.
 */
export async function resolveVerificationMethodJwk(
  vmId: string,
  opts: ResolveKeyOptions = {},
): Promise<{ id: string; controller: string; jwk: Obj }> {
  const { id, controller, method } = await locateVerificationMethod(vmId, opts);
  if (!isObj(method.publicKeyJwk) || typeof method.publicKeyJwk.kty !== 'string') {
    throw new OpenBadgesError('KEY_INVALID', 'The verification method has no publicKeyJwk.');
  }
  const { d: _d, ...jwk } = method.publicKeyJwk;
  return { id, controller, jwk };
}

async function locateVerificationMethod(vmId: string, opts: ResolveKeyOptions): Promise<LocatedMethod> {
  if (typeof vmId !== 'string' || vmId.length === 0 || vmId.length > 2048) {
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The verification method id is missing or too long.');
  }
  const [base, fragment] = vmId.split('#', 2);
  if (base.startsWith('did:key:')) {
    const doc = resolveDidKey(base);
    return findInController(
      doc as Obj,
      fragment === undefined ? doc.verificationMethod![0].id : vmId,
      doc.id,
      opts.purpose,
    );
  }
  if (base.startsWith('did:web:')) {
    const fetchJson = requireFetch(opts);
    const doc = await resolveDidWeb(base, fetchJson);
    return findInController(doc as Obj, vmId, base, opts.purpose);
  }
  if (base.startsWith('did:'))
    throw new OpenBadgesError('DID_UNSUPPORTED', 'Only did:key and did:web are supported.');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The verification method id is not a URL or a DID.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The verification method URL is not http(s).');
  }
  const doc = await requireFetch(opts)(base);
  if (!isObj(doc))
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The verification method URL did not return a JSON object.');
  if (fragment === undefined || doc.id === vmId) {
    // The URL names the key document itself.
    if (doc.id !== undefined && doc.id !== vmId) {
      throw new OpenBadgesError('KEY_NOT_FOUND', 'The key document at the URL has another id.');
    }
    if (typeof doc.controller !== 'string') {
      throw new OpenBadgesError('KEY_INVALID', 'The key document names no controller.');
    }
    return { id: vmId, controller: doc.controller, method: doc };
  }
  if (doc.id !== undefined && doc.id !== base) {
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The document at the key URL has another id.');
  }
  return findInController(doc, vmId, base, opts.purpose);
}

function requireFetch(opts: ResolveKeyOptions): (url: string) => Promise<unknown> {
  if (!opts.fetchJson)
    throw new OpenBadgesError('KEY_NOT_FOUND', 'Resolving this key needs a fetch, and none was given.');
  return opts.fetchJson;
}
