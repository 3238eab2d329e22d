/**
 * Proof throughput: our eddsa-rdfc-2022 issue/verify against @digitalbazaar/vc with the
 * eddsa-rdfc-2022 cryptosuite on the same 200 varied OB 3.0 credentials (same key, same created,
 * so the same proofValue bytes, which is checked before timing), VC-JWT with jose, and raw
 * node:crypto Ed25519 as the floor. Each figure is the median of several rounds after a warm-up.
 */
import { generateKeyPairSync } from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { defaultDocumentLoader } from '../src/contexts/index.ts';
import {
  canonizeDocument,
  canonizeWithJsonLd,
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  publicKeyToMultibase,
  resolveVerificationMethod,
  secretKeyToMultibase,
  signDataIntegrity,
  signEd25519,
  signVcJwt,
  verifyDataIntegrity,
  verifyEd25519,
  verifyVcJwt,
} from '../src/proof/index.ts';
import { makeCredential } from '../test/proof/credentials.ts';
import type { BenchRow } from './bench-row.ts';

export type { BenchRow } from './bench-row.ts';

const CREDENTIALS = 200;
const ROUNDS = 5;
const CREATED = '2025-01-01T00:00:00Z';

/** Ops/s of `run` over `items`: one warm-up pass, then the median of `rounds` timed passes. */
async function throughput<T>(items: T[], run: (item: T) => unknown, rounds = ROUNDS): Promise<number> {
  for (const item of items) await run(item);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (const item of items) await run(item);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(items.length / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

export async function benchProofs(): Promise<BenchRow[]> {
  const pair = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(pair.publicKey);
  const vm = didKeyVerificationMethod(did);
  const credentials = Array.from({ length: CREDENTIALS }, (_, i) => makeCredential(1000 + i, did));
  const documentLoader = defaultDocumentLoader;

  const multikey = await Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: vm,
    controller: did,
    publicKeyMultibase: publicKeyToMultibase(pair.publicKey),
    secretKeyMultibase: secretKeyToMultibase(pair.secretKey),
  });
  const signSuite = new DataIntegrityProof({ signer: multikey.signer(), cryptosuite, date: CREATED });
  const verifySuite = new DataIntegrityProof({ cryptosuite });
  const signOpts = { secretKey: pair.secretKey, verificationMethod: vm, created: CREATED };
  const resolveKey = (id: string) => resolveVerificationMethod(id);

  // Same bytes first: a faster path that signed something else would be worthless.
  const ours = await Promise.all(credentials.map((c) => signDataIntegrity(c, signOpts)));
  for (let i = 0; i < credentials.length; i++) {
    const theirs = await vc.issue({
      credential: structuredClone(credentials[i]),
      suite: signSuite,
      documentLoader,
    });
    if (theirs.proof.proofValue !== ours[i].proof.proofValue) {
      throw new Error(`proofValue differs from @digitalbazaar/vc on credential ${i}`);
    }
  }

  const rows: BenchRow[] = [];
  const reference = '@digitalbazaar/vc 7 + eddsa-rdfc-2022-cryptosuite';
  // vc.issue adds the proof to the object it is given, so it gets fresh copies made outside the timing.
  const copies = () => credentials.map((c) => structuredClone(c));
  let pool = copies();
  const issueBaseline = await throughput(
    credentials.map((_, i) => i),
    async (i) => {
      if (i === 0) pool = copies();
      await vc.issue({ credential: pool[i], suite: signSuite, documentLoader });
    },
  );
  rows.push({
    name: 'Data Integrity issue (eddsa-rdfc-2022)',
    ours: await throughput(credentials, (c) => signDataIntegrity(c, signOpts)),
    baseline: issueBaseline,
    baselineName: reference,
    note: `${CREDENTIALS} varied OB 3.0 credentials, identical proofValues`,
  });
  rows.push({
    name: 'Data Integrity verify (eddsa-rdfc-2022)',
    ours: await throughput(ours, async (c) => {
      const r = await verifyDataIntegrity(c, { resolveKey });
      if (!r.verified) throw new Error('verification failed');
    }),
    baseline: await throughput(ours, async (c) => {
      const r = await vc.verifyCredential({
        credential: c,
        suite: verifySuite,
        documentLoader,
        checkStatus: async () => ({ verified: true }),
        now: new Date(c.validFrom),
      });
      if (!r.verified) throw new Error('reference verification failed');
    }),
    baselineName: reference,
    note: 'did:key issuer; reference verifier also checks dates (status stubbed)',
  });
  rows.push({
    name: 'canonize document: fast path vs jsonld.js',
    ours: await throughput(credentials, (c) => canonizeDocument(c)),
    baseline: await throughput(credentials, (c) => canonizeWithJsonLd(c)),
    baselineName: 'jsonld.toRDF + rdf-canonize',
    note: 'same N-Quads; where the issue/verify time goes',
  });

  const jwtCredential = credentials[0];
  const edJwt = await signVcJwt(jwtCredential, { alg: 'EdDSA', privateKey: pair.secretKey, kid: vm });
  const few = Array.from({ length: 500 }, (_, i) => i);
  rows.push({
    name: 'VC-JWT EdDSA sign',
    ours: await throughput(few, () =>
      signVcJwt(jwtCredential, { alg: 'EdDSA', privateKey: pair.secretKey, kid: vm }),
    ),
    note: 'jose',
  });
  rows.push({
    name: 'VC-JWT EdDSA verify',
    ours: await throughput(few, () => verifyVcJwt(edJwt)),
    note: 'jose, did:key kid',
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsJwt = await signVcJwt(jwtCredential, {
    alg: 'RS256',
    privateKey: rsa.privateKey,
    kid: 'https://issuer.example/k',
  });
  const rsaKey = async () => rsa.publicKey;
  const fewer = few.slice(0, 100);
  rows.push({
    name: 'VC-JWT RS256 sign',
    ours: await throughput(fewer, () =>
      signVcJwt(jwtCredential, { alg: 'RS256', privateKey: rsa.privateKey }),
    ),
    note: 'RSA 2048',
  });
  rows.push({
    name: 'VC-JWT RS256 verify',
    ours: await throughput(few, () => verifyVcJwt(rsJwt, { resolveKey: rsaKey })),
    note: 'RSA 2048',
  });

  const message = new Uint8Array(64).fill(7);
  const signature = signEd25519(pair.secretKey, message);
  const many = Array.from({ length: 2000 }, (_, i) => i);
  rows.push({
    name: 'raw Ed25519 sign (node:crypto)',
    ours: await throughput(many, () => signEd25519(pair.secretKey, message)),
    note: 'floor: 64-byte message',
  });
  rows.push({
    name: 'raw Ed25519 verify (node:crypto)',
    ours: await throughput(many, () => verifyEd25519(pair.publicKey, message, signature)),
    note: 'floor',
  });
  return rows;
}

function table(rows: BenchRow[]): string {
  const f = (n?: number) =>
    n === undefined ? '' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  const head = ['benchmark', 'ours ops/s', 'baseline ops/s', 'ratio', 'note'];
  const body = rows.map((r) => [
    r.name,
    f(r.ours),
    f(r.baseline),
    r.baseline ? `${(r.ours / r.baseline).toFixed(1)}x` : '',
    r.note ?? '',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(w[i])).join(' | ')} |`;
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(table(await benchProofs()));
}
