// A raster child: draws SVG with resvg for the pool in ./pool.ts, one job at a time. resvg is
// native code that can abort the whole process (a Rust panic) or run for minutes; here that
// costs one child, which the pool kills or replaces, never the server.
import { fileURLToPath } from 'node:url';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY } from '../templates/designer.ts';
import type { RasterJob, RasterReply } from './protocol.ts';

const FONT_FILES = ['Roboto_700Bold.ttf', 'Roboto_400Regular.ttf'].map((f) =>
  fileURLToPath(new URL(`../templates/assets/${f}`, import.meta.url)),
);

// The shipped font only, so output is the same on every machine.
const BASE: ResvgRenderOptions = {
  font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY },
  imageRendering: 0,
  shapeRendering: 2,
  textRendering: 1,
};

/** Largest canvas drawn, whatever the job asks (16 Mpx, 64 MB of pixels). */
const MAX_CANVAS_PIXELS = 4096 * 4096;

function draw(job: RasterJob): Uint8Array {
  // Parsing once to learn the image's own size lets the canvas be fitted on its longer side:
  // fitting a 1×10,000,000 image to a width is what made resvg panic.
  const { width, height } = new Resvg(job.svg, BASE);
  if (!(width > 0 && height > 0)) throw new Error('The image has no size.');
  const scale = job.size / Math.max(width, height);
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  if (w < 1 || h < 1) throw new Error(`The image is too narrow to draw (${width}×${height}).`);
  if (w * h > MAX_CANVAS_PIXELS) throw new Error(`The image is too large to draw (${w}×${h} px).`);
  const fitTo =
    width >= height ? { mode: 'width' as const, value: w } : { mode: 'height' as const, value: h };
  return new Resvg(job.svg, { ...BASE, fitTo }).render().asPng();
}

const send = (reply: RasterReply) => process.send?.(reply);

process.on('message', (job: RasterJob) => {
  try {
    send({ id: job.id, png: draw(job) });
  } catch (e) {
    send({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
// The pool went away (its process ended): nothing is left to draw for.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
