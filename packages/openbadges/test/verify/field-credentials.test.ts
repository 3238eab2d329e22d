import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import * as dccVc from '@digitalcredentials/vc';
import { Ed25519Signature2020 } from '@digitalcredentials/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalcredentials/ed25519-verification-key-2020';
import { describe, expect, it } from 'vitest';
import { defaultDocumentLoader, STATUS_LIST_2021_CONTEXT, VC_V1_CONTEXT } from '../../src/contexts/index.ts';
import { buildEndorsementCredential } from '../../src/ob3/build.ts';
import {
  buildStatusEntry,
  buildStatusListCredential,
  createBitstring,
  encodeBitstring,
  setBit,
} from '../../src/status/index.ts';
import { type VerificationReport, verify } from '../../src/verify/index.ts';
import { dccStyleCredential } from '../suites/fixtures.ts';
import { mapFetch, NOW, newIssuer, signDi } from './fixtures.ts';

// Credentials as other issuers write them (issue 8, items 6–10): the verifier must agree with the field.

const stepOf = (r: VerificationReport, id: string) => r.steps.find((s) => s.id === id);
const offline = mapFetch({});

async function dccIssuer() {
  const key = await Ed25519VerificationKey2020.generate();
  key.controller = `did:key:${key.publicKeyMultibase}`;
  key.id = `${key.controller}#${key.publicKeyMultibase}`;
  const sign = (credential: object) =>
    dccVc.issue({
      credential: structuredClone(credential),
      suite: new Ed25519Signature2020({ key, date: '2024-03-01T00:00:00Z' }),
      documentLoader: defaultDocumentLoader,
    });
  return { did: key.controller, sign };
}

describe('credentials from the Digital Credentials Consortium stack', () => {
  it('verifies an Ed25519Signature2020 OB 3.0 credential (VC 2.0 and VC 1.1)', async () => {
    const dcc = await dccIssuer();
    for (const v1 of [false, true]) {
      const r = await verify(await dcc.sign(dccStyleCredential(dcc.did, { v1 })), {
        fetch: offline,
        now: () => NOW,
      });
      expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
      expect(stepOf(r, 'proof')?.message).toBe(
        'The Data Integrity signature (Ed25519Signature2020) matches the credential.',
      );
    }
  });

  it('verifies an eddsa-rdfc-2022 credential that lists the Ed25519 2020 context (was CONTEXT_NOT_ALLOWED)', async () => {
    const issuer = newIssuer();
    const r = await verify(await signDi(dccStyleCredential(issuer.did), issuer), {
      fetch: offline,
      now: () => NOW,
    });
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
  });

  it('lists every proof of a set and which were checked', async () => {
    const dcc = await dccIssuer();
    const credential = dccStyleCredential(dcc.did);
    const theirs = await dcc.sign(credential);
    const bbs = { type: 'DataIntegrityProof', cryptosuite: 'bbs-2023', proofValue: 'u2V0ChVhQ' };
    const r = await verify({ ...credential, proof: [theirs.proof, bbs] }, { fetch: offline, now: () => NOW });
    expect(r.verdict).toBe('valid');
    expect(stepOf(r, 'proof')).toMatchObject({
      result: 'pass',
      message:
        'The Data Integrity signature (Ed25519Signature2020) matches the credential. The bbs-2023 proof was not checked: this verifier cannot check that suite.',
    });
    expect(stepOf(r, 'proof')?.detail).toContain('bbs-2023: not checked, suite not supported');
  });

  it('checks a StatusList2021 list signed with Ed25519Signature2020 by another issuer, and says whose it is', async () => {
    const dcc = await dccIssuer();
    const listHost = await dccIssuer();
    const url = 'https://status.example/lists/1';
    const bits = createBitstring();
    setBit(bits, 9, true);
    const list = await listHost.sign({
      '@context': [VC_V1_CONTEXT, STATUS_LIST_2021_CONTEXT],
      id: url,
      type: ['VerifiableCredential', 'StatusList2021Credential'],
      issuer: listHost.did,
      issuanceDate: '2024-01-01T00:00:00Z',
      credentialSubject: {
        id: `${url}#list`,
        type: 'StatusList2021',
        statusPurpose: 'revocation',
        encodedList: encodeBitstring(bits).replace(/^u/, ''),
      },
    });
    const withStatus = (index: number) => ({
      ...dccStyleCredential(dcc.did, { v1: true }),
      '@context': [...dccStyleCredential(dcc.did, { v1: true })['@context'], STATUS_LIST_2021_CONTEXT],
      credentialStatus: {
        id: `${url}#${index}`,
        type: 'StatusList2021Entry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: url,
      },
    });
    const fetch = mapFetch({ [url]: list });
    const ok = await verify(await dcc.sign(withStatus(3)), { fetch, now: () => NOW });
    expect(ok.verdict, JSON.stringify(ok.steps)).toBe('valid');
    expect(stepOf(ok, 'status')?.message).toContain(`The status list is issued by ${listHost.did}`);
    const revoked = await verify(await dcc.sign(withStatus(9)), { fetch, now: () => NOW });
    expect(revoked).toMatchObject({ verdict: 'invalid', status: 'revoked' });
  });
});

