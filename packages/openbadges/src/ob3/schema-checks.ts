// The building blocks of the OB 3.0 validation (./validate.ts): errors with their JSON pointer,
// the formats the schema names and checks for strings, arrays and objects.
import { isObj } from '../json-values.ts';

export type ValidationError = { path: string; message: string };
export type ValidationResult = { valid: boolean; errors: ValidationError[] };

export type Ctx = { errors: ValidationError[] };
export type Check = (v: unknown, path: string, ctx: Ctx) => void;

export const err = (ctx: Ctx, path: string, message: string) =>
  void ctx.errors.push({ path: path || '/', message });

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$/;
export const JWS = /^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$/;
export const LANGUAGE = /^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;
const EXT = /(ext:)[a-z|A-Z|0-9|.|-|_]+/;

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day <= days;
}

/** RFC 3339 date-time with a time zone, as ajv-formats checks `format: date-time`. */
export function isDateTime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m;
  if (!validDate(y!, mo!, d!)) return false;
  return Number(h) <= 23 && Number(mi) <= 59 && Number(s) < 61;
}

export const str: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
};
export const num: Check = (v, p, ctx) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) err(ctx, p, 'must be a number');
};
export const bool: Check = (v, p, ctx) => {
  if (typeof v !== 'boolean') err(ctx, p, 'must be a boolean');
};
export const dateTime: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
  else if (!isDateTime(v)) err(ctx, p, 'must be a date-time with a time zone (RFC 3339)');
};
export const date: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
  else {
    const m = DATE.exec(v);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!)) err(ctx, p, 'must be a date (YYYY-MM-DD)');
  }
};
export const pattern =
  (re: RegExp, what: string): Check =>
  (v, p, ctx) => {
    if (typeof v !== 'string') err(ctx, p, 'must be a string');
    else if (!re.test(v)) err(ctx, p, `must be ${what}`);
  };
export const arrayOf =
  (item: Check): Check =>
  (v, p, ctx) => {
    if (!Array.isArray(v)) return err(ctx, p, 'must be an array');
    for (const [i, x] of v.entries()) item(x, `${p}/${i}`, ctx);
  };
/** An unordered type set: a non-empty array of strings containing one of `required`. */
export const typeSet =
  (...required: string[]): Check =>
  (v, p, ctx) => {
    if (!Array.isArray(v) || v.length === 0)
      return err(ctx, p, `must be a non-empty array containing ${required.join(' or ')}`);
    for (const [i, x] of v.entries()) str(x, `${p}/${i}`, ctx);
    if (!v.some((x) => required.includes(x as string))) err(ctx, p, `must contain ${required.join(' or ')}`);
  };
export const oneOfStrings =
  (values: readonly string[], what: string): Check =>
  (v, p, ctx) => {
    if (typeof v !== 'string') return err(ctx, p, 'must be a string');
    if (!values.includes(v) && !EXT.test(v)) err(ctx, p, `must be ${what}`);
  };

type Shape = { required?: string[]; props: Record<string, Check>; closed?: boolean };

export const object =
  (shape: () => Shape): Check =>
  (v, p, ctx) => {
    if (!isObj(v)) return err(ctx, p, 'must be an object');
    const s = shape();
    for (const r of s.required ?? []) if (!(r in v)) err(ctx, p, `must have the property ${r}`);
    for (const [k, val] of Object.entries(v)) {
      const check = s.props[k];
      if (check) check(val, `${p}/${k}`, ctx);
      else if (s.closed) err(ctx, `${p}/${k}`, 'is not an allowed property');
    }
  };

export function enumOf(values: string[]): Check {
  return (v, p, ctx) => {
    if (typeof v !== 'string' || !values.includes(v))
      err(ctx, p, `must be ${values.map((x) => `"${x}"`).join(' or ')}`);
  };
}
