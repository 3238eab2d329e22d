import { OpenBadgesError } from '../errors.ts';
import type { DidDocument } from './did-key.ts';
import { toMultikeyDocument } from './keys.ts';

const SEGMENT = /^[A-Za-z0-9._~%-]+$/;

/**
 * `didWebFromUrl('https://example.com:3000', ['orgs', 'acme'])` → `did:web:example.com%3A3000:orgs:acme`
 * (did:web method spec §3.1: the port colon is percent-encoded, path segments join with `:`).
 */
export function didWebFromUrl(base: string, path: string[] = []): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The did:web base is not a URL.');
  }
  const segments = [...url.pathname.split('/').filter(Boolean), ...path];
  for (const s of segments) {
    if (!SEGMENT.test(s) || s === '.' || s === '..') {
      throw new OpenBadgesError('DID_UNSUPPORTED', 'A did:web path segment holds a character it may not.');
    }
  }
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  return ['did:web', host, ...segments.map(encodeURIComponent)].join(':');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** Where the DID document lives: `https://host/path/did.json` or `https://host/.well-known/did.json`. */
export function didWebToUrl(did: string): string {
  const bare = typeof did === 'string' ? did.split('#')[0] : '';
  if (!bare.startsWith('did:web:'))
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The identifier is not a did:web.');
  const parts = bare.slice('did:web:'.length).split(':');
  if (parts.some((p) => p === '' || !SEGMENT.test(p))) {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The did:web identifier is malformed.');
  }
  const host = decodeURIComponent(parts[0]);
  const path = parts.slice(1).map(decodeURIComponent);
  if (path.some((p) => p.includes('/') || p === '.' || p === '..')) {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The did:web identifier is malformed.');
  }
  let url: URL;
  try {
    url = new URL(`https://${host}`);
  } catch {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The did:web host is not valid.');
  }
  if (url.host !== host.toLowerCase() || url.pathname !== '/') {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The did:web host is not valid.');
  }
  // Plain http only for a loopback host, which is how tests and local development serve documents.
  const scheme = isLoopback(url.hostname) ? 'http' : 'https';
  const rest = path.length ? `${path.map(encodeURIComponent).join('/')}/did.json` : '.well-known/did.json';
  return `${scheme}://${url.host}/${rest}`;
}

export function buildDidWebDocument(opts: {
  did: string;
  keys: { id: string; publicKey: Uint8Array }[];
}): DidDocument {
  didWebToUrl(opts.did);
  const methods = opts.keys.map((k) =>
    toMultikeyDocument({
      id: k.id.startsWith('#') ? `${opts.did}${k.id}` : k.id,
      controller: opts.did,
      publicKey: k.publicKey,
    }),
  );
  const ids = methods.map((m) => m.id);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: opts.did,
    verificationMethod: methods,
    assertionMethod: ids,
    authentication: ids,
  };
}

export async function resolveDidWeb(
  did: string,
  fetchJson: (url: string) => Promise<unknown>,
): Promise<DidDocument> {
  const bare = did.split('#')[0];
  const doc = (await fetchJson(didWebToUrl(bare))) as DidDocument | null;
  if (!doc || typeof doc !== 'object' || doc.id !== bare) {
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The did:web document does not describe the requested DID.');
  }
  return doc;
}
