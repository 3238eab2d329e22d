// Every SVG the platform rasterizes goes through one shared pool of child processes: see
// ./pool.ts for why. It starts on the first render and ends when the last server closes.
import { LaurelError } from '../errors.ts';
import { RasterError, RasterPool } from './pool.ts';

export { RasterError, type RasterFailure, RasterPool, type RasterPoolOptions } from './pool.ts';

let shared: RasterPool | undefined;
let holders = 0;

/**
 * Draws `svg` with its longer side `size` px, in a child process with a deadline (default 5 s)
 * and memory cap. Rejects with a RasterError for what went wrong with this image, or with an
 * UNAVAILABLE LaurelError (503) when the renderer is saturated or shutting down.
 */
export async function rasterize(
  svg: string,
  size: number,
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  shared ??= new RasterPool();
  try {
    return await shared.render(svg, size, opts);
  } catch (e) {
    if (e instanceof RasterError && (e.reason === 'busy' || e.reason === 'closed')) {
      throw new LaurelError('UNAVAILABLE', e.message);
    }
    throw e;
  }
}

/** The shared pool's child process ids (tests kill one to prove a crash costs one job). */
export function rasterChildPids(): number[] {
  return shared?.pids() ?? [];
}

/**
 * A server holds the pool while it runs: the returned function releases it, and the last
 * release ends the children (so a closed server leaves no process behind).
 */
export function holdRasterPool(): () => Promise<void> {
  holders++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    const pool = shared;
    shared = undefined;
    await pool?.close();
  };
}