describe('ecdsa-rdfc-2019 end to end (Digital Bazaar signer, P-256 did:key)', () => {
  it('verifies the credential and its ecdsa-signed status list, and sees a revocation', async () => {
    const signer = await EcdsaMultikey.generate({ curve: 'P-256' });
    const did = `did:key:${signer.publicKeyMultibase}`;
    Object.assign(signer, { id: `${did}#${signer.publicKeyMultibase}`, controller: did });
    const sign = (credential: object) =>
      vc.issue({
        credential: structuredClone(credential),
        suite: new DataIntegrityProof({ signer: signer.signer(), cryptosuite: ecdsaRdfc2019 }),
        documentLoader: defaultDocumentLoader,
      });
    const url = 'https://status.example/lists/ecdsa';
    const bits = createBitstring();
    setBit(bits, 5, true);
    const list = await sign(
      buildStatusListCredential({
        id: url,
        issuer: did,
        statusPurpose: 'revocation',
        encodedList: encodeBitstring(bits),
        validFrom: '2025-01-01T00:00:00Z',
      }),
    );
    const withStatus = (index: number) => ({
      ...dccStyleCredential(did),
      credentialStatus: buildStatusEntry({ listCredential: url, index, purpose: 'revocation' }),
    });
    const fetch = mapFetch({ [url]: list });
    const ok = await verify(await sign(withStatus(2)), { fetch, now: () => NOW });
    expect(ok.verdict, JSON.stringify(ok.steps)).toBe('valid');
    expect(stepOf(ok, 'proof')?.message).toBe(
      'The Data Integrity signature (ecdsa-rdfc-2019) matches the credential.',
    );
    const revoked = await verify(await sign(withStatus(5)), { fetch, now: () => NOW });
    expect(revoked).toMatchObject({ verdict: 'invalid', status: 'revoked' });
  });
});

describe('signatures this verifier cannot check', () => {
  it('are indeterminate, and the summary names the suite, not the structure', async () => {
    const issuer = newIssuer();
    const signed = await signDi(dccStyleCredential(issuer.did), issuer);
    for (const cryptosuite of ['ecdsa-sd-2023', 'bbs-2023']) {
      const proof = { ...signed.proof, cryptosuite, proofValue: 'u2V0AhVhAsomething' };
      const r = await verify({ ...signed, proof }, { fetch: offline, now: () => NOW });
      expect(r.verdict).toBe('indeterminate');
      expect(r.summary).toBe(
        `This verifier cannot check a ${cryptosuite} signature, so whether its issuer made this credential is not known.`,
      );
      // Even when the structure is also wrong, the summary leads with the signature.
      const { validFrom: _v, ...noDate }: Record<string, any> = { ...signed, proof };
      const both = await verify(noDate, { fetch: offline, now: () => NOW });
      expect(both.summary).toMatch(new RegExp(`^This verifier cannot check a ${cryptosuite} signature`));
      expect(both.summary).toContain('It also lacks structure Open Badges 3.0 requires');
    }
  });

  it('a status list signed in such a suite leaves the status unknown (indeterminate)', async () => {
    const issuer = newIssuer();
    const url = 'https://status.example/lists/bbs';
    const list = {
      ...buildStatusListCredential({
        id: url,
        issuer: issuer.did,
        statusPurpose: 'revocation',
        encodedList: encodeBitstring(createBitstring()),
        validFrom: '2025-01-01T00:00:00Z',
      }),
      proof: { type: 'DataIntegrityProof', cryptosuite: 'bbs-2023', proofValue: 'u2V0ChVhQ' },
    };
    const credential = {
      ...dccStyleCredential(issuer.did),
      credentialStatus: buildStatusEntry({ listCredential: url, index: 3, purpose: 'revocation' }),
    };
    const r = await verify(await signDi(credential, issuer), {
      fetch: mapFetch({ [url]: list }),
      now: () => NOW,
    });
    expect(stepOf(r, 'status')).toMatchObject({ result: 'warn', code: 'PROOF_UNSUPPORTED' });
    expect(r.verdict).toBe('indeterminate');
    expect(r.summary).toBe(
      'The badge could not be fully checked: the issuer’s status list is signed in a way this verifier cannot check, so whether the credential was revoked is not known.',
    );
  });

  it('a context that is not bundled is indeterminate and named as such', async () => {
    const issuer = newIssuer();
    const signed = await signDi(dccStyleCredential(issuer.did), issuer);
    const other = { ...signed, '@context': [...signed['@context'], 'https://contexts.example/unknown/v1'] };
    const r = await verify(other, { fetch: offline, now: () => NOW });
    expect(r.verdict).toBe('indeterminate');
    expect(r.summary).toBe(
      'The credential uses a JSON-LD context this verifier does not know, so its signature cannot be checked.',
    );
    const { credentialSubject: _s, ...noSubject }: Record<string, any> = other;
    const both = await verify(noSubject, { fetch: offline, now: () => NOW });
    expect(both.summary).toMatch(/^The credential uses a JSON-LD context this verifier does not know/);
    expect(both.summary).not.toMatch(/^The credential does not have the structure/);
  });
});

