// OB 3.0 verification of Data Integrity credentials: tampering, keys, dates, recipients, schema and endorsements.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEndorsementCredential } from '../../src/ob3/index.ts';
import {
  newIssuer,
  RECIPIENT_EMAIL,
  signDi,
  signJwt,
  type TestIssuer,
  unsignedCredential,
} from './fixtures.ts';
import { JSONLD_SENTENCE, mutate, run, stepOf, TAMPER_PATHS, TAMPERED_SENTENCE } from './ob3-support.ts';

let issuer: TestIssuer;
let other: TestIssuer;
let di: Record<string, any>;
let _jwt: string;

beforeAll(async () => {
  issuer = newIssuer();
  other = newIssuer();
  di = await signDi(unsignedCredential(issuer), issuer);
  _jwt = await signJwt(unsignedCredential(issuer), issuer);
});

describe('verify: OB 3.0 Data Integrity', () => {
  it('tampers with every field of the credential', () => {
    expect(TAMPER_PATHS).toEqual(
      expect.arrayContaining(['type.1', 'issuer.name', 'credentialSubject.achievement.criteria.narrative']),
    );
    expect(TAMPER_PATHS.length).toBeGreaterThan(20);
  });

  it('accepts the signed credential with every step passing', async () => {
    const r = await run(di);
    expect(r.verdict).toBe('valid');
    expect(r.status).toBe('valid');
    expect(r.format).toBe('ob3-json');
    expect(r.issuer).toEqual({ id: issuer.did, name: 'Example Society', url: 'https://society.example' });
    expect(r.achievement?.name).toBe('Teamwork');
    expect(r.summary).toBe(
      '“Teamwork” is authentic and current, issued by Example Society (' + issuer.did + ').',
    );
    expect(r.steps.map((s) => [s.id, s.result])).toEqual([
      ['format', 'pass'],
      ['parse', 'pass'],
      ['schema', 'pass'],
      ['proof', 'pass'],
      ['key', 'pass'],
      ['issuer', 'pass'],
      ['dates', 'pass'],
      ['status', 'pass'],
      ['recipient', 'skipped'],
      ['endorsements', 'skipped'],
    ]);
    expect(await run(JSON.stringify(di))).toMatchObject({ verdict: 'valid', container: 'json' });
    expect(await run(new TextEncoder().encode(JSON.stringify(di)))).toMatchObject({ verdict: 'valid' });
  });

  for (const path of TAMPER_PATHS) {
    it(`detects a changed ${path}`, async () => {
      const r = await run(mutate(di, path));
      expect(r.verdict).toBe('invalid');
      const proof = stepOf(r, 'proof')!;
      expect(proof.result).toBe('fail');
      if (/(^|\.)type(\.\d+)?$/.test(path)) {
        // A changed type is a term no context defines: canonicalization refuses it before the
        // signature (and the schema step fails first, so it gives the summary).
        expect(proof).toMatchObject({ code: 'JSONLD_INVALID', message: JSONLD_SENTENCE });
      } else {
        expect(proof).toMatchObject({ code: 'PROOF_INVALID', message: TAMPERED_SENTENCE });
        expect(r.summary).toBe('The badge was changed after it was issued: its signature no longer matches.');
      }
    });
  }

  it('detects an added field and a removed field', async () => {
    const added = { ...structuredClone(di), description: 'Now with a description.' };
    expect(stepOf(await run(added), 'proof')?.code).toBe('PROOF_INVALID');
    const removed = structuredClone(di);
    delete removed.evidence;
    expect(stepOf(await run(removed), 'proof')?.code).toBe('PROOF_INVALID');
  });

  it('rejects a proof taken from another credential', async () => {
    const another = await signDi(unsignedCredential(issuer, { id: 'urn:uuid:other' }), issuer);
    const r = await run({ ...structuredClone(di), proof: another.proof });
    expect(stepOf(r, 'proof')).toMatchObject({
      result: 'fail',
      code: 'PROOF_INVALID',
      message: TAMPERED_SENTENCE,
    });
    expect(stepOf(r, 'key')).toMatchObject({ result: 'skipped' });
  });

  it('rejects a verification method swapped for another did:key', async () => {
    const r = await run({ ...structuredClone(di), proof: { ...di.proof, verificationMethod: other.vm } });
    expect(stepOf(r, 'proof')).toMatchObject({
      result: 'fail',
      code: 'PROOF_INVALID',
      message: TAMPERED_SENTENCE,
    });
  });

  it('rejects a credential signed by a key that is not the issuer’s', async () => {
    const forged = await signDi(unsignedCredential(issuer), other);
    const r = await run(forged);
    expect(r.verdict).toBe('invalid');
    expect(stepOf(r, 'proof')?.result).toBe('pass');
    expect(stepOf(r, 'key')).toMatchObject({ result: 'fail', code: 'KEY_CONTROLLER_MISMATCH' });
    expect(stepOf(r, 'key')?.message).toContain('does not belong to its issuer');
    expect(r.summary).toBe('The badge was signed with a key that does not belong to its issuer.');
  });

  it('reports a missing proof', async () => {
    const r = await run(unsignedCredential(issuer));
    expect(stepOf(r, 'proof')).toMatchObject({ result: 'fail', code: 'PROOF_MISSING' });
    expect(r.verdict).toBe('invalid');
  });

  it('reports expired and not-yet-valid credentials', async () => {
    const expired = await run(di, { now: () => new Date('2031-01-01T00:00:00Z') });
    expect(expired).toMatchObject({
      verdict: 'invalid',
      status: 'expired',
      summary: 'The badge expired on 2030-01-01T00:00:00Z.',
    });
    expect(stepOf(expired, 'dates')).toMatchObject({
      result: 'fail',
      code: 'EXPIRED',
      message: 'The credential expired on 2030-01-01T00:00:00Z.',
    });
    const early = await run(di, { now: () => new Date('2024-01-01T00:00:00Z') });
    expect(early).toMatchObject({ verdict: 'invalid', status: 'not-yet-valid' });
    expect(stepOf(early, 'dates')).toMatchObject({
      result: 'fail',
      code: 'NOT_YET_VALID',
      message: 'The credential only becomes valid on 2025-01-01T00:00:00Z.',
    });
  });

  it('checks the recipient email after normalization', async () => {
    const ok = await run(di, { recipient: { email: '  earner@EXAMPLE.org ' } });
    expect(stepOf(ok, 'recipient')?.result).toBe('pass');
    expect(ok.verdict).toBe('valid');
    expect(ok.recipient?.matched).toBe(true);
    const wrong = await run(di, { recipient: { email: 'someone.else@example.org' } });
    expect(stepOf(wrong, 'recipient')).toMatchObject({
      result: 'fail',
      code: 'RECIPIENT_MISMATCH',
      message: 'The credential was not issued to the recipient you named.',
    });
    expect(wrong.verdict).toBe('invalid');
    expect(JSON.stringify(ok)).not.toContain(RECIPIENT_EMAIL);
  });

  it('reports structural problems at the schema step', async () => {
    const broken = await signDi({ ...unsignedCredential(issuer), validFrom: 'last tuesday' }, issuer);
    const r = await run(broken);
    expect(stepOf(r, 'schema')).toMatchObject({ result: 'fail', code: 'SHAPE_INVALID' });
    expect(stepOf(r, 'schema')?.detail).toContain('/validFrom');
  });

  it('warns about untrusted issuers and checks endorsements', async () => {
    /** An unsigned endorsement by `other` of `subjectId`. */
    const endorse = (name: string, subjectId: string) =>
      buildEndorsementCredential({
        issuer: { id: other.did, name: 'Endorser' },
        validFrom: '2025-01-01T00:00:00Z',
        name,
        subjectId,
      });
    const endorsement = await signDi(
      endorse('Endorsement', 'https://society.example/achievements/teamwork'),
      other,
    );
    const cred = await signDi({ ...unsignedCredential(issuer), endorsement: [endorsement] }, issuer);
    const r = await run(cred, { trustedIssuers: ['did:key:somebody-else'] });
    expect(stepOf(r, 'issuer')?.result).toBe('warn');
    expect(stepOf(r, 'endorsements')?.result).toBe('pass');
    expect(r.verdict).toBe('valid');
    const endorsementJwt = await signJwt(endorse('JWT endorsement', issuer.did), other);
    // endorsementJwt has no term in the OB 3.0.3 context: a Data Integrity credential carries it only
    // with a context that defines it (safe-mode canonicalization refuses undefined terms).
    const unsigned = unsignedCredential(issuer);
    const jwtTerm = {
      endorsementJwt: {
        '@id': 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt',
        '@container': '@set',
      },
    };
    const diCarrying = (jwts: string[]) =>
      signDi({ ...unsigned, '@context': [...unsigned['@context'], jwtTerm], endorsementJwt: jwts }, issuer);
    const diReport = await run(await diCarrying([endorsementJwt]));
    expect(diReport.verdict).toBe('valid');
    expect(stepOf(diReport, 'endorsements')?.message).toBe(
      'All 1 endorsement carry valid signatures from their endorsers.',
    );
    const withJwt = await signJwt({ ...unsigned, endorsementJwt: [endorsementJwt] }, issuer);
    expect(stepOf(await run(withJwt), 'endorsements')?.message).toBe(
      'All 1 endorsement carry valid signatures from their endorsers.',
    );
    // Signed by the badge's issuer in the endorser's name.
    const forgedJwt = await signJwt(endorse('Forged', issuer.did), issuer);
    const withForged = await signJwt({ ...unsigned, endorsementJwt: [forgedJwt] }, issuer);
    expect(stepOf(await run(withForged), 'endorsements')?.result).toBe('warn');
    expect(stepOf(await run(await diCarrying([forgedJwt])), 'endorsements')?.result).toBe('warn');
    // A well-signed endorsement of something else says nothing about this badge.
    const elsewhere = await signDi(
      endorse('Of another badge', 'https://elsewhere.example/achievements/1'),
      other,
    );
    const copied = await signDi({ ...unsigned, endorsement: [elsewhere] }, issuer);
    expect(stepOf(await run(copied), 'endorsements')).toMatchObject({
      result: 'warn',
      message: '1 of 1 endorsements could not be verified; they say nothing about the badge itself.',
    });
    const lapsed = await signDi(
      {
        ...endorse('Lapsed', 'https://society.example/achievements/teamwork'),
        validUntil: '2026-01-01T00:00:00Z',
      },
      other,
    );
    const withLapsed = await signDi({ ...unsigned, endorsement: [endorsement, lapsed] }, issuer);
    expect(stepOf(await run(withLapsed), 'endorsements')?.message).toBe(
      '1 of 2 endorsements could not be verified; they say nothing about the badge itself.',
    );
    const badEndorsement = { ...endorsement, name: 'Changed' };
    const cred2 = await signDi({ ...unsigned, endorsement: [badEndorsement] }, issuer);
    expect(stepOf(await run(cred2), 'endorsements')?.result).toBe('warn');
  });

  it('is indeterminate when the issuer’s key host is unreachable', async () => {
    const webIssuer = { ...issuer, did: 'did:web:issuer.example', vm: 'did:web:issuer.example#key-1' };
    const cred = await signDi(unsignedCredential(webIssuer), webIssuer);
    const r = await run(cred);
    expect(r.verdict).toBe('indeterminate');
    expect(stepOf(r, 'proof')?.result).toBe('skipped');
    expect(stepOf(r, 'key')).toMatchObject({ result: 'fail', code: 'FETCH_FAILED' });
    expect(stepOf(r, 'key')?.message).toBe(
      'The issuer’s signing key could not be fetched, so the signature cannot be checked now.',
    );
  });
});
