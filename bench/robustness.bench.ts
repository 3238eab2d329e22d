/**
 * What the guards against hostile input cost an honest one. Each guard is measured against the
 * same work done without it, in the same run:
 * - the structural scan of untrusted JSON against JSON.parse of the same text (the floor: the
 *   text has to be read anyway);
 * - drawing a badge in the renderer's child processes against resvg in this process;
 * - verifying in the worker-thread pool against verify() on this thread.
 */
import { availableParallelism } from 'node:os';
import { Resvg } from '@resvg/resvg-js';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { checkJsonLimits, DEFAULT_INPUT_LIMITS, verify } from '@laurel/openbadges/verify';
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';
import { RasterPool } from '../src/raster/pool.ts';
import { RENDER_SIZE } from '../src/templates/render.ts';
import { createVerifierPool } from '../src/verification/verify-pool.ts';

/** Operations per second of `op` run `inFlight` at a time for `ms`, after a short warm-up. */
async function throughput(op: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  for (let i = 0; i < 3; i++) await op();
  let done = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await op();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - start);
}

function syncRate(op: () => unknown, ms: number): number {
  for (let i = 0; i < 20; i++) op();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    op();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/** A badge like the designer's: a ring, a ribbon and text, drawn with the bundled font. */
const BADGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1f5c4a"/><stop offset="1" stop-color="#3d8f74"/></linearGradient></defs>
<circle cx="256" cy="256" r="240" fill="url(#g)"/><circle cx="256" cy="256" r="200" fill="none" stroke="#f4d35e" stroke-width="12"/>
<path d="M96 300 L416 300 L390 350 L416 400 L96 400 L122 350 Z" fill="#f4d35e"/>
<text x="256" y="362" text-anchor="middle" font-family="Roboto" font-weight="700" font-size="40" fill="#10261f">TEAMWORK</text>
<text x="256" y="220" text-anchor="middle" font-family="Roboto" font-size="64" fill="#ffffff">★</text></svg>`;

async function signedCredential(evidence: number) {
  const { publicKey, secretKey } = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(publicKey);
  const credential = buildOpenBadgeCredential({
    id: 'urn:uuid:0e6c8a52-55f2-4a43-9f0e-3b1d2b6b0001',
    issuer: { id: did, name: 'Example Society', url: 'https://society.example' },
    validFrom: '2025-01-01T00:00:00Z',
    subject: { email: { address: 'earner@example.org', salt: 'salt' } },
    achievement: {
      id: 'https://society.example/achievements/teamwork',
      name: 'Teamwork',
      description: 'Works well in a team.',
      criteria: { narrative: 'Completed three team projects.' },
    },
    evidence: Array.from({ length: evidence }, (_, i) => ({
      id: `https://society.example/evidence/${i}`,
      name: `Project report ${i}`,
      narrative: 'Led the final project and wrote up what the team learned.',
    })),
  });
  return signDataIntegrity(credential, {
    secretKey,
    verificationMethod: didKeyVerificationMethod(did),
    created: '2025-01-01T00:00:00Z',
  });
}

export async function benchRobustness(): Promise<BenchRow[]> {
  // The pools unref their children and workers (an idle pool must not hold a server open); here
  // nothing else keeps the event loop alive while a job is in flight.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await measureAll();
  } finally {
    clearInterval(keepAlive);
  }
}

async function measureAll(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cores = availableParallelism();

  // 1. The structural scan before any JSON-LD work, on a typical and on a large credential.
  for (const evidence of [1, 500]) {
    const credential = await signedCredential(evidence);
    const text = JSON.stringify(credential);
    const parsed = JSON.parse(text);
    const scan = syncRate(() => checkJsonLimits(parsed, DEFAULT_INPUT_LIMITS), 600);
    const parse = syncRate(() => JSON.parse(text), 600);
    rows.push({
      name: `input limits scan, ${evidence} evidence item${evidence === 1 ? '' : 's'}`,
      ours: scan,
      baseline: parse,
      baselineName: 'JSON.parse',
      note: `${(text.length / 1024).toFixed(1)} KB; the scan runs once per untrusted input`,
    });
  }

  // 2. Drawing a badge: child processes with a deadline versus resvg on this thread.
  const fontFiles = ['Roboto_700Bold.ttf', 'Roboto_400Regular.ttf'].map(
    (f) => new URL(`../src/templates/assets/${f}`, import.meta.url).pathname,
  );
  const inProcess = syncRate(() => {
    const r = new Resvg(BADGE_SVG, {
      fitTo: { mode: 'width', value: RENDER_SIZE },
      font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'Roboto' },
    });
    return r.render().asPng();
  }, 2000);
  const raster = new RasterPool();
  try {
    const pooled = await throughput(() => raster.render(BADGE_SVG, RENDER_SIZE), 4, 3000);
    rows.push({
      name: `badge PNG ${RENDER_SIZE} px, renderer pool (4 in flight)`,
      ours: pooled,
      baseline: inProcess,
      baselineName: 'resvg in process',
      note: `${cores} cores; isolation costs a copy of the SVG and PNG over a pipe`,
    });
  } finally {
    await raster.close();
  }

  // 3. Verifying: worker threads with a deadline versus verify() on the main thread.
  const credential = await signedCredential(1);
  const noNetwork = async () => {
    throw new Error('the benchmark makes no network requests');
  };
  const direct = await throughput(() => verify(credential, { fetch: noNetwork as never }), 1, 3000);
  const pool = createVerifierPool();
  try {
    const options = {
      maxInputBytes: DEFAULT_INPUT_LIMITS.maxBytes,
      limits: { ...DEFAULT_INPUT_LIMITS },
      baseUrl: 'http://localhost:3000',
    };
    const pooled = await throughput(() => pool.run(credential, options, noNetwork as never), 8, 3000);
    rows.push({
      name: 'verify eddsa-rdfc-2022 credential, worker pool (8 in flight)',
      ours: pooled,
      baseline: direct,
      baselineName: 'verify() on main thread',
      note: `${cores} cores; the main thread stays free for pages`,
    });
  } finally {
    await pool.close();
  }
  return rows;
}
