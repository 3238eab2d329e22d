import { sanitizeSvg } from '@laurel/openbadges/bake';
import { LaurelError } from '../errors.ts';
import { renderPng } from './render.ts';

export const MAX_TEMPLATE_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_LOGO_BYTES = 1024 * 1024;
export const MAX_PNG_DIMENSION = 4096;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type of an upload from its bytes (never the filename or the declared type). */
export function sniffImage(data: Buffer): 'png' | 'svg' | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  const head = data
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  // An SVG document: optional XML declaration, comments and doctype, then the <svg> root.
  if (
    /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>\s*)*<svg[\s>]/i.test(head)
  )
    return 'svg';
  return null;
}

/** Width and height from the IHDR chunk, which the PNG spec requires to come first. */
export function pngDimensions(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (data.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

export interface PreparedImage {
  png: Buffer;
  svg: string | null;
}

/**
 * Checks and normalizes an uploaded badge image or logo. SVG goes through the library's
 * sanitizer and is rendered to a PNG; a PNG is re-encoded through the renderer, which drops
 * every ancillary chunk (so no credential baked into an upload survives into our images).
 */
export function prepareUpload(data: Buffer, opts: { maxBytes: number; field: string }): PreparedImage {
  if (data.length > opts.maxBytes) {
    throw new LaurelError(
      'TOO_LARGE',
      `The image is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB.`,
      [
        {
          field: opts.field,
          message: `The image must be at most ${Math.round(opts.maxBytes / 1024 / 1024)} MB.`,
        },
      ],
    );
  }
  const kind = sniffImage(data);
  const bad = (message: string) =>
    new LaurelError('UNSUPPORTED_MEDIA', message, [{ field: opts.field, message }]);
  if (kind === 'png') {
    const dims = pngDimensions(data);
    if (!dims || dims.width < 1 || dims.height < 1) throw bad('The PNG file is damaged.');
    if (dims.width > MAX_PNG_DIMENSION || dims.height > MAX_PNG_DIMENSION) {
      throw bad(`The PNG is ${dims.width}×${dims.height} px; at most ${MAX_PNG_DIMENSION} px on each side.`);
    }
    const size = Math.min(Math.max(dims.width, dims.height), 1024);
    const wrapper = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${dims.width}" height="${dims.height}"><image width="${dims.width}" height="${dims.height}" href="data:image/png;base64,${data.toString('base64')}"/></svg>`;
    let png: Buffer;
    try {
      png = renderPng(wrapper, Math.round((size * dims.width) / Math.max(dims.width, dims.height)));
    } catch {
      throw bad('The PNG file could not be read.');
    }
    return { png, svg: null };
  }
  if (kind === 'svg') {
    let svg: string;
    try {
      svg = sanitizeSvg(data.toString('utf8'));
    } catch (e) {
      throw bad(`The SVG file was refused: ${(e as Error).message}`);
    }
    let png: Buffer;
    try {
      png = renderPng(svg);
    } catch {
      throw bad('The SVG file could not be drawn.');
    }
    return { png, svg };
  }
  throw bad('Upload a PNG or SVG image.');
}
