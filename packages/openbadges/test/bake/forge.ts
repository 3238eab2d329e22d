import { crc32, deflateSync } from 'node:zlib';

/**
 * Raster headers that claim any size: a few bytes that would decode to gigabytes. Used by the
 * bounds tests here and by the platform's hostile-upload figures.
 */

/** A PNG chunk: length, type, data and the CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A PNG built by hand (signature, IHDR, IDAT, IEND) whose IHDR says `width`×`height` 8-bit pixels
 * of `colorType` (2 RGB, 6 RGBA), with `rows` (filter bytes included) deflated as its pixel data.
 */
export function pngImage(width: number, height: number, colorType: number, rows: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width >>> 0, 0);
  ihdr.writeUInt32BE(height >>> 0, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose IHDR says `width`×`height`, with a little (wrong-sized) pixel data; `truncate` cuts it short. */
export function forgePng(width: number, height: number, truncate?: number): Buffer {
  const png = pngImage(width, height, 6, Buffer.alloc(64));
  return truncate === undefined ? png : png.subarray(0, truncate);
}

/** A JPEG with an APP0 segment and a baseline frame header of `width`×`height`. */
export function forgeJpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0,
    11,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    1,
    1,
    0x11,
    0,
  ]);
  const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

/** A GIF whose logical screen is `screen` px square and whose one frame is `frame` px square. */
export function forgeGif(screen: number, frame: number): Buffer {
  const le = (n: number) => [n & 255, (n >> 8) & 255];
  return Buffer.from([
    ...Buffer.from('GIF89a'),
    ...le(screen),
    ...le(screen),
    0,
    0,
    0,
    0x2c,
    ...le(0),
    ...le(0),
    ...le(frame),
    ...le(frame),
    0,
    2,
    1,
    0,
    0,
    0x3b,
  ]);
}

export const dataUri = (type: string, bytes: Buffer) =>
  `data:image/${type};base64,${bytes.toString('base64')}`;