describe('JSONLD_INVALID wording', () => {
  const issuer = newIssuer();
  const tampering = /may have been changed after it was signed/;

  it('suspects tampering for a term no context defines', async () => {
    const signed = await signDi(dccStyleCredential(issuer.did), issuer);
    const r = await verify({ ...signed, favouriteColour: 'blue' }, { fetch: offline, now: () => NOW });
    expect(stepOf(r, 'proof')).toMatchObject({ code: 'JSONLD_INVALID' });
    expect(stepOf(r, 'proof')?.message).toMatch(tampering);
    expect(stepOf(r, 'proof')?.message).toContain('“favouriteColour”');
  });

  it('does not for a verificationMethod that is not a URI, nor for a relative @type', async () => {
    const signed = await signDi(dccStyleCredential(issuer.did), issuer);
    const relativeVm = await verify(
      { ...signed, proof: { ...signed.proof, verificationMethod: 'key-1' } },
      { fetch: offline, now: () => NOW },
    );
    expect(stepOf(relativeVm, 'proof')?.code).toBe('JSONLD_INVALID');
    expect(stepOf(relativeVm, 'proof')?.message).not.toMatch(tampering);
    expect(stepOf(relativeVm, 'proof')?.message).toContain('“key-1” must be a URI');
    const unsignedWithRelativeType = dccStyleCredential(issuer.did);
    unsignedWithRelativeType.credentialSubject.type = ['AchievementSubject', 'LocalType'];
    const relativeType = await verify(
      { ...unsignedWithRelativeType, proof: signed.proof },
      {
        fetch: offline,
        now: () => NOW,
      },
    );
    expect(stepOf(relativeType, 'proof')?.message).toBe(
      "The credential is not valid JSON-LD, so its signature cannot be checked: the type “LocalType” is not defined by the document's JSON-LD contexts.",
    );
  });
});

describe('a standalone EndorsementCredential', () => {
  const endorser = newIssuer();
  const endorsement = () =>
    buildEndorsementCredential({
      issuer: { id: endorser.did, name: 'Association of Examiners' },
      validFrom: '2025-01-01T00:00:00Z',
      name: 'Endorsement of the Data Stewardship course',
      subjectId: 'https://university.example/achievements/data-stewardship',
      endorsementComment: 'A rigorous course.',
    });

  it('is checked against the EndorsementCredential rules and verifies', async () => {
    const r = await verify(await signDi(endorsement(), endorser), { fetch: offline, now: () => NOW });
    expect(r.verdict, JSON.stringify(r.steps)).toBe('valid');
    expect(stepOf(r, 'schema')?.message).toBe(
      'The credential has the structure an Open Badges 3.0 EndorsementCredential requires.',
    );
    expect(r.summary).toBe(
      `This endorsement is authentic and current, issued by Association of Examiners (${endorser.did}).`,
    );
  });

  it('fails its own rules when broken (no name, a subject without the id of what it endorses)', async () => {
    const { name: _n, ...broken } = endorsement();
    const { id: _id, ...subject } = broken.credentialSubject;
    broken.credentialSubject = subject as typeof broken.credentialSubject;
    const r = await verify(await signDi(broken, endorser), { fetch: offline, now: () => NOW });
    expect(r.verdict).toBe('invalid');
    expect(stepOf(r, 'schema')).toMatchObject({
      result: 'fail',
      code: 'SHAPE_INVALID',
      message:
        'The credential does not have the structure an Open Badges 3.0 EndorsementCredential requires.',
    });
    expect(stepOf(r, 'schema')?.detail).toContain('/ must have the property name');
    expect(stepOf(r, 'schema')?.detail).toContain('/credentialSubject must have the property id');
    expect(stepOf(r, 'proof')?.result).toBe('pass');
  });
});
