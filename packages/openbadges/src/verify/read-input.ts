import { detectImageType, unbakeImage } from '../bake/image.ts';
import { isObj } from '../json-values.ts';
import { type Container, type Ctx, toError } from './context.ts';
import type { FetchedResponse } from './fetch.ts';
import { checkJsonLimits, checkJwsLimits } from './limits.ts';
import { verifyOb2Hosted, verifyOb2Signed } from './ob2-adapter.ts';
import { verifyOb3 } from './ob3-pipeline.ts';
import {
  decodeJwsPayload,
  isOb2,
  isOb3,
  JWS_RE,
  overLimit,
  parseLimited,
  unrecognized,
} from './recognize.ts';
import { step, type VerificationReport } from './report.ts';
import { finish } from './verdict.ts';

// Input detection: what was given (bytes of an image or text, a string of JSON, a JWS or a URL,
// a parsed object) and which badge it holds, handed to the OB 3.0 pipeline or the OB 2.0 adapter.

/** Any input verify() accepts, by what it is. */
export async function readInput(
  input: unknown,
  ctx: Ctx,
  container: Container | undefined,
): Promise<VerificationReport> {
  if (input instanceof Uint8Array) {
    if (input.length > ctx.maxInput)
      return unrecognized(container, 'The file is too large to be a badge.', 'INPUT_TOO_LARGE');
    const type = detectImageType(input);
    if (type) return fromImage(input, type, ctx);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return unrecognized(container, 'The file is neither a badge image nor text.');
    }
    return fromText(text, ctx, container);
  }
  if (typeof input === 'string') return fromText(input, ctx, container);
  if (isObj(input)) {
    const complex = checkJsonLimits(input, ctx.limits);
    return complex ? overLimit(container ?? 'json', complex) : fromJson(input, ctx, container ?? 'json');
  }
  return unrecognized(container, 'The input is not a badge image, credential, token or URL.');
}

function fromImage(
  bytes: Uint8Array,
  type: 'png' | 'svg',
  ctx: Ctx,
): Promise<VerificationReport> | VerificationReport {
  let text: string;
  try {
    text = unbakeImage(bytes).text;
  } catch (e) {
    const err = toError(e);
    const none = err.code === 'PNG_NO_CREDENTIAL' || err.code === 'SVG_NO_CREDENTIAL';
    return unrecognized(
      type,
      none
        ? `The ${type.toUpperCase()} image has no badge baked into it.`
        : `The ${type.toUpperCase()} image could not be read.`,
      err.code,
      err.message,
    );
  }
  return fromText(text, ctx, type);
}

async function fromText(
  raw: string,
  ctx: Ctx,
  container: Container | undefined,
): Promise<VerificationReport> {
  if (raw.length > ctx.maxInput)
    return unrecognized(container, 'The input is too large to be a badge.', 'INPUT_TOO_LARGE');
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) {
    const c = container ?? 'json';
    const parsed = parseLimited(text, ctx, c, 'The input looks like JSON but is not valid JSON.');
    return 'report' in parsed ? parsed.report : fromJson(parsed.json, ctx, c);
  }
  if (JWS_RE.test(text)) return fromJws(text, ctx, container ?? 'text');
  if (/^https?:\/\//i.test(text) && !/\s/.test(text)) return fromUrl(text, ctx, container);
  if (text.startsWith('<')) {
    const bytes = new TextEncoder().encode(text);
    if (detectImageType(bytes) === 'svg' && container !== 'svg') return fromImage(bytes, 'svg', ctx);
  }
  return unrecognized(container ?? 'text', 'The input is not a badge image, credential, token or URL.');
}

async function fromJson(json: unknown, ctx: Ctx, container: Container): Promise<VerificationReport> {
  if (!isObj(json)) return unrecognized(container, 'The JSON is not an object, so it is not a credential.');
  if (isOb3(json)) return verifyOb3(json, ctx, container, undefined);
  if (isOb2(json)) {
    return verifyOb2Hosted(json, ctx, container);
  }
  return unrecognized(
    container,
    'The JSON is neither an Open Badges 3.0 credential nor an Open Badges 2.0 assertion.',
  );
}

