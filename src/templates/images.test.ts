import { crc32, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dataUri, forgePng } from '../../packages/openbadges/test/bake/forge.ts';
import { LaurelError } from '../errors.ts';
import { Runtime } from '../http/runtime.ts';
import {
  MAX_LOGO_BYTES,
  MAX_TEMPLATE_IMAGE_BYTES,
  pngDimensions,
  prepareUpload,
  sniffImage,
} from './images.ts';
import { renderPng } from './render.ts';

/** A minimal valid PNG header claiming the given size (pixel data is not needed for the check). */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type), data, Buffer.alloc(4)]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(10))),
  ]);
}

const opts = { maxBytes: MAX_TEMPLATE_IMAGE_BYTES, field: 'image' };
// The raster pool that draws this file's images, ended with it.
const runtime = new Runtime();
afterAll(() => runtime.close());

describe('image uploads', () => {
  it('sniffs the type from the bytes', async () => {
    expect(
      sniffImage(
        await renderPng(runtime, '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 4),
      ),
    ).toBe('png');
    expect(
      sniffImage(
        Buffer.from('<?xml version="1.0"?>\n<!-- hi -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
    ).toBe('svg');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImage(Buffer.from('<html><svg></svg></html>'))).toBeNull();
  });

  it('refuses a PNG over 4096 px on a side and accepts a real one, dropping extra chunks', async () => {
    expect(pngDimensions(pngHeader(5000, 10))).toEqual({ width: 5000, height: 10 });
    await expect(prepareUpload(runtime, pngHeader(5000, 10), opts)).rejects.toThrow(/at most 4096/);
    const real = await renderPng(
      runtime,
      '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#0a0"/></svg>',
      32,
    );
    // Hide an iTXt chunk (as a baked badge would carry) before IEND.
    const iend = real.length - 12;
    const text = Buffer.from('openbadgecredential\0\0\0\0\0{"x":1}');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(text.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from('iTXt'), text])));
    const baked = Buffer.concat([
      real.subarray(0, iend),
      len,
      Buffer.from('iTXt'),
      text,
      crc,
      real.subarray(iend),
    ]);
    const out = await prepareUpload(runtime, baked, opts);
    expect(out.svg).toBeNull();
    expect(pngDimensions(out.png)).toEqual({ width: 32, height: 32 });
    expect(out.png.includes(Buffer.from('openbadgecredential'))).toBe(false);
  });

  it('refuses oversized input before reading it', async () => {
    await expect(prepareUpload(runtime, Buffer.alloc(MAX_TEMPLATE_IMAGE_BYTES + 1), opts)).rejects.toThrow(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });

  it('sanitizes SVG and renders it to a 600 px PNG', async () => {
    const out = await prepareUpload(
      runtime,
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>x</script><circle cx="5" cy="5" r="5" onclick="x"/></svg>',
      ),
      opts,
    );
    expect(out.svg).not.toMatch(/script|onclick/);
    expect(pngDimensions(out.png)?.width).toBe(600);
  });
});

describe('hostile image uploads', () => {
  const field = (e: unknown) => (e as LaurelError).fields?.[0];

  it('refuses the 134-byte SVG that aborted the server, as a field error naming the limit', async () => {
    const bomb =
      '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="10000000" viewBox="0 0 1 10000000"><rect width="1" height="10000000"/></svg>';
    const e = await prepareUpload(runtime, Buffer.from(bomb), {
      maxBytes: MAX_LOGO_BYTES,
      field: 'logo',
    }).catch((x) => x);
    expect(e).toBeInstanceOf(LaurelError);
    expect(e.code).toBe('UNSUPPORTED_MEDIA');
    expect(field(e)).toEqual({
      field: 'logo',
      message: 'The SVG file was refused: The SVG is 1×10000000 px; at most 4096 px on each side.',
    });
  });

  it('refuses costly filters and oversized embedded images before drawing; cuts feTurbulence octaves', async () => {
    const svg = (body: string) =>
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">${body}</svg>`);
    const filtered = (step: string) =>
      svg(`<filter id="f">${step}</filter><rect width="100" height="100" filter="url(#f)"/>`);
    const refusal = async (data: Buffer) =>
      field(await prepareUpload(runtime, data, opts).catch((x) => x))?.message;
    expect(await refusal(filtered('<feMorphology radius="100000"/>'))).toMatch(
      /feMorphology with a radius of 100000; at most 1 /,
    );
    expect(
      await refusal(
        svg(`<image width="100" height="100" href="${dataUri('png', forgePng(20000, 20000))}"/>`),
      ),
    ).toMatch(/embedded PNG image is 20000×20000 px; at most 4096 px/);
    const started = performance.now();
    const out = await prepareUpload(
      runtime,
      filtered('<feTurbulence baseFrequency="0.05" numOctaves="1000000000"/>'),
      opts,
    );
    expect(out.svg).toContain('numOctaves="10"');
    expect(pngDimensions(out.png)).toEqual({ width: 600, height: 600 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('draws a PNG upload at most 1024 px, and a damaged one is refused', async () => {
    const big = await renderPng(
      runtime,
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#123"/></svg>',
      2000,
    );
    expect(pngDimensions((await prepareUpload(runtime, big, opts)).png)).toEqual({
      width: 1024,
      height: 512,
    });
    expect(field(await prepareUpload(runtime, forgePng(64, 64, 40), opts).catch((x) => x))?.message).toMatch(
      /^The PNG file is damaged: The PNG ends before its IEND chunk\.$/,
    );
  });
});
