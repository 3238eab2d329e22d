import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_IMAGE_BYTES, pngDimensions, prepareUpload, sniffImage } from './images.ts';
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

describe('image uploads', () => {
  it('sniffs the type from the bytes', async () => {
    expect(
      sniffImage(await renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', 4)),
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
    await expect(prepareUpload(pngHeader(5000, 10), opts)).rejects.toThrow(/at most 4096/);
    const real = await renderPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#0a0"/></svg>',
      32,
    );
    // Hide an iTXt chunk (as a baked badge would carry) before IEND.
    const iend = real.length - 12;
    const text = Buffer.from('openbadgecredential\0\0\0\0\0{"x":1}');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(text.length);
    const baked = Buffer.concat([
      real.subarray(0, iend),
      len,
      Buffer.from('iTXt'),
      text,
      Buffer.alloc(4),
      real.subarray(iend),
    ]);
    const out = await prepareUpload(baked, opts);
    expect(out.svg).toBeNull();
    expect(pngDimensions(out.png)).toEqual({ width: 32, height: 32 });
    expect(out.png.includes(Buffer.from('openbadgecredential'))).toBe(false);
  });

  it('refuses oversized input before reading it', async () => {
    await expect(prepareUpload(Buffer.alloc(MAX_TEMPLATE_IMAGE_BYTES + 1), opts)).rejects.toThrow(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });

  it('sanitizes SVG and renders it to a 600 px PNG', async () => {
    const out = await prepareUpload(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>x</script><circle cx="5" cy="5" r="5" onclick="x"/></svg>',
      ),
      opts,
    );
    expect(out.svg).not.toMatch(/script|onclick/);
    expect(pngDimensions(out.png)?.width).toBe(600);
  });
});