async function fromJws(jws: string, ctx: Ctx, container: Container): Promise<VerificationReport> {
  const over = checkJwsLimits(jws, ctx.limits);
  if (over) return overLimit(container, over);
  const payload = decodeJwsPayload(jws);
  if (!payload) return unrecognized(container, 'The token could not be decoded.', 'JWT_INVALID');
  if (isObj(payload.vc) || isOb3(payload)) return verifyOb3(undefined, ctx, container, jws);
  if (isOb2(payload)) {
    return verifyOb2Signed(jws, ctx, container);
  }
  return unrecognized(
    container,
    'The token carries neither an Open Badges 3.0 credential nor a 2.0 assertion.',
    'JWT_INVALID',
  );
}

/** `<link rel="alternate" type="application/ld+json" href="…">` of a badge page. */
export function findJsonLdLink(html: string, base: string): string | undefined {
  for (const tag of html.slice(0, 512 * 1024).match(/<link\b[^>]*>/gi) ?? []) {
    const attr = (name: string) =>
      new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const value = (name: string) => {
      const m = attr(name);
      return m ? (m[2] ?? m[3] ?? m[4] ?? '') : undefined;
    };
    const rel = value('rel')?.toLowerCase().split(/\s+/) ?? [];
    const type = value('type')?.toLowerCase().trim();
    const href = value('href');
    if (
      rel.includes('alternate') &&
      (type === 'application/ld+json' || type === 'application/vc+ld+json') &&
      href
    ) {
      try {
        return new URL(href.replace(/&amp;/g, '&'), base).href;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

async function fromUrl(url: string, ctx: Ctx, container: Container | undefined): Promise<VerificationReport> {
  // A URL baked into an image keeps the image as its container.
  const c: Container = container ?? 'url';
  let res: FetchedResponse;
  try {
    res = await ctx.fetch(url, {
      accept:
        'application/ld+json, application/vc+ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, text/html;q=0.5',
    });
  } catch (e) {
    const err = toError(e, 'FETCH_FAILED');
    return finish({
      format: 'unknown',
      container: c,
      steps: [
        step('format', 'fail', 'The badge address could not be fetched, so the badge could not be checked.', {
          code: err.code,
          detail: err.message,
        }),
      ],
    });
  }
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  if (res.status === 410) {
    // A hosted OB 2.0 assertion answering 410 is revoked; route through hosted verification to say so.
    return verifyOb2Hosted(url, ctx, c);
  }
  if (res.status < 200 || res.status > 299) {
    return finish({
      format: 'unknown',
      container: c,
      steps: [
        step('format', 'fail', `The badge address answered HTTP ${res.status} instead of a badge.`, {
          code: 'FETCH_FAILED',
        }),
      ],
    });
  }
  const image = detectImageType(res.body);
  if (image) return fromImage(res.body, image, ctx);
  const text = res.text();
  if (type.includes('html') || /^\s*<(!doctype html|html)/i.test(text)) {
    const link = findJsonLdLink(text, res.url);
    if (link && ctx.hops === 0) {
      ctx.hops++;
      return fromUrl(link, ctx, c);
    }
    return unrecognized(c, 'The page at this address offers no badge data (no JSON-LD alternate link).');
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseLimited(trimmed, ctx, c, 'The badge address returned invalid JSON.');
    if ('report' in parsed) return parsed.report;
    const json = parsed.json;
    if (isObj(json) && !isOb3(json) && isOb2(json)) {
      return verifyOb2Hosted(url, ctx, c);
    }
    return fromJson(json, ctx, c);
  }
  if (JWS_RE.test(trimmed)) return fromJws(trimmed, ctx, c);
  return unrecognized(c, 'The badge address returned something that is not a badge.');
}
