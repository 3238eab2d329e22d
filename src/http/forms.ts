// HTML forms, one way everywhere: a form route declares its body schema; the body is trimmed and
// checked against it, and a failure re-renders the page with an error beside each field instead
// of an error page. Service errors a form can show (INVALID, CONFLICT, TOO_LARGE, ...) become
// the same failure, with the status from the one table in problem.ts.
import type { FastifyRequest, FastifySchemaValidationError, RouteShorthandOptions } from 'fastify';
import type { Static, TObject, TSchema } from 'typebox';
import { type FieldError, LaurelError } from '../errors.ts';
import { type UploadedFile, isUploadedFile } from './multipart.ts';
import { statusOf } from './problem.ts';

export interface FormFailure {
  status: number;
  message: string;
  errors: FieldError[];
}

/** What was typed, as typed (trimmed): every declared text field, '' when absent. */
export type FormValues<S extends TObject> = {
  [K in keyof Static<S>]-?: Static<S>[K] extends string | undefined ? string : Static<S>[K];
};

export type FormResult<S extends TObject> =
  | { ok: true; values: FormValues<S> }
  | { ok: false; values: FormValues<S>; failure: FormFailure };

/**
 * Route options for a form post: the body schema (for validation, types and the OpenAPI
 * document), kept out of the API docs, with validation failures handed to the handler.
 */
export function formRoute<
  S extends TObject,
  X extends { params?: TSchema; querystring?: TSchema } = Record<never, never>,
>(body: S, schema: X = {} as X) {
  return {
    schema: { hide: true as const, body, ...schema },
    attachValidation: true,
    preValidation: (request: FastifyRequest) => trimFields(request, body),
    preHandler: refuseBadAddress,
  } satisfies RouteShorthandOptions;
}

/** Reads the form the route declared with formRoute: its values and, when invalid, its field errors. */
export function readForm<S extends TObject>(request: FastifyRequest, schema: S): FormResult<S> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const values = {} as Record<string, unknown>;
  for (const name of Object.keys(schema.properties)) {
    const v = body[name];
    values[name] = isUploadedFile(v)
      ? v
      : v === undefined || typeof v === 'string' || Array.isArray(v)
        ? text(v)
        : v;
  }
  const validation = request.validationError?.validation as FastifySchemaValidationError[] | undefined;
  if (!validation?.length) return { ok: true, values: values as FormValues<S> };
  return {
    ok: false,
    values: values as FormValues<S>,
    failure: {
      status: statusOf('INVALID'),
      message: 'Please correct the errors below.',
      errors: fieldErrors(schema, validation),
    },
  };
}

/** A file field of a multipart form, or null when none was chosen. */
export function fileField(request: FastifyRequest, name: string): UploadedFile | null {
  const v = (request.body as Record<string, unknown> | undefined)?.[name];
  return isUploadedFile(v) && v.data.length > 0 ? v : null;
}

/** A service error a form can show next to its fields; anything else is rethrown to the error page. */
export function formFailure(e: unknown): FormFailure {
  if (e instanceof LaurelError && SHOWN_ON_FORM.has(e.code)) {
    return { status: statusOf(e.code), message: e.message, errors: e.fields };
  }
  throw e;
}

/** A failure of the form's own making (a confirmation that does not match), shown like any other. */
export function fieldFailure(
  field: string,
  message: string,
  summary = 'Please correct the errors below.',
): FormFailure {
  return { status: statusOf('INVALID'), message: summary, errors: [{ field, message }] };
}

// A rate limit too: the person sees the form again, with when to retry, rather than an error page.
const SHOWN_ON_FORM = new Set<LaurelError['code']>([
  'INVALID',
  'CONFLICT',
  'TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'RATE_LIMITED',
]);

const text = (v: unknown): string => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
};

/**
 * Trims every text field before validation, so "  " is empty and limits count what is kept;
 * a field marked `x-untrimmed` (a password: spaces may be part of it) stays as typed.
 */
async function trimFields(request: FastifyRequest, schema: TObject): Promise<void> {
  const body = request.body;
  if (!body || typeof body !== 'object') return;
  for (const [k, v] of Object.entries(body)) {
    const untrimmed = (schema.properties[k] as { 'x-untrimmed'?: boolean } | undefined)?.['x-untrimmed'];
    if (typeof v === 'string' && !untrimmed) (body as Record<string, unknown>)[k] = v.trim();
  }
}

function fieldErrors(schema: TObject, validation: FastifySchemaValidationError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const v of validation) {
    const params = v.params as { missingProperty?: string; limit?: number };
    const field = v.instancePath.replace(/^\//, '').split('/')[0] || params.missingProperty || 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    const prop = schema.properties[field] as { 'x-message'?: string } | undefined;
    out.push({ field, message: prop?.['x-message'] ?? describe(v) });
  }
  return out;
}

function describe(v: FastifySchemaValidationError): string {
  const limit = (v.params as { limit?: number }).limit;
  switch (v.keyword) {
    case 'required':
      return 'Fill in this field.';
    case 'minLength':
      return limit === 1 ? 'Fill in this field.' : `Use at least ${limit} characters.`;
    case 'maxLength':
      return `Use at most ${limit} characters.`;
    case 'enum':
    case 'const':
    case 'anyOf':
      return 'Choose one of the options.';
    default:
      return 'This value is not valid.';
  }
}

/**
 * attachValidation hands the handler every validation failure; only the body's are the form's to
 * show. A malformed id in the address (params) or a bad query answers as any route would (404, 400).
 */
async function refuseBadAddress(request: FastifyRequest): Promise<void> {
  const error = request.validationError as (Error & { validationContext?: string }) | undefined;
  if (error && error.validationContext !== 'body') throw error;
}
