// The 1200x630 social preview (og:image) of a public badge page: an SVG we compose, drawn by
// the raster pool with the font shipped beside the templates, so it looks the same everywhere.
import type { Runtime } from '../http/runtime.ts';
import { rasterize } from '../raster/index.ts';
import { FONT_FAMILY } from '../templates/designer.ts';

export const PREVIEW_WIDTH = 1200;
export const PREVIEW_HEIGHT = 630;

export interface PreviewInput {
  badgeName: string;
  issuerName: string;
  recipientName: string | null;
  /** The badge image (PNG or SVG bytes). */
  image: { data: Buffer; type: 'png' | 'svg' } | null;
  state: 'valid' | 'expired' | 'revoked';
}

const xml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** Greedy word wrap by an average glyph width; long words are cut. At most `maxLines` lines. */
export function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > maxChars) {
      if (line) lines.push(line);
      lines.push(word.slice(0, maxChars));
      word = word.slice(maxChars);
      line = '';
    }
    const next = line ? `${line} ${word}` : word;
    if (next.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, maxChars - 1).trimEnd()}…`;
    return kept;
  }
  return lines;
}

export function previewSvg(input: PreviewInput): string {
  const img = input.image
    ? `<image x="90" y="135" width="360" height="360" preserveAspectRatio="xMidYMid meet" href="data:image/${
        input.image.type === 'png' ? 'png' : 'svg+xml'
      };base64,${input.image.data.toString('base64')}"/>`
    : `<circle cx="270" cy="315" r="170" fill="#1f5c4a"/>`;
  const title = wrap(input.badgeName, 24, 3);
  const lines: string[] = [];
  let y = 210;
  for (const l of title) {
    lines.push(
      `<text x="520" y="${y}" font-family="${FONT_FAMILY}" font-weight="700" font-size="54" fill="#10261f">${xml(l)}</text>`,
    );
    y += 64;
  }
  y += 12;
  for (const l of wrap(`Issued by ${input.issuerName}`, 36, 2)) {
    lines.push(
      `<text x="520" y="${y}" font-family="${FONT_FAMILY}" font-size="34" fill="#2f4a41">${xml(l)}</text>`,
    );
    y += 44;
  }
  if (input.recipientName) {
    for (const l of wrap(`Awarded to ${input.recipientName}`, 36, 2)) {
      lines.push(
        `<text x="520" y="${y}" font-family="${FONT_FAMILY}" font-size="34" fill="#2f4a41">${xml(l)}</text>`,
      );
      y += 44;
    }
  }
  const banner =
    input.state === 'valid'
      ? ''
      : `<rect x="520" y="${y + 10}" width="260" height="56" rx="28" fill="${input.state === 'revoked' ? '#a4262c' : '#8a5a00'}"/>` +
        `<text x="650" y="${y + 48}" text-anchor="middle" font-family="${FONT_FAMILY}" font-weight="700" font-size="28" fill="#ffffff">${
          input.state === 'revoked' ? 'REVOKED' : 'EXPIRED'
        }</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PREVIEW_WIDTH}" height="${PREVIEW_HEIGHT}" viewBox="0 0 ${PREVIEW_WIDTH} ${PREVIEW_HEIGHT}">` +
    `<rect width="1200" height="630" fill="#f4f7f5"/><rect width="1200" height="14" fill="#1f5c4a"/>` +
    `<rect y="616" width="1200" height="14" fill="#f4d35e"/>${img}${lines.join('')}${banner}` +
    `<text x="1140" y="590" text-anchor="end" font-family="${FONT_FAMILY}" font-size="24" fill="#5b6f68">Verifiable Open Badge · Laurel</text></svg>`
  );
}

export function renderPreviewPng(runtime: Runtime, input: PreviewInput): Promise<Buffer> {
  return rasterize(runtime, previewSvg(input), PREVIEW_WIDTH);
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
