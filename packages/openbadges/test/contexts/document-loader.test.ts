import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  bundledContexts,
  createDocumentLoader,
  defaultDocumentLoader,
  OB2_CONTEXT,
  OB3_CONTEXT,
  OB3_EXTENSIONS_CONTEXT,
  VC_V2_CONTEXT,
} from '../../src/contexts/index.ts';
import { isOpenBadgesError } from '../../src/errors.ts';
import { specJson as spec } from '../proof/spec-files.ts';

describe('bundled contexts', () => {
  it('serves the published OB 3.0.3 context exactly', async () => {
    const { document } = await defaultDocumentLoader(OB3_CONTEXT);
    expect(isDeepStrictEqual(document, spec('ob3/context-3.0.3.json'))).toBe(true);
  });

  it('serves the OB 2.0 context from the spec copy', async () => {
    const { document } = await defaultDocumentLoader(OB2_CONTEXT);
    expect(isDeepStrictEqual(document, spec('ob2/context-v2.json'))).toBe(true);
  });

  it('holds VC 2.0/1.1, Data Integrity, Multikey, DID, status list and every OB 3.0.x URL', () => {
    for (const url of [
      VC_V2_CONTEXT,
      'https://www.w3.org/2018/credentials/v1',
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://www.w3.org/ns/did/v1',
      'https://www.w3.org/ns/credentials/status/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
      OB3_CONTEXT,
      OB3_EXTENSIONS_CONTEXT,
    ]) {
      expect(bundledContexts.has(url), url).toBe(true);
    }
  });

  it('answers in the jsonld.js remote document shape', async () => {
    const res = await defaultDocumentLoader(VC_V2_CONTEXT);
    expect(res.contextUrl).toBeNull();
    expect(res.documentUrl).toBe(VC_V2_CONTEXT);
    expect(Object.isFrozen(res.document)).toBe(true);
  });
});

describe('createDocumentLoader', () => {
  it('refuses unknown URLs by default', async () => {
    const err = await defaultDocumentLoader('https://evil.example/context.json').catch((e) => e);
    expect(isOpenBadgesError(err, 'CONTEXT_NOT_ALLOWED')).toBe(true);
  });

  it('fetches allowed URLs through the given fetch, once', async () => {
    let calls = 0;
    const loader = createDocumentLoader({
      allowRemote: (url) => url.startsWith('https://ok.example/'),
      fetch: async () => {
        calls++;
        return { '@context': { x: 'https://ok.example/x' } };
      },
    });
    const a = await loader('https://ok.example/c.json');
    await loader('https://ok.example/c.json');
    expect(a.document).toEqual({ '@context': { x: 'https://ok.example/x' } });
    expect(calls).toBe(1);
    const err = await loader('https://other.example/c.json').catch((e) => e);
    expect(isOpenBadgesError(err, 'CONTEXT_NOT_ALLOWED')).toBe(true);
  });

  it('serves extra documents before the bundle', async () => {
    const loader = createDocumentLoader({ extra: { 'https://org.example/ctx': { '@context': {} } } });
    expect((await loader('https://org.example/ctx')).document).toEqual({ '@context': {} });
  });

  it('resolves did:key documents and verification methods', async () => {
    const did = 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
    const doc = (await defaultDocumentLoader(did)).document as any;
    expect(doc.id).toBe(did);
    const vm = (await defaultDocumentLoader(`${did}#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi`))
      .document as any;
    expect(vm.type).toBe('Multikey');
    expect(vm.controller).toBe(did);
    expect(vm['@context']).toContain('https://w3id.org/security/multikey/v1');
  });
});
