/** RFC 3339 in whole seconds (`2026-12-03T10:00:00Z`): how credentials and the API write times. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
