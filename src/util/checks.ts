// One-line checks the whole platform shares: one definition each, so that two features never
// disagree about what a UUID, an http(s) URL or an email address looks like.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its canonical text form: what every id column holds (and what Postgres accepts). */
export const isUuid = (value: string): boolean => UUID.test(value);

/** A plain object (not null, not an array): what parsed JSON must be before its fields are read. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An absolute http: or https: URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch {
    return false;
  }
}

/** An email address as people type it: something@domain.tld with no spaces, brackets or quotes. */
export const EMAIL_PATTERN = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
