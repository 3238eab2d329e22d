// TypeBox schemas every feature's routes share: ids, slugs, the problem body and form fields.
// Route schemas validate every input before a handler runs and feed the OpenAPI document.
import type { Ajv } from 'ajv';
import { type TSchema, Type } from 'typebox';

/** An id column's value; a malformed one in a path answers 404 (see problem.ts). */
export const Uuid = Type.String({ format: 'uuid' });

/** An organization's address name: lower-case letters, digits and hyphens. */
export const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

export const SlugParams = Type.Object({ slug: Slug });
export const IdParams = Type.Object({ id: Uuid });
export const SlugIdParams = Type.Object({ slug: Slug, id: Uuid });
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const FieldErrorSchema = Type.Object({ field: Type.String(), message: Type.String() });

/** RFC 9457 problem details: the body of every JSON error (built only by toProblem). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { description: 'RFC 9457 problem details' },
);

/** Response schemas for the error statuses a JSON route can answer. */
export const problems = (...statuses: number[]): Record<number, typeof ProblemSchema> =>
  Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));

/**
 * A text field of an HTML form: absent when the browser leaves it out (an unchecked box, a
 * field a page does not show). `message` is what the page shows beside the field when the
 * value breaks the schema (`x-message`, see http/forms.ts).
 */
export const FormText = (
  options: { maxLength?: number; minLength?: number; pattern?: string; 'x-message'?: string } = {},
) => Type.Optional(Type.String({ maxLength: 10_000, ...options }));

/** A field the form requires: present and, once trimmed, not empty. */
export const RequiredText = (options: { maxLength?: number; pattern?: string; 'x-message'?: string } = {}) =>
  Type.String({ minLength: 1, maxLength: 10_000, 'x-message': 'Fill in this field.', ...options });

/** A password field: kept exactly as typed (never trimmed: a space may be part of a password). */
export const FormPassword = Type.Optional(Type.String({ maxLength: 500, 'x-untrimmed': true }));

/** The body of a JSON route that reads none (a POST that acts on its address alone). */
export const NoBody = Type.Unknown({ description: 'No body is read.' });

/** The body of a form that sends only its CSRF token (a button). */
export const NoFields = Type.Object({});

/** A checkbox: '1' (or 'on') when ticked, absent when not. */
export const FormFlag = Type.Optional(Type.String({ maxLength: 10 }));

/** A query flag such as `?saved=1` that a redirect adds for a one-time notice. */
export const QueryFlag = Type.Optional(Type.String({ maxLength: 20 }));

/** An HTML form body: the declared fields; others (the CSRF field) pass through unchecked. */
export const FormBody = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties);

/** The annotations our schemas carry (`x-message`, `x-untrimmed`), made known to an Ajv instance. */
export const schemaKeywords = (ajv: Ajv): Ajv =>
  ajv
    .addKeyword({ keyword: 'x-message', schemaType: 'string' })
    .addKeyword({ keyword: 'x-untrimmed', schemaType: 'boolean' });
