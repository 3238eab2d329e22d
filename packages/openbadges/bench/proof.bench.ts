/**
 * Proof throughput: our eddsa-rdfc-2022 issue/verify against @digitalbazaar/vc with the
 * eddsa-rdfc-2022 cryptosuite on the same 200 varied OB 3.0 credentials (same key, same created,
 * so the same proofValue bytes, which is checked before timing), VC-JWT against jose and both
 * against raw node:crypto Ed25519 (the floor no signature can go below), and verifyMany against
 * verify() one credential at a time. Each pair of figures is measured in interleaved slices, over
 * several rounds reduced to medians, so a busy machine slows both sides alike.
 */
import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
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
  prepareVcJwtSigner,
  privateKeyObject,
  publicKeyObject,
  signDataIntegrity,
  signEd25519,
  signVcJwt,
  vcJwtClaims,
  verifyDataIntegrity,
  verifyEd25519,
  verifyVcJwt,
} from '../src/proof/index.ts';
import { makeCredential } from '../test/proof/credentials.ts';
import type { BenchRow } from './bench-row.ts';
import { benchVerifyMany } from './verify-many.bench.ts';

export type { BenchRow } from './bench-row.ts';

const CREDENTIALS = 200;
// Rounds per pair: the machine is shared, so a median of several interleaved rounds.
const ROUNDS = 7;
// VC-JWT passes are short (a tenth of a second), so more of them.
const JWT_ROUNDS = 15;
const CREATED = '2025-01-01T00:00:00Z';

/** One timed pass over `items`, in ops/s (wall time, as a caller waits for it). */
async function pass<T>(items: T[], run: (item: T) => unknown): Promise<number> {
  return items.length / (await seconds(items, run));
}

async function seconds<T>(items: T[], run: (item: T) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (const item of items) await run(item);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Wall and CPU seconds (this process's threads, the thread pool included) of one pass. */
async function timings<T>(items: T[], run: (item: T) => unknown): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const wall = await seconds(items, run);
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1e6];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Side<T> = { items: T[]; run: (item: T) => unknown };

// Each round interleaves the two sides in this many slices (a few milliseconds each), so a change
// in the machine's load during the round falls on both sides alike.
const SLICES = 20;

function sliced<T>(items: T[]): T[][] {
  const size = Math.ceil(items.length / SLICES);
  return Array.from({ length: SLICES }, (_, k) => items.slice(k * size, (k + 1) * size));
}

/**
 * Ops/s of each side: a warm-up pass each, then `rounds` rounds in which the two run slice by
 * slice, alternating which goes first, reduced to medians. Also the ratio of the two sides' CPU
 * time per operation, which a loaded machine disturbs less than wall time (a process that waits
 * on the thread pool, as WebCrypto does, gets the core back sooner than one that computes).
 */
async function paired<A, B>(
  a: Side<A>,
  b: Side<B>,
  rounds = ROUNDS,
): Promise<[number, number, cpuRatio: number]> {
  await pass(a.items, a.run);
  await pass(b.items, b.run);
  const [sa, sb] = [sliced(a.items), sliced(b.items)];
  const ra: number[] = [];
  const rb: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ta = [0, 0];
    const tb = [0, 0];
    const add = (t: number[], [wall, used]: [number, number]) => {
      t[0] += wall;
      t[1] += used;
    };
    for (let k = 0; k < SLICES; k++) {
      if ((r + k) % 2 === 0) {
        add(ta, await timings(sa[k]!, a.run));
        add(tb, await timings(sb[k]!, b.run));
      } else {
        add(tb, await timings(sb[k]!, b.run));
        add(ta, await timings(sa[k]!, a.run));
      }
    }
    ra.push(a.items.length / ta[0]!);
    rb.push(b.items.length / tb[0]!);
    cpu.push(b.items.length / tb[1]! / (a.items.length / ta[1]!));
  }
  return [median(ra), median(rb), 1 / median(cpu)];
}

const cpuNote = (ratio: number) => `; CPU time: ${ratio.toFixed(2)}x`;

