/**
 * The pixel size of a PNG, JPEG or GIF from its header, without decoding it: enough to refuse
 * an image that would need gigabytes once decoded (a 20000×20000 PNG is a few kilobytes).
 */

export interface RasterSize {
  type: 'png' | 'jpeg' | 'gif';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(b: Uint8Array, v: DataView): RasterSize | undefined {
  if (b.length < 24 || PNG_SIGNATURE.some((x, i) => b[i] !== x)) return undefined;
  // IHDR must be the first chunk.
  if (String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return undefined;
  return { type: 'png', width: v.getUint32(16), height: v.getUint32(20) };
}

/** The frame size from the first start-of-frame segment (SOF0–SOF15, except DHT, JPG and DAC). */
function jpegSize(b: Uint8Array, v: DataView): RasterSize | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    const length = v.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > b.length) return undefined;
      return { type: 'jpeg', height: v.getUint16(at + 5), width: v.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/**
 * The logical screen, grown to cover every frame: a decoder allocates a frame's own size, which
 * may exceed the screen the header declares.
 */
function gifSize(b: Uint8Array, v: DataView): RasterSize | undefined {
  const magic = String.fromCharCode(...b.subarray(0, 6));
  if (magic !== 'GIF87a' && magic !== 'GIF89a') return undefined;
  if (b.length < 13) return undefined;
  let width = v.getUint16(6, true);
  let height = v.getUint16(8, true);
  const table = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  let at = 13 + table(b[10]);
  const skipSubBlocks = () => {
    while (at < b.length && b[at] !== 0) at += b[at] + 1;
    at++;
  };
  while (at < b.length) {
    const block = b[at];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      at += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      if (at + 10 > b.length) break;
      width = Math.max(width, v.getUint16(at + 1, true) + v.getUint16(at + 5, true));
      height = Math.max(height, v.getUint16(at + 3, true) + v.getUint16(at + 7, true));
      at += 10 + table(b[at + 9]) + 1; // descriptor, local colour table, LZW code size
      skipSubBlocks();
    } else break;
  }
  return { type: 'gif', width, height };
}

/** The type and size of a PNG, JPEG or GIF; undefined when the bytes are none of them or too damaged to tell. */
export function rasterSize(bytes: Uint8Array): RasterSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return pngSize(bytes, view) ?? jpegSize(bytes, view) ?? gifSize(bytes, view);
}
