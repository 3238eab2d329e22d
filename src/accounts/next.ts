/**
 * Where to go after a flow (`?next=`): only a path on this site. `//host`, `/\host`, schemes
 * and control characters would let a link send people elsewhere after logging in. What a
 * `Location` header cannot carry (anything past printable ASCII) goes percent-encoded; a lone
 * surrogate cannot be encoded, so such a path falls back.
 */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 1000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  try {
    return next.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return fallback;
  }
}

/** `path?next=…` when there is somewhere to continue to. */
export function withNext(path: string, next: string | undefined): string {
  if (!next || next === '/') return path;
  return `${path}${path.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`;
}
