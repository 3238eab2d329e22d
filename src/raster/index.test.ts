import { afterAll, describe, expect, it } from 'vitest';
import { LaurelError } from '../errors.ts';
import { Runtime } from '../http/runtime.ts';
import { rasterChildPids, rasterize } from './index.ts';

describe('the runtime raster pool', () => {
  const runtime = new Runtime();
  afterAll(() => runtime.close());

  it('answers UNAVAILABLE (a 503) when saturated, rather than blaming the image', async () => {
    const tiny =
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
    const results = await Promise.all(
      Array.from({ length: 80 }, () =>
        rasterize(runtime, tiny, 4).then(
          () => 'drawn',
          (e: unknown) => e,
        ),
      ),
    );
    const refused = results.filter((r) => r !== 'drawn');
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e).toBeInstanceOf(LaurelError);
      expect(e).toMatchObject({
        code: 'UNAVAILABLE',
        message: 'Too many images are being drawn; try again shortly.',
      });
    }
    expect(results.filter((r) => r === 'drawn').length).toBeGreaterThanOrEqual(64);
  });

  it('ends its children when the runtime closes', async () => {
    const pids = rasterChildPids(runtime);
    expect(pids.length).toBeGreaterThan(0);
    await runtime.close();
    expect(rasterChildPids(runtime)).toEqual([]);
  });
});
