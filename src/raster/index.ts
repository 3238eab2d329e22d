// Every SVG the platform rasterizes goes through the runtime's pool of child processes: see
// ./pool.ts for why. It starts on the first drawing and ends when the context's runtime closes
// (the children also exit on their own when this process goes away: see ./child.ts).
import { LaurelError } from '../errors.ts';
import { type Runtime, slot } from '../http/runtime.ts';
import { RasterError, RasterPool } from './pool.ts';

export { RasterError, type RasterFailure, RasterPool, type RasterPoolOptions } from './pool.ts';

const rasterPoolSlot = slot(
  'raster.pool',
  () => new RasterPool(),
  (pool) => pool.close(),
);

/**
 * Draws `svg` with its longer side `size` px, in a child process with a deadline (default 5 s)
 * and memory cap. Rejects with a RasterError for what went wrong with this image, or with an
 * UNAVAILABLE LaurelError (503) when the renderer is saturated or shutting down.
 */
export async function rasterize(
  runtime: Runtime,
  svg: string,
  size: number,
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  try {
    return await runtime.get(rasterPoolSlot).render(svg, size, opts);
  } catch (e) {
    if (e instanceof RasterError && (e.reason === 'busy' || e.reason === 'closed')) {
      throw new LaurelError('UNAVAILABLE', e.message);
    }
    throw e;
  }
}

/** The runtime's raster child process ids (tests kill one to prove a crash costs one job). */
export function rasterChildPids(runtime: Runtime): number[] {
  return runtime.peek(rasterPoolSlot)?.pids() ?? [];
}
