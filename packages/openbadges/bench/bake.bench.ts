/**
 * Baking benchmark: bake/unbake of a ~50 KB PNG against the floor (a bare chunk walk that
 * only checks every CRC, which any honest reader must do), and bake/unbake/sanitize of a
 * similar SVG against a bare saxes parse of the same text.
 */
import { crc32 } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { SaxesParser } from 'saxes';
import { bakePng, unbakePng } from '../src/bake/png.ts';
import { bakeSvg, unbakeSvg } from '../src/bake/svg.ts';
import { sanitizeSvg } from '../src/bake/svg-sanitize.ts';
import {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  setBit,
} from '../src/status/bitstring.ts';
import { ob3Credential } from '../test/bake/fixtures.ts';
import type { BenchRow } from './bench-row.ts';

function rate(fn: () => unknown, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 5; i++) fn();
    n += 5;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * ops/s of each function, measured in alternating short rounds and reduced to the median, so
 * load from other processes hits ours and the baseline alike.
 */
function measure(fns: Array<() => unknown>, rounds = 7, ms = 120): number[] {
  for (const fn of fns) for (let i = 0; i < 20; i++) fn();
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) samples[i].push(rate(fns[i], ms));
  }
  return samples.map(median);
}

function badgeSvg(shapes: number): string {
  const parts: string[] = [];
  for (let i = 0; i < shapes; i++) {
    const x = (i * 37) % 512;
    const y = (i * 53) % 512;
    parts.push(
      `<path d="M${x} ${y} l${(i % 17) + 4} ${(i % 11) + 3} l-${(i % 7) + 2} ${(i % 13) + 5} z" fill="hsl(${(i * 29) % 360},60%,50%)" fill-opacity="0.7" stroke="#123" stroke-width="0.5"/>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
<defs><linearGradient id="g"><stop offset="0" stop-color="#1d4ed8"/><stop offset="1" stop-color="#f59e0b"/></linearGradient></defs>
<rect width="512" height="512" rx="64" fill="url(#g)"/>
${parts.join('\n')}
</svg>
`;
}

/** The floor for reading a PNG: walk the chunks and check every CRC, nothing else. */
function crcWalk(png: Uint8Array): number {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let chunks = 0;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length))
      throw new Error('crc');
    chunks++;
    const type = view.getUint32(at + 4);
    at += 12 + length;
    if (type === 0x49454e44) break;
  }
  return chunks;
}

function saxesOnly(svg: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(svg).close();
}

export async function benchBake(): Promise<BenchRow[]> {
  const svg = badgeSvg(460);
  const png = new Uint8Array(
    new Resvg(badgeSvg(400), { fitTo: { mode: 'width', value: 170 } }).render().asPng(),
  );
  const credential = JSON.stringify(
    ob3Credential({
      issuer: { id: 'https://issuer.example/profile', type: ['Profile'], name: 'Issuer' },
      name: 'Benchmark badge',
      proof: [
        { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: `z${'1'.repeat(86)}` },
      ],
    }),
  );
  const bakedPng = bakePng(png, { keyword: 'openbadgecredential', text: credential });
  const bakedSvg = bakeSvg(svg, { version: 'ob3', json: credential });
  const pngKb = `${Math.round(png.length / 1024)} KB PNG`;
  const svgKb = `${Math.round(svg.length / 1024)} KB SVG`;

  const list = createBitstring();
  for (let i = 0; i < list.length * 8; i += 97) setBit(list, i, true);
  const encoded = encodeBitstring(list);

  const [walk, bakeP, unbakeP] = measure([
    () => crcWalk(bakedPng),
    () => bakePng(png, { keyword: 'openbadgecredential', text: credential }),
    () => unbakePng(bakedPng),
  ]);
  const [parse, bakeS, unbakeS, sanitize] = measure([
    () => saxesOnly(bakedSvg),
    () => bakeSvg(svg, { version: 'ob3', json: credential }),
    () => unbakeSvg(bakedSvg),
    () => sanitizeSvg(bakedSvg),
  ]);
  const [status] = measure([() => getBit(decodeBitstring(encoded), 12345)]);

  const pngRow = { baseline: walk, baselineName: 'CRC-only chunk walk', note: pngKb };
  const svgRow = { baseline: parse, baselineName: 'bare saxes parse', note: svgKb };
  return [
    { name: 'bake PNG (iTXt)', ours: bakeP, ...pngRow },
    { name: 'unbake PNG', ours: unbakeP, ...pngRow },
    { name: 'bake SVG', ours: bakeS, ...svgRow },
    { name: 'unbake SVG', ours: unbakeS, ...svgRow },
    { name: 'sanitize SVG', ours: sanitize, ...svgRow },
    { name: 'status list decode + read bit', ours: status, note: '131 072-entry list, 1 in 97 set' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchBake();
  for (const r of rows) {
    const ratio = r.baseline ? ` (${(r.ours / r.baseline).toFixed(2)}x ${r.baselineName})` : '';
    console.log(`${r.name}: ${Math.round(r.ours)} ${r.unit ?? 'ops/s'}${ratio} — ${r.note ?? ''}`);
  }
}
