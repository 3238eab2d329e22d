import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY } from './designer.ts';

export const RENDER_SIZE = 600;

const FONT_FILES = ['Roboto_700Bold.ttf', 'Roboto_400Regular.ttf'].map((f) =>
  fileURLToPath(new URL(`./assets/${f}`, import.meta.url)),
);

/** SVG → PNG at `size` px wide with the shipped font only, so output is the same on every machine. */
export function renderPng(svg: string, size = RENDER_SIZE): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY },
    imageRendering: 0,
    shapeRendering: 2,
    textRendering: 1,
  });
  return Buffer.from(resvg.render().asPng());
}
