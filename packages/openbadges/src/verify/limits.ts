import { OpenBadgesError } from '../errors.ts';
import type { FetchedResponse, GuardedFetch } from './fetch.ts';

/*
 * Bounds on untrusted JSON, checked before any JSON-LD work. Canonicalizing costs tens of
 * microseconds per value and the JSON-LD and serialization code recurses per nesting level, so
 * an unbounded credential is a CPU denial of service (60,000 evidence items: seconds of work) or
 * a stack overflow (10,000 nested objects). A real badge is a few hundred values deep in a
 * handful of levels; these limits leave it two orders of magnitude of room.
 */
export interface InputLimits {
  /** Largest JSON text in UTF-8 bytes; an object's size is estimated as its JSON would be. */
  maxBytes: number;
  /** Most levels of nested objects and arrays. */
  maxDepth: number;
  /** Most items in one array. */
  maxArrayLength: number;
  /** Most properties of one object. */
  maxObjectKeys: number;
  /** Longest string value or property name, in characters. */
  maxStringLength: number;
  /** Most values in the whole document (objects, arrays, strings, numbers…). */
  maxValues: number;
}

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxArrayLength: 1000,
  maxObjectKeys: 1000,
  maxStringLength: 512 * 1024,
  maxValues: 20_000,
});

/*
 * Deeper than this, JSON-LD processing and JSON.stringify (of the report, which carries the
 * credential) run out of stack, so no caller can raise maxDepth past it.
 */
export const HARD_MAX_DEPTH = 256;

export type LimitName = keyof InputLimits;

export interface LimitExceeded {
  limit: LimitName;
  max: number;
  /** What was found (a lower bound for values and bytes, where counting stops at the limit). */
  actual: number;
  /** JSON pointer to where the limit was exceeded ('' for the whole document). */
  path: string;
  /** INPUT_TOO_LARGE for bytes and string lengths, INPUT_TOO_COMPLEX for structure. */
  code: 'INPUT_TOO_LARGE' | 'INPUT_TOO_COMPLEX';
  /** One sentence naming the limit, for reports and problem responses. */
  message: string;
}

/** Defaults with the caller's overrides, maxDepth clamped to HARD_MAX_DEPTH. */
export function inputLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  const limits = { ...DEFAULT_INPUT_LIMITS, ...overrides };
  limits.maxDepth = Math.min(limits.maxDepth, HARD_MAX_DEPTH);
  return limits;
}

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;

function exceeded(limit: LimitName, max: number, actual: number, path: string, what: string): LimitExceeded {
  const at = path ? ` (at ${path})` : '';
  const messages: Record<LimitName, string> = {
    maxBytes: `${what} is ${mb(actual)} of JSON; this verifier reads at most ${mb(max)}.`,
    maxDepth: `${what} is too deeply nested: more than ${n(max)} levels of objects and arrays${at}.`,
    maxArrayLength: `${what} has a list of ${n(actual)} items${at}; this verifier reads at most ${n(max)}.`,
    maxObjectKeys: `${what} has an object with ${n(actual)} properties${at}; this verifier reads at most ${n(max)}.`,
    maxStringLength: `${what} has a text of ${n(actual)} characters${at}; this verifier reads at most ${n(max)}.`,
    maxValues: `${what} has more than ${n(max)} values, the most this verifier reads.`,
  };
  const code = limit === 'maxBytes' || limit === 'maxStringLength' ? 'INPUT_TOO_LARGE' : 'INPUT_TOO_COMPLEX';
  return { limit, max, actual, path, code, message: messages[limit] };
}

/** UTF-8 size of a text against maxBytes, without encoding it when its length already decides. */
export function checkTextLimits(
  text: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
  what = 'The credential',
): LimitExceeded | undefined {
  // Every UTF-16 unit is at least one UTF-8 byte, and at most three.
  if (text.length * 3 <= limits.maxBytes) return undefined;
  const bytes = text.length > limits.maxBytes ? text.length : Buffer.byteLength(text, 'utf8');
  return bytes > limits.maxBytes ? exceeded('maxBytes', limits.maxBytes, bytes, '', what) : undefined;
}

type Frame = { value: unknown; depth: number; parent: Frame | undefined; key: string | number };

const POINTER_SEGMENTS = 8;

