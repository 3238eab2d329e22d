// Test-only: checks an issued credential the way outside verifiers would — the library's
// verifiers, Digital Bazaar's @digitalbazaar/vc, and the official 1EdTech JSON schema — with
// the org's did:web document and status list read from the running app (app.inject).
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as dbVc from '@digitalbazaar/vc';
import { defaultDocumentLoader } from '@laurel/openbadges/contexts';
import { multibaseToPublicKey, verifyDataIntegrity, verifyVcJwt } from '@laurel/openbadges/proof';
import { decodeBitstring, getBit } from '@laurel/openbadges/status';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { specJson } from '../../packages/openbadges/test/proof/spec-files.ts';
import type { Db } from '../db/index.ts';

const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2019) => void;
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
export const validateOb3 = ajv.compile(specJson('ob3/ob_v3p0_achievementcredential_schema.json'));

/** GETs a URL of this server in-process (baseUrl stripped) and parses the JSON. */
export async function fetchOwn(app: FastifyInstance, baseUrl: string, url: string): Promise<any> {
  if (!url.startsWith(baseUrl)) throw new Error(`not on this server: ${url}`);
  const res = await app.inject({ url: url.slice(baseUrl.length) || '/' });
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  return res.json();
}

/** did:web:localhost%3A3000:orgs:x → http://localhost:3000/orgs/x/did.json (did:web §3.2). */
export function didUrl(did: string): string {
  const [host, ...path] = did.split('#')[0]!.slice('did:web:'.length).split(':');
  return `http://${decodeURIComponent(host!)}/${path.map(decodeURIComponent).join('/')}/did.json`;
}

export async function resolveDid(app: FastifyInstance, baseUrl: string, vm: string) {
  const doc = await fetchOwn(app, baseUrl, didUrl(vm));
  const method = (doc.verificationMethod as any[]).find((m) => m.id === vm || `${doc.id}${m.id}` === vm);
  if (!method) throw new Error(`no verification method ${vm}`);
  return { doc, method };
}

/** The status bit of a credential, read from the served, re-verified status list. */
export async function servedStatusBit(
  app: FastifyInstance,
  baseUrl: string,
  credential: any,
): Promise<boolean> {
  const entry = credential.credentialStatus;
  const list = await fetchOwn(app, baseUrl, entry.statusListCredential);
  const check = await verifyDataIntegrity(list, {
    resolveKey: async (vm) => {
      const { method } = await resolveDid(app, baseUrl, vm);
      return { publicKey: multibaseToPublicKey(method.publicKeyMultibase), controller: method.controller };
    },
  });
  if (!check.verified) throw new Error(`status list proof invalid: ${check.error?.message}`);
  return getBit(decodeBitstring(list.credentialSubject.encodedList), Number(entry.statusListIndex));
}

export interface CredentialChecks {
  library: boolean;
  jwt: boolean;
  digitalBazaar: boolean;
  schemaErrors: unknown[];
}

/** Verifies both stored texts of an award with three independent checkers. */
export async function checkAwardCredential(
  app: FastifyInstance,
  baseUrl: string,
  credentialJson: string,
  credentialJwt: string,
): Promise<CredentialChecks> {
  const credential = JSON.parse(credentialJson);
  const resolveKey = async (vm: string) => {
    const { method } = await resolveDid(app, baseUrl, vm);
    return { publicKey: multibaseToPublicKey(method.publicKeyMultibase), controller: method.controller };
  };
  const lib = await verifyDataIntegrity(credential, { resolveKey });
  let jwt = false;
  try {
    const r = await verifyVcJwt(credentialJwt, {
      resolveKey: async (kid) => {
        const { method } = await resolveDid(app, baseUrl, kid);
        return {
          kty: 'OKP',
          crv: 'Ed25519',
          x: Buffer.from(multibaseToPublicKey(method.publicKeyMultibase)).toString('base64url'),
        };
      },
    });
    jwt = (r.credential as any).id === credential.id;
  } catch {
    jwt = false;
  }
  const documentLoader = async (url: string) => {
    if (url.startsWith('did:web:')) {
      const { doc, method } = await resolveDid(app, baseUrl, url.includes('#') ? url : `${url}#none`).catch(
        async () => ({
          doc: await fetchOwn(app, baseUrl, didUrl(url)),
          method: null,
        }),
      );
      const document = url.includes('#')
        ? { '@context': 'https://w3id.org/security/multikey/v1', ...method, id: url }
        : doc;
      return { contextUrl: null, documentUrl: url, document };
    }
    return defaultDocumentLoader(url);
  };
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const db = await (dbVc as any).verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: async ({ credential: c }: { credential: any }) => ({
      verified: !(await servedStatusBit(app, baseUrl, c)),
    }),
  });
  validateOb3(credential);
  return {
    library: lib.verified,
    jwt,
    digitalBazaar: db.verified === true,
    schemaErrors: validateOb3.errors ?? [],
  };
}

/** Asserts that all three checkers accept both stored texts of an award. */
export async function expectValidCredential(
  app: FastifyInstance,
  baseUrl: string,
  award: { credentialJson: string; credentialJwt: string },
): Promise<void> {
  expect(await checkAwardCredential(app, baseUrl, award.credentialJson, award.credentialJwt)).toEqual({
    library: true,
    jwt: true,
    digitalBazaar: true,
    schemaErrors: [],
  });
}

/** Every award of the org has exactly one award email, and nothing else went to the outbox twice. */
export async function emailsPerAward(db: Db, orgId: string) {
  const { rows } = await sql<{ awards: number; emails: number; maxPerAward: number }>`
    SELECT count(*)::int AS awards, coalesce(sum(n), 0)::int AS emails, coalesce(max(n), 0)::int AS max_per_award
    FROM (SELECT a.id, (SELECT count(*) FROM emails e WHERE e.dedupe_key = 'award:' || a.id) AS n
          FROM awards a WHERE a.org_id = ${orgId}) x`.execute(db);
  return rows[0]!;
}

export function csvOf(n: number, offset = 0): Buffer {
  const lines = ['Recipient Name;E-mail;narrative'];
  for (let i = offset; i < offset + n; i++)
    lines.push(`Person ${i};person${i}@example.org;"Did task ${i}; well"`);
  return Buffer.from(lines.join('\r\n'));
}