/** Ops/s of one side alone (rows with no baseline). */
async function throughput<T>(items: T[], run: (item: T) => unknown): Promise<number> {
  await pass(items, run);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(await pass(items, run));
  return median(rates);
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
  // The floor: node:crypto Ed25519 over 64 bytes, what a Data Integrity proof signs (two SHA-256 hashes).
  const message = new Uint8Array(64).fill(7);
  const signature = signEd25519(pair.secretKey, message);
  const rawSign: Side<number> = { items: many(2000), run: () => signEd25519(pair.secretKey, message) };
  const rawVerify: Side<number> = {
    items: many(2000),
    run: () => verifyEd25519(pair.publicKey, message, signature),
  };

  // vc.issue adds the proof to the object it is given, so it gets fresh copies made outside the timing.
  const copies = () => credentials.map((c) => structuredClone(c));
  let pool = copies();
  const issueOurs: Side<Record<string, any>> = {
    items: credentials,
    run: (c) => signDataIntegrity(c, signOpts),
  };
  const [issue, issueBaseline, issueCpu] = await paired(issueOurs, {
    items: credentials.map((_, i) => i),
    run: async (i) => {
      if (i === 0) pool = copies();
      await vc.issue({ credential: pool[i], suite: signSuite, documentLoader });
    },
  });
  rows.push({
    name: 'Data Integrity issue (eddsa-rdfc-2022)',
    ours: issue,
    baseline: issueBaseline,
    baselineName: reference,
    note: `${CREDENTIALS} varied OB 3.0 credentials, identical proofValues${cpuNote(issueCpu)}`,
  });
  const [issueAgain, signFloor, issueFloorCpu] = await paired(issueOurs, rawSign);
  rows.push({
    name: 'Data Integrity issue vs the floor',
    ours: issueAgain,
    baseline: signFloor,
    baselineName: 'raw Ed25519 sign (node:crypto)',
    note: `the rest is canonicalization (RDFC-1.0) and hashing${cpuNote(issueFloorCpu)}`,
  });

  const verifyOurs: Side<Record<string, any>> = {
    items: ours,
    run: async (c) => {
      const r = await verifyDataIntegrity(c, { resolveKey });
      if (!r.verified) throw new Error('verification failed');
    },
  };
  const [verified, verifyBaseline, verifyCpu] = await paired(verifyOurs, {
    items: ours,
    run: async (c) => {
      const r = await vc.verifyCredential({
        credential: c,
        suite: verifySuite,
        documentLoader,
        checkStatus: async () => ({ verified: true }),
        now: new Date(c.validFrom),
      });
      if (!r.verified) throw new Error('reference verification failed');
    },
  });
  rows.push({
    name: 'Data Integrity verify (eddsa-rdfc-2022)',
    ours: verified,
    baseline: verifyBaseline,
    baselineName: reference,
    note: `did:key issuer; reference verifier also checks dates (status stubbed)${cpuNote(verifyCpu)}`,
  });
  const [verifiedAgain, verifyFloor, verifyFloorCpu] = await paired(verifyOurs, rawVerify);
  rows.push({
    name: 'Data Integrity verify vs the floor',
    ours: verifiedAgain,
    baseline: verifyFloor,
    baselineName: 'raw Ed25519 verify (node:crypto)',
    note: `the rest is canonicalization (RDFC-1.0) and hashing${cpuNote(verifyFloorCpu)}`,
  });
  const [canon, canonBaseline, canonCpu] = await paired(
    { items: credentials, run: (c) => canonizeDocument(c) },
    { items: credentials, run: (c) => canonizeWithJsonLd(c) },
  );
  rows.push({
    name: 'canonize document: fast path vs jsonld.js',
    ours: canon,
    baseline: canonBaseline,
    baselineName: 'jsonld.toRDF + rdf-canonize',
    note: `same N-Quads; where the issue/verify time goes${cpuNote(canonCpu)}`,
  });

  rows.push(...(await benchJwt(pair, vm, credentials[0]!, rawSign, rawVerify)));

  rows.push({
    name: 'raw Ed25519 sign (node:crypto)',
    ours: await throughput(rawSign.items, rawSign.run),
    note: 'floor: 64-byte message',
  });
  rows.push({
    name: 'raw Ed25519 verify (node:crypto)',
    ours: await throughput(rawVerify.items, rawVerify.run),
    note: 'floor',
  });
  rows.push(...(await benchVerifyMany()));
  return rows;
}

const many = (n: number) => Array.from({ length: n }, (_, i) => i);

