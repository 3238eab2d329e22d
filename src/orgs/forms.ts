import type { FastifyRequest } from 'fastify';
import { type FieldError, LaurelError } from '../errors.ts';
import { type UploadedFile, isUploadedFile } from '../http/multipart.ts';

/** One text field of a urlencoded or multipart form, trimmed; '' when absent. */
export function field(request: FastifyRequest, name: string): string {
  const v = (request.body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
}

export function fileField(request: FastifyRequest, name: string): UploadedFile | null {
  const v = (request.body as Record<string, unknown> | undefined)?.[name];
  return isUploadedFile(v) && v.data.length > 0 ? v : null;
}

export interface FormFailure {
  status: number;
  message: string;
  errors: FieldError[];
}

const FORM_STATUS: Partial<Record<LaurelError['code'], number>> = {
  INVALID: 422,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA: 415,
};

/** A service error a form can show next to its fields; anything else is rethrown to the error page. */
export function formFailure(e: unknown): FormFailure {
  if (e instanceof LaurelError && FORM_STATUS[e.code]) {
    return { status: FORM_STATUS[e.code]!, message: e.message, errors: e.fields };
  }
  throw e;
}
