// Reliability figure: 10,000 generated hostile credential inputs through verify() → 0 crashes
// (a thrown exception, or a report that cannot be serialized), 0 verifications over 2 s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type VerificationReport, verify } from '../../src/verify/index.ts';
import { NOW } from './fixtures.ts';
import { bakeHostile, hostileFetch, hostileInputs, hostileSamples } from './hostile.ts';

const RUNS = 10_000;
const SLOW_MS = 2000;

const isReport = (r: VerificationReport) =>
  ['valid', 'invalid', 'indeterminate'].includes(r.verdict) &&
  typeof r.summary === 'string' &&
  r.steps.length >= 9;

describe('verify() under 10,000 generated hostile inputs', () => {
  it('never throws, always reports, and never takes 2 s', async () => {
    const samples = await hostileSamples();
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const kinds = new Map<string, { n: number; ms: number }>();
    const verdicts = new Map<string, number>();
    let crashes = 0;
    let slow = 0;
    let worst = 0;
    let worstKind = '';
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(hostileInputs(samples, bakeHostile), async (h) => {
        const t0 = performance.now();
        let report: VerificationReport;
        try {
          report = await verify(h.input, { fetch: hostileFetch, now: () => NOW });
          JSON.stringify(report);
        } catch (e) {
          crashes++;
          throw e;
        }
        const ms = performance.now() - t0;
        if (ms > worst) [worst, worstKind] = [ms, h.kind];
        if (ms > SLOW_MS) slow++;
        const k = kinds.get(h.kind) ?? { n: 0, ms: 0 };
        kinds.set(h.kind, { n: k.n + 1, ms: k.ms + ms });
        verdicts.set(report.verdict, (verdicts.get(report.verdict) ?? 0) + 1);
        expect(isReport(report), h.kind).toBe(true);
        expect(ms, h.kind).toBeLessThan(SLOW_MS);
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
    const total = [...kinds.values()].reduce((a, b) => a + b.n, 0);
    const perKind = [...kinds].map(([kind, k]) => `${kind} ${k.n} (${(k.ms / k.n).toFixed(1)} ms avg)`);
    console.log(
      `verify(): ${total} hostile inputs (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${crashes} crashes, ${slow} over ${SLOW_MS / 1000} s, slowest ${worst.toFixed(0)} ms (${worstKind}); ` +
        `verdicts ${JSON.stringify(Object.fromEntries(verdicts))}; ${perKind.join(', ')}`,
    );
    expect(total).toBe(RUNS);
    expect(crashes).toBe(0);
    expect(slow).toBe(0);
  }, 180_000);
});
