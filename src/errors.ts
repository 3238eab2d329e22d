/**
 * Errors the platform's services raise. They carry a stable code and a human sentence and
 * know nothing of HTTP: src/http/problem.ts maps them to status codes once, at the edge.
 */
export type LaurelErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INVALID'
  | 'CONFLICT'
  | 'GONE'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

export interface FieldError {
  field: string;
  message: string;
}

export class LaurelError extends Error {
  override readonly name = 'LaurelError';
  constructor(
    readonly code: LaurelErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what = 'That page') => new LaurelError('NOT_FOUND', `${what} does not exist.`);
export const forbidden = (message = 'You do not have permission to do that.') =>
  new LaurelError('FORBIDDEN', message);
export const invalid = (message: string, fields: FieldError[] = []) =>
  new LaurelError('INVALID', message, fields);