function pointer(frame: Frame | undefined): string {
  const keys: (string | number)[] = [];
  for (let f = frame; f?.parent; f = f.parent) keys.push(f.key);
  keys.reverse();
  const segment = (k: string | number) => String(k).replace(/~/g, '~0').replace(/\//g, '~1').slice(0, 60);
  const shown = keys.slice(0, POINTER_SEGMENTS).map((k) => `/${segment(k)}`);
  return shown.join('') + (keys.length > POINTER_SEGMENTS ? '/…' : '');
}

/**
 * Checks a parsed JSON value against the limits with an explicit stack (no recursion, so a
 * 100,000-deep value costs nothing but the scan), stopping at the first limit exceeded. Counting
 * stops at maxValues, so a cyclic object passed in by code ends the scan too.
 */
export function checkJsonLimits(
  root: unknown,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
  what = 'The credential',
): LimitExceeded | undefined {
  const stack: Frame[] = [{ value: root, depth: 0, parent: undefined, key: '' }];
  let values = 0;
  let bytes = 0;
  const tooLong = (s: string, frame: Frame, key?: string) =>
    s.length > limits.maxStringLength
      ? exceeded(
          'maxStringLength',
          limits.maxStringLength,
          s.length,
          pointer(key === undefined ? frame : { value: s, depth: 0, parent: frame, key }),
          what,
        )
      : undefined;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (++values > limits.maxValues) return exceeded('maxValues', limits.maxValues, values, '', what);
    if (typeof v === 'string') {
      const long = tooLong(v, frame);
      if (long) return long;
      bytes += v.length + 2;
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      bytes += String(v).length;
    } else if (v === null || typeof v !== 'object') {
      bytes += 4;
    } else {
      const depth = frame.depth + 1;
      if (depth > limits.maxDepth) return exceeded('maxDepth', limits.maxDepth, depth, pointer(frame), what);
      if (Array.isArray(v)) {
        if (v.length > limits.maxArrayLength)
          return exceeded('maxArrayLength', limits.maxArrayLength, v.length, pointer(frame), what);
        bytes += 2 + v.length;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: frame, key: i });
      } else {
        const keys = Object.keys(v);
        if (keys.length > limits.maxObjectKeys)
          return exceeded('maxObjectKeys', limits.maxObjectKeys, keys.length, pointer(frame), what);
        bytes += 2;
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          const long = tooLong(key, frame, key);
          if (long) return long;
          bytes += key.length + 4;
          stack.push({ value: (v as Record<string, unknown>)[key], depth, parent: frame, key });
        }
      }
    }
    if (bytes > limits.maxBytes) return exceeded('maxBytes', limits.maxBytes, bytes, '', what);
  }
  return undefined;
}

export function limitError(e: LimitExceeded): OpenBadgesError {
  return new OpenBadgesError(e.code, e.message);
}

/**
 * Documents fetched while verifying (keys, status lists, hosted assertions) are held to the
 * depth limit, since they reach the report and JSON-LD processing; their size is bounded by the
 * fetch itself (2 MB by default).
 */
export function withFetchedJsonLimits(fetch: GuardedFetch, limits: InputLimits): GuardedFetch {
  const depthOnly: InputLimits = {
    maxBytes: Number.POSITIVE_INFINITY,
    maxDepth: limits.maxDepth,
    maxArrayLength: Number.POSITIVE_INFINITY,
    maxObjectKeys: Number.POSITIVE_INFINITY,
    maxStringLength: Number.POSITIVE_INFINITY,
    maxValues: Number.POSITIVE_INFINITY,
  };
  return async (url, init) => {
    const res = await fetch(url, init);
    const limited: FetchedResponse = {
      status: res.status,
      url: res.url,
      headers: res.headers,
      body: res.body,
      text: () => res.text(),
      json() {
        const value = res.json();
        const e = checkJsonLimits(value, depthOnly, `The document at ${res.url.slice(0, 200)}`);
        if (e) throw limitError(e);
        return value;
      },
    };
    return limited;
  };
}

/**
 * A compact JWS against the limits: its length (the payload is 3/4 of its base64url) before
 * decoding, then its decoded header and payload. Segments that are not JSON are left to the
 * token check to report.
 */
export function checkJwsLimits(
  jws: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
  what = 'The token',
): LimitExceeded | undefined {
  const maxChars = Math.ceil((limits.maxBytes * 4) / 3) + JWS_OVERHEAD_CHARS;
  if (jws.length > maxChars)
    return exceeded('maxBytes', limits.maxBytes, Math.floor((jws.length * 3) / 4), '', what);
  for (const segment of jws.split('.').slice(0, 2)) {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    } catch {
      continue;
    }
    const e = checkJsonLimits(value, limits, what);
    if (e) return e;
  }
  return undefined;
}

// Room for the header and signature segments around a payload of maxBytes.
const JWS_OVERHEAD_CHARS = 16 * 1024;
