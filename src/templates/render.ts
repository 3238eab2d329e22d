import type { Runtime } from '../http/runtime.ts';
import { rasterize } from '../raster/index.ts';

export const RENDER_SIZE = 600;

/**
 * SVG → PNG with its longer side `size` px, drawn with the shipped font only (so output is the
 * same on every machine) in the raster pool's child processes, never on the server's thread.
 */
export function renderPng(
  runtime: Runtime,
  svg: string,
  size = RENDER_SIZE,
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  return rasterize(runtime, svg, size, opts);
}
