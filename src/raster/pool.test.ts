import { afterAll, describe, expect, it } from 'vitest';
import { RasterError, RasterPool } from './pool.ts';

const square = (fill: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="${fill}"/></svg>`;
/** Unsanitized on purpose: resvg spends seconds on this (its morphology cost grows with radius²). */
const slow = (radius: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><filter id="f"><feMorphology radius="${radius}"/></filter><rect width="100" height="100" filter="url(#f)"/></svg>`;
const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

describe('raster pool', () => {
  const pool = new RasterPool({ children: 1, timeoutMs: 4_000 });
  afterAll(() => pool.close());

  it('draws in a child process, fitting the longer side to the size asked', async () => {
    expect(size(await pool.render(square('red'), 64))).toEqual([64, 64]);
    const tall =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="40"><rect width="10" height="40"/></svg>';
    expect(size(await pool.render(tall, 600))).toEqual([150, 600]);
    expect(pool.pids()).toHaveLength(1);
    expect(pool.pids()[0]).not.toBe(process.pid);
  });

  it('refuses what resvg cannot draw, and a canvas it would panic on, without losing the child', async () => {
    const pid = pool.pids()[0];
    const bomb =
      '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="10000000" viewBox="0 0 1 10000000"><rect width="1" height="10000000"/></svg>';
    await expect(pool.render(bomb, 600)).rejects.toMatchObject({ reason: 'invalid', message: /too narrow/ });
    await expect(pool.render('<svg', 600)).rejects.toMatchObject({ reason: 'invalid' });
    expect(pool.pids()).toEqual([pid]);
  });

  it('a child killed with SIGABRT mid-render fails that render cleanly, and the next one succeeds', async () => {
    await pool.render(square('red'), 8); // a child is up
    const [pid] = pool.pids();
    const drawing = pool.render(slow(10), 600);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid, 'SIGABRT');
    const failure = await drawing.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RasterError);
    expect(failure).toMatchObject({
      reason: 'crashed',
      message: 'The image renderer was killed by SIGABRT while drawing the image.',
    });
    expect(size(await pool.render(square('blue'), 32))).toEqual([32, 32]);
    expect(pool.pids()).not.toContain(pid);
  });

  it('kills a drawing past its deadline and goes on with a fresh child', async () => {
    const pid = pool.pids()[0];
    const started = performance.now();
    await expect(pool.render(slow(30), 600)).rejects.toMatchObject({
      reason: 'timeout',
      message: 'Drawing the image took longer than 4 s.',
    });
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(size(await pool.render(square('green'), 16))).toEqual([16, 16]);
    expect(pool.pids()).not.toContain(pid);
  });

  it('kills a child that grows past its memory cap', async () => {
    const small = new RasterPool({ children: 1, maxRssBytes: 200 * 1024 * 1024, timeoutMs: 20_000 });
    try {
      // A 30000-px pattern tile is a 3.6 GB allocation.
      const hungry =
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><pattern id="p" width="5000" height="5000" patternUnits="userSpaceOnUse"><rect width="10" height="10"/></pattern><rect width="100" height="100" fill="url(#p)"/></svg>';
      await expect(small.render(hungry, 600)).rejects.toMatchObject({
        reason: 'memory',
        message: 'Drawing the image needed more than 200 MB of memory.',
      });
      expect(size(await small.render(square('red'), 8))).toEqual([8, 8]);
    } finally {
      await small.close();
    }
  });

  it('queues jobs, refuses past the queue limit, and fails waiting jobs on close', async () => {
    const tiny = new RasterPool({ children: 1, maxQueue: 2 });
    const a = tiny.render(slow(3), 600);
    const b = tiny.render(square('red'), 8);
    await expect(tiny.render(square('red'), 8)).rejects.toMatchObject({ reason: 'busy' });
    expect(size(await a)).toEqual([600, 600]);
    expect(size(await b)).toEqual([8, 8]);
    const c = tiny.render(slow(10), 600).catch((e: unknown) => e);
    await tiny.close();
    expect(await c).toMatchObject({ reason: 'closed' });
    expect(tiny.pids()).toEqual([]);
    // A closed pool starts again on demand.
    expect(size(await tiny.render(square('red'), 8))).toEqual([8, 8]);
    await tiny.close();
  });
});
