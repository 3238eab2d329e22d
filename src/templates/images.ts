import { rasterSize, readPngChunks, sanitizeSvg } from '@laurel/openbadges/bake';
import { LaurelError } from '../errors.ts';
import type { Runtime } from '../http/runtime.ts';
import { RasterError } from '../raster/index.ts';
import { RENDER_SIZE, renderPng } from './render.ts';

export const MAX_TEMPLATE_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_LOGO_BYTES = 1024 * 1024;
export const MAX_PNG_DIMENSION = 4096;
/**
 * An upload that passes the checks but is still slow to draw is refused after this long, so
 * that an upload answers within 2 s (an ordinary badge draws in well under 100 ms).
 */
export const UPLOAD_DRAW_TIMEOUT_MS = 1_500;
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
  const size = rasterSize(data);
  return size?.type === 'png' ? { width: size.width, height: size.height } : null;
}

export interface PreparedImage {
  png: Buffer;
  svg: string | null;
}

/** Why a drawing failed, in words an uploader can act on (`unreadable` when the renderer could not read it). */
function drawFailure(e: unknown, unreadable: string): string {
  if (!(e instanceof RasterError)) throw e;
  if (e.reason === 'timeout' || e.reason === 'memory') {
    return `The image is too costly to draw: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`;
  }
  return unreadable;
}

/**
 * Checks and normalizes an uploaded badge image or logo. SVG goes through the library's
 * sanitizer (which refuses images too large or too costly to draw) and is rendered to a PNG; a
 * PNG is re-encoded through the renderer, which drops every ancillary chunk (so no credential
 * baked into an upload survives into our images). Drawing happens in the raster pool's child
 * processes, so even a crash of the native rasterizer refuses only this upload.
 */
export async function prepareUpload(
  runtime: Runtime,
  data: Buffer,
  opts: {
    maxBytes: number;
    field: string;
    /** Longer side of the PNG drawn from an SVG (default 600); a PNG is kept at up to 1024 px. */
    drawSize?: number;
  },
): Promise<PreparedImage> {
  const draw = (svg: string, size: number) =>
    renderPng(runtime, svg, size, { timeoutMs: UPLOAD_DRAW_TIMEOUT_MS });
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
    // A cut-off file would be drawn as an empty image rather than refused.
    try {
      readPngChunks(data, { maxBytes: opts.maxBytes });
    } catch (e) {
      throw bad(`The PNG file is damaged: ${(e as Error).message}`);
    }
    const size = Math.min(Math.max(dims.width, dims.height), opts.drawSize ?? 1024);
    const wrapper = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${dims.width}" height="${dims.height}"><image width="${dims.width}" height="${dims.height}" href="data:image/png;base64,${data.toString('base64')}"/></svg>`;
    try {
      return { png: await draw(wrapper, size), svg: null };
    } catch (e) {
      throw bad(drawFailure(e, 'The PNG file could not be read.'));
    }
  }
  if (kind === 'svg') {
    let svg: string;
    try {
      svg = sanitizeSvg(data);
    } catch (e) {
      throw bad(`The SVG file was refused: ${(e as Error).message}`);
    }
    try {
      return { png: await draw(svg, opts.drawSize ?? RENDER_SIZE), svg };
    } catch (e) {
      throw bad(drawFailure(e, 'The SVG file could not be drawn.'));
    }
  }
  throw bad('Upload a PNG or SVG image.');
}
