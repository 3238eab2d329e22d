import { OpenBadgesError } from '@laurel/openbadges/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailable, isDatabaseUnavailable } from '../db/unavailable.ts';
import type { Static } from 'typebox';
import { type FieldError, LaurelError, type LaurelErrorCode } from '../errors.ts';
import { renderErrorPage } from './error-page.tsx';
import type { ProblemSchema } from './schemas.ts';

/** The one table of error codes and their HTTP status: the API, the pages and the forms all read it. */
const STATUS: Record<LaurelErrorCode | 'BAD_REQUEST', number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INVALID: 422,
  CONFLICT: 409,
  GONE: 410,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export const statusOf = (code: keyof typeof STATUS): number => STATUS[code];

/** A request wrong in a way no field error describes (a broken body, a NUL byte): a 400 problem. */
export function badRequest(detail: string): Error {
  return Object.assign(new Error(detail), { statusCode: STATUS.BAD_REQUEST, code: 'BAD_REQUEST' });
}

/** RFC 9457 problem details: what every JSON API error looks like (schema: ProblemSchema). */
export type Problem = Static<typeof ProblemSchema>;

export function toProblem(error: unknown): Problem {
  if (error instanceof LaurelError) {
    return problem(STATUS[error.code], error.code, error.message, error.fields);
  }
  if (isDatabaseUnavailable(error)) {
    return problem(503, 'DATABASE_UNAVAILABLE', new DatabaseUnavailable().message);
  }
  if (error instanceof OpenBadgesError) {
    const status = error.code === 'INPUT_TOO_LARGE' || error.code === 'FETCH_TOO_LARGE' ? 413 : 422;
    return problem(status, error.code, error.message);
  }
  const e = error as FastifyError & {
    validation?: { instancePath?: string; params?: any; message?: string }[];
    validationContext?: string;
  };
  // A malformed id in the address names nothing: the same answer as an id that does not exist.
  if (e.validation && e.validationContext === 'params') {
    return problem(STATUS.NOT_FOUND, 'NOT_FOUND', 'There is nothing at this address.');
  }
  if (e.validation) {
    const fields = e.validation.map((v) => ({
      field: String(
        (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || v.params?.missingProperty || 'body',
      ),
      message: v.message ?? 'is invalid',
    }));
    return problem(STATUS.BAD_REQUEST, 'BAD_REQUEST', 'The request is not valid.', fields);
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const detail =
      e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413
        ? 'The upload is larger than this server accepts.'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'This content type is not accepted here.'
          : e.message;
    return problem(e.statusCode, e.code ?? 'BAD_REQUEST', detail);
  }
  return problem(500, 'INTERNAL', 'Something went wrong on our side. It has been logged; please try again.');
}

/**
 * The one builder of problem bodies. Codes outside the status table (the verifier's own, such as
 * VERIFY_TIMEOUT or BUSY) come with their status from the code that raises them.
 */
export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `urn:laurel:problem:${code.toLowerCase()}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  };
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Unavailable',
};

/** JSON for the API and for clients that ask for it; an HTML page for browsers. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/ims/')) return true;
  const accept = request.headers.accept ?? '';
  return /json/.test(accept) && !/text\/html/.test(accept);
}

export async function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(error);
  if (p.status >= 500) request.log.error({ err: error }, 'request failed');
  if (p.status === 503) reply.header('retry-after', '5');
  if (p.status === 401 && !wantsJson(request)) {
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  }
  if (wantsJson(request)) {
    return reply.status(p.status).type('application/problem+json').send(p);
  }
  return reply.html(renderErrorPage(request, p), p.status);
}
