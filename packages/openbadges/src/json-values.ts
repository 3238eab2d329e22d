/** Narrowing helpers for parsed JSON, whose shape is never trusted. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON-LD value that may be one item or a list, as a list. */
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** An absolute http: or https: URL (the only kinds a verifier fetches). */
export function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
