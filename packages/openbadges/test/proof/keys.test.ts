import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isOpenBadgesError } from '../../src/errors.ts';
import {
  base58Decode,
  base58Encode,
  buildDidWebDocument,
  didKeyFromPublicKey,
  didKeyToPublicKey,
  didKeyVerificationMethod,
  didWebFromUrl,
  didWebToUrl,
  ed25519ToJwk,
  generateEd25519KeyPair,
  jwkToPublicKey,
  keyPairFromHex,
  multibaseToPublicKey,
  multibaseToSecretKey,
  publicKeyToMultibase,
  resolveDidKey,
  resolveDidWeb,
  resolveVerificationMethod,
  secretKeyToMultibase,
  signEd25519,
  toMultikeyDocument,
  verifyEd25519,
} from '../../src/proof/index.ts';
import { vector } from './spec-files.ts';

const v = vector();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Ed25519 keys', () => {
  it('reads the vector key in its 64-byte form and encodes the known multibase', () => {
    const pair = keyPairFromHex(v.key.secretKeyHex);
    expect(hex(pair.publicKey)).toBe(v.key.publicKeyHex);
    expect(publicKeyToMultibase(pair.publicKey)).toBe('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
    expect(hex(keyPairFromHex(v.key.secretKeyHex.slice(0, 64)).publicKey)).toBe(v.key.publicKeyHex);
  });

  it('refuses a 64-byte key whose halves disagree', () => {
    const bad = v.key.secretKeyHex.slice(0, 64) + '00'.repeat(32);
    expect(() => keyPairFromHex(bad)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('round-trips multibase, JWK and base58', () => {
    const pair = generateEd25519KeyPair();
    expect(multibaseToPublicKey(publicKeyToMultibase(pair.publicKey))).toEqual(pair.publicKey);
    const smb = secretKeyToMultibase(pair.secretKey);
    expect(smb.startsWith('z3u2')).toBe(true);
    expect(multibaseToSecretKey(smb)).toEqual(pair.secretKey);
    expect(jwkToPublicKey(ed25519ToJwk(pair.publicKey))).toEqual(pair.publicKey);
    for (const bytes of [new Uint8Array([0, 0, 1, 2]), new Uint8Array(0), new Uint8Array([255, 0])]) {
      expect(base58Decode(base58Encode(bytes))).toEqual(bytes);
    }
    expect(base58Decode('0OIl')).toBeUndefined();
  });

  it('base58 agrees with a BigInt reference on every length, leading zeros included', () => {
    const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    const reference = (bytes: Uint8Array) => {
      let zeros = 0;
      while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
      let n = bytes.length > zeros ? BigInt(`0x${Buffer.from(bytes.subarray(zeros)).toString('hex')}`) : 0n;
      let digits = '';
      while (n > 0n) {
        digits = ALPHABET[Number(n % 58n)] + digits;
        n /= 58n;
      }
      return '1'.repeat(zeros) + digits;
    };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let length = 0; length <= 100; length++) {
      for (let round = 0; round < 20; round++) {
        const bytes = new Uint8Array(length).map(() => next() % 256);
        for (let z = 0; z < Math.min(length, round % 4); z++) bytes[z] = 0;
        const text = base58Encode(bytes);
        expect(text).toBe(reference(bytes));
        expect(base58Decode(text)).toEqual(bytes);
      }
    }
  });

  it('agrees with node:crypto on the JWK of a generated key', () => {
    const pair = generateEd25519KeyPair();
    const jwk = createPublicKey({ key: { ...ed25519ToJwk(pair.publicKey) }, format: 'jwk' }).export({
      format: 'jwk',
    });
    expect(jwk.x).toBe(Buffer.from(pair.publicKey).toString('base64url'));
  });

  it('signs and verifies; a wrong key or altered data fails', () => {
    const a = generateEd25519KeyPair();
    const b = generateEd25519KeyPair();
    const data = new TextEncoder().encode('hello');
    const sig = signEd25519(a.secretKey, data);
    expect(verifyEd25519(a.publicKey, data, sig)).toBe(true);
    expect(verifyEd25519(b.publicKey, data, sig)).toBe(false);
    expect(verifyEd25519(a.publicKey, new TextEncoder().encode('hellO'), sig)).toBe(false);
    expect(verifyEd25519(a.publicKey, data, sig.slice(1))).toBe(false);
  });

  it('refuses malformed multibase keys', () => {
    for (const bad of ['', 'z', 'abc', 'z6Mk', publicKeyToMultibase(new Uint8Array(32)).replace(/.$/, '0')]) {
      expect(() => multibaseToPublicKey(bad)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    }
  });

  it('builds Multikey documents', () => {
    const { publicKey } = keyPairFromHex(v.key.secretKeyHex);
    expect(toMultikeyDocument({ id: v.key.id, controller: v.key.controller, publicKey })).toEqual({
      id: v.key.id,
      type: 'Multikey',
      controller: v.key.controller,
      publicKeyMultibase: v.key.publicKeyMultibase,
    });
  });
});

describe('did:key', () => {
  it('round-trips and resolves', async () => {
    const { publicKey } = keyPairFromHex(v.key.secretKeyHex);
    const did = didKeyFromPublicKey(publicKey);
    expect(did).toBe('did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
    const vm = didKeyVerificationMethod(did);
    expect(vm).toBe(`${did}#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi`);
    expect(didKeyToPublicKey(vm)).toEqual(publicKey);
    const doc = resolveDidKey(did);
    expect(doc.assertionMethod).toEqual([vm]);
    const key = await resolveVerificationMethod(vm);
    expect(key).toEqual({ id: vm, controller: did, type: 'Multikey', publicKey, curve: 'Ed25519' });
  });

  it('rejects other key types and methods', async () => {
    expect(() => resolveDidKey('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme')).toThrow(
      expect.objectContaining({ code: 'DID_UNSUPPORTED' }),
    );
    const err = await resolveVerificationMethod('did:example:123#k').catch((e) => e);
    expect(isOpenBadgesError(err, 'DID_UNSUPPORTED')).toBe(true);
  });
});

describe('did:web', () => {
  it('maps URLs to DIDs and back', () => {
    expect(didWebFromUrl('https://example.com:3000', ['orgs', 'acme'])).toBe(
      'did:web:example.com%3A3000:orgs:acme',
    );
    expect(didWebFromUrl('https://example.com/')).toBe('did:web:example.com');
    expect(didWebToUrl('did:web:example.com')).toBe('https://example.com/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com%3A3000:orgs:acme')).toBe(
      'https://example.com:3000/orgs/acme/did.json',
    );
    expect(didWebToUrl('did:web:localhost%3A8080:orgs:a')).toBe('http://localhost:8080/orgs/a/did.json');
    expect(didWebToUrl('did:web:127.0.0.1%3A8080')).toBe('http://127.0.0.1:8080/.well-known/did.json');
  });

  it('refuses malformed identifiers', () => {
    for (const bad of [
      'did:web:',
      'did:web:a::b',
      'did:web:ex%2Fample.com',
      'did:web:example.com:%2E%2E',
      'did:key:z6Mk',
    ]) {
      expect(() => didWebToUrl(bad), bad).toThrow(expect.objectContaining({ code: 'DID_UNSUPPORTED' }));
    }
    expect(() => didWebFromUrl('https://example.com', ['a/b'])).toThrow();
  });

  it('builds a document and resolves its keys through an injected fetch', async () => {
    const did = didWebFromUrl('https://badges.example.org', ['orgs', 'acme']);
    const k1 = generateEd25519KeyPair();
    const k2 = generateEd25519KeyPair();
    const doc = buildDidWebDocument({
      did,
      keys: [
        { id: '#key-1', publicKey: k1.publicKey },
        { id: `${did}#key-2`, publicKey: k2.publicKey },
      ],
    });
    expect(doc.assertionMethod).toEqual([`${did}#key-1`, `${did}#key-2`]);
    const fetched: string[] = [];
    const fetchJson = async (url: string) => {
      fetched.push(url);
      return JSON.parse(JSON.stringify(doc));
    };
    expect((await resolveDidWeb(did, fetchJson)).id).toBe(did);
    const key = await resolveVerificationMethod(`${did}#key-2`, { fetchJson, purpose: 'assertionMethod' });
    expect(key.publicKey).toEqual(k2.publicKey);
    expect(key.controller).toBe(did);
    expect(fetched[0]).toBe('https://badges.example.org/orgs/acme/did.json');
    const missing = await resolveVerificationMethod(`${did}#key-3`, { fetchJson }).catch((e) => e);
    expect(isOpenBadgesError(missing, 'KEY_NOT_FOUND')).toBe(true);
    const wrongDoc = await resolveDidWeb('did:web:other.example', fetchJson).catch((e) => e);
    expect(isOpenBadgesError(wrongDoc, 'KEY_NOT_FOUND')).toBe(true);
  });

  it('propagates fetch failures', async () => {
    const { OpenBadgesError } = await import('../../src/errors.ts');
    const err = await resolveVerificationMethod('did:web:down.example#k', {
      fetchJson: async () => {
        throw new OpenBadgesError('FETCH_FAILED', 'down');
      },
    }).catch((e) => e);
    expect(isOpenBadgesError(err, 'FETCH_FAILED')).toBe(true);
  });
});

describe('resolveVerificationMethod over https', () => {
  it('accepts a key document at the URL itself and JWK keys', async () => {
    const pair = generateEd25519KeyPair();
    const url = 'https://issuer.example/keys/1';
    const key = await resolveVerificationMethod(url, {
      fetchJson: async () => ({
        id: url,
        type: 'JsonWebKey2020',
        controller: 'https://issuer.example/',
        publicKeyJwk: ed25519ToJwk(pair.publicKey),
      }),
    });
    expect(key).toEqual({
      id: url,
      controller: 'https://issuer.example/',
      type: 'JsonWebKey2020',
      publicKey: pair.publicKey,
      curve: 'Ed25519',
    });
  });

  it('reports an unsupported key type as KEY_INVALID and a missing fetch as KEY_NOT_FOUND', async () => {
    const url = 'https://issuer.example/keys/2';
    const err = await resolveVerificationMethod(url, {
      fetchJson: async () => ({
        id: url,
        type: 'RsaVerificationKey2018',
        controller: 'https://issuer.example/',
      }),
    }).catch((e) => e);
    expect(isOpenBadgesError(err, 'KEY_INVALID')).toBe(true);
    const noFetch = await resolveVerificationMethod(url).catch((e) => e);
    expect(isOpenBadgesError(noFetch, 'KEY_NOT_FOUND')).toBe(true);
  });
});
