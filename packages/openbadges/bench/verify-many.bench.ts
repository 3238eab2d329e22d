/**
 * verifyMany against verify() one credential at a time, on what an import or a wallet
 * re-verification looks like: 1,000 credentials from 10 did:web issuers, each issuer with its
 * DID document and its signed Bitstring Status List on an HTTP server (loopback, in this
 * process), a few credentials revoked. Both sides keep a status cache (as the platform does for
 * other issuers' lists); the reports are checked equal before timing.
 */
import { isDeepStrictEqual } from 'node:util';
import { buildDidWebDocument } from '../src/proof/index.ts';
import {
  buildStatusEntry,
  buildStatusListCredential,
  createBitstring,
  createStatusCache,
  encodeBitstring,
  setBit,
} from '../src/status/index.ts';
import { createGuardedFetch, verify, verifyMany } from '../src/verify/index.ts';
import { json, NOW, newIssuer, signDi, startServer, unsignedCredential } from '../test/verify/fixtures.ts';
import type { BenchRow } from './bench-row.ts';

const ISSUERS = 10;
const PER_ISSUER = 100;
const ROUNDS = 3;

export async function benchVerifyMany(): Promise<BenchRow[]> {
  const server = await startServer();
  try {
    const port = new URL(server.base).port;
    const credentials: object[] = [];
    for (let k = 0; k < ISSUERS; k++) {
      const pair = newIssuer();
      const did = `did:web:127.0.0.1%3A${port}:issuers:i${k}`;
      const issuer = { ...pair, did, vm: `${did}#key-1` };
      const doc = buildDidWebDocument({ did, keys: [{ id: '#key-1', publicKey: pair.publicKey }] });
      server.routes.set(`/issuers/i${k}/did.json`, json(doc));
      const bits = createBitstring();
      for (let i = 0; i < PER_ISSUER; i += 17) setBit(bits, i, true);
      const listUrl = `${server.base}/status/i${k}`;
      const list = buildStatusListCredential({
        id: listUrl,
        issuer: did,
        statusPurpose: 'revocation',
        encodedList: encodeBitstring(bits),
        validFrom: '2025-01-01T00:00:00Z',
      });
      server.routes.set(`/status/i${k}`, json(await signDi(list, issuer)));
      for (let i = 0; i < PER_ISSUER; i++) {
        const cred = unsignedCredential(issuer, {
          id: `urn:uuid:00000000-0000-4000-8000-${String(k * PER_ISSUER + i).padStart(12, '0')}`,
          credentialStatus: buildStatusEntry({
            listCredential: listUrl,
            index: i,
            purpose: 'revocation',
          }) as never,
        });
        credentials.push(await signDi(cred, issuer));
      }
    }
    const fetch = createGuardedFetch({ allowPrivateNetwork: true });
    const options = () => ({ fetch, now: () => NOW, statusCache: createStatusCache({ maxAgeMs: 300_000 }) });
    const oneByOne = async () => {
      const opts = options();
      const reports = [];
      for (const c of credentials) reports.push(await verify(c, opts));
      return reports;
    };
    const together = () => verifyMany(credentials, options());

    const [alone, many] = [await oneByOne(), await together()];
    if (!isDeepStrictEqual(alone, many)) throw new Error('verifyMany reports differ from verify() alone');
    const revoked = many.filter((r) => r.status === 'revoked').length;
    if (revoked === 0 || many.some((r) => r.verdict !== 'valid' && r.status !== 'revoked')) {
      throw new Error('unexpected verdicts in the verifyMany benchmark');
    }

    const rate = async (run: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await run();
      return credentials.length / (Number(process.hrtime.bigint() - start) / 1e9);
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        a.push(await rate(together));
        b.push(await rate(oneByOne));
      } else {
        b.push(await rate(oneByOne));
        a.push(await rate(together));
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    return [
      {
        name: `verifyMany: ${ISSUERS * PER_ISSUER} credentials, ${ISSUERS} issuers`,
        ours: median(a),
        baseline: median(b),
        baselineName: 'verify() one at a time',
        unit: 'credentials/s',
        note: `did:web keys and signed status lists over loopback HTTP, status cache on both sides, ${revoked} revoked; same reports`,
      },
    ];
  } finally {
    await server.close();
  }
}
