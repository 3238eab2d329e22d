/**
 * `npm run bench`: every benchmark, each measured against a baseline taken in the same
 * run (the reference implementation, or the floor the work cannot go below), so the
 * ratios hold on a noisy machine. `npm run bench -- proofs bake` runs a subset.
 */
import type { BenchRow } from '../packages/openbadges/bench/bench-row.ts';

const suites: Record<string, () => Promise<BenchRow[]>> = {
  proofs: async () => (await import('../packages/openbadges/bench/proof.bench.ts')).benchProofs(),
  bake: async () => (await import('../packages/openbadges/bench/bake.bench.ts')).benchBake(),
  issuing: async () => (await import('./issuing.bench.ts')).benchIssuing(),
  'public-pages': async () => (await import('./public-pages.bench.ts')).benchPublicPages(),
  robustness: async () => (await import('./robustness.bench.ts')).benchRobustness(),
  processes: async () => (await import('./processes.bench.ts')).benchProcesses(),
  'signed-in-pages': async () => (await import('./signed-in-pages.bench.ts')).benchSignedInPages(),
  'claim-codes': async () => (await import('./claim-codes.bench.ts')).benchClaimCodes(),
  'review-queue': async () => (await import('./review-queue.bench.ts')).benchReviewQueue(),
};

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '';
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function renderTable(rows: BenchRow[]): string {
  const head = ['benchmark', 'ours', 'baseline', 'baseline is', 'ours / baseline', 'unit', 'note'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.ours),
    fmt(r.baseline),
    r.baselineName ?? '',
    r.baseline ? `${(r.ours / r.baseline).toFixed(2)}x` : '',
    r.unit ?? 'ops/s',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(suites);
  const all: BenchRow[] = [];
  for (const name of names) {
    const suite = suites[name];
    if (!suite) {
      console.error(`Unknown benchmark "${name}". Known: ${Object.keys(suites).join(', ')}.`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`running ${name}…\n`);
    const rows = await suite();
    console.log(`\n## ${name}\n\n${renderTable(rows)}`);
    all.push(...rows);
  }
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
}

await main();