/** VC-JWT: ours against jose and against the raw floor, EdDSA; RS256 for scale. */
async function benchJwt(
  pair: { publicKey: Uint8Array; secretKey: Uint8Array },
  vm: string,
  credential: Record<string, any>,
  rawSign: Side<number>,
  rawVerify: Side<number>,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const tokens = many(1000);
  const jwtOpts = { alg: 'EdDSA' as const, privateKey: pair.secretKey, kid: vm };
  const edJwt = await signVcJwt(credential, jwtOpts);
  // jose with its key object made once, as a caller that keeps it would.
  const joseKey = privateKeyObject(pair.secretKey);
  const joseSign = () =>
    new CompactSign(Buffer.from(JSON.stringify({ ...credential, ...vcJwtClaims(credential) })))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: vm })
      .sign(joseKey);
  if ((await joseSign()) !== edJwt)
    throw new Error('VC-JWT differs from jose for the same header and payload');
  const sign: Side<number> = { items: tokens, run: () => signVcJwt(credential, jwtOpts) };
  const [jwtSign, joseSigned, joseSignCpu] = await paired(sign, { items: tokens, run: joseSign }, JWT_ROUNDS);
  rows.push({
    name: 'VC-JWT EdDSA sign',
    ours: jwtSign,
    baseline: joseSigned,
    baselineName: 'jose CompactSign (WebCrypto)',
    note: `same token bytes; node:crypto one-shot sign${cpuNote(joseSignCpu)}`,
  });
  const [jwtSignAgain, signFloor, jwtFloorCpu] = await paired(sign, rawSign, JWT_ROUNDS);
  rows.push({
    name: 'VC-JWT EdDSA sign vs the floor',
    ours: jwtSignAgain,
    baseline: signFloor,
    baselineName: 'raw Ed25519 sign (node:crypto)',
    note: `signVcJwt, key prepared once per issuer; the token signs ${edJwt.lastIndexOf('.')} bytes, the floor 64${cpuNote(jwtFloorCpu)}`,
  });
  const signer = prepareVcJwtSigner(jwtOpts);
  const [prepared, signFloorAgain, preparedCpu] = await paired(
    { items: tokens, run: () => signer.sign(credential) },
    rawSign,
    JWT_ROUNDS,
  );
  rows.push({
    name: 'VC-JWT EdDSA sign, prepared signer',
    ours: prepared,
    baseline: signFloorAgain,
    baselineName: 'raw Ed25519 sign (node:crypto)',
    note: `prepareVcJwtSigner(…).sign(credential), synchronous${cpuNote(preparedCpu)}`,
  });

  const joseVerifyKey = publicKeyObject(pair.publicKey);
  const verify: Side<number> = { items: tokens, run: () => verifyVcJwt(edJwt) };
  const [jwtVerify, joseVerified, joseVerifyCpu] = await paired(
    verify,
    {
      items: tokens,
      run: () => compactVerify(edJwt, joseVerifyKey),
    },
    JWT_ROUNDS,
  );
  rows.push({
    name: 'VC-JWT EdDSA verify',
    ours: jwtVerify,
    baseline: joseVerified,
    baselineName: 'jose compactVerify (WebCrypto)',
    note: `ours also resolves the did:key kid and checks the claims${cpuNote(joseVerifyCpu)}`,
  });
  const [jwtVerifyAgain, verifyFloor, jwtVerifyFloorCpu] = await paired(verify, rawVerify, JWT_ROUNDS);
  rows.push({
    name: 'VC-JWT EdDSA verify vs the floor',
    ours: jwtVerifyAgain,
    baseline: verifyFloor,
    baselineName: 'raw Ed25519 verify (node:crypto)',
    note: `did:key kid, claims checked${cpuNote(jwtVerifyFloorCpu)}`,
  });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsJwt = await signVcJwt(credential, {
    alg: 'RS256',
    privateKey: rsa.privateKey,
    kid: 'https://issuer.example/k',
  });
  const rsaKey = async () => rsa.publicKey;
  rows.push({
    name: 'VC-JWT RS256 sign',
    ours: await throughput(tokens.slice(0, 100), () =>
      signVcJwt(credential, { alg: 'RS256', privateKey: rsa.privateKey }),
    ),
    note: 'RSA 2048',
  });
  rows.push({
    name: 'VC-JWT RS256 verify',
    ours: await throughput(tokens, () => verifyVcJwt(rsJwt, { resolveKey: rsaKey })),
    note: 'RSA 2048',
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
