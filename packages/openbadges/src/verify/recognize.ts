// Which badge version a piece of input is, and the report for input that is no badge at all.
import type { ErrorCode } from '../errors.ts';
import { asArray, isObj, type Obj } from '../json-values.ts';
import type { Container, Ctx } from './context.ts';
import { checkJsonLimits, checkTextLimits, type LimitExceeded } from './limits.ts';
import { step, type VerificationReport } from './report.ts';
import { finish } from './verdict.ts';

export const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const VC_CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/2018/credentials/v1'];

export function isOb3(json: Obj): boolean {
  return (
    asArray(json['@context']).some((c) => VC_CONTEXTS.includes(c as string)) ||
    asArray(json.type).includes('VerifiableCredential')
  );
}

export function isOb2(json: Obj): boolean {
  return (
    asArray(json.type).includes('Assertion') || (json.recipient !== undefined && json.badge !== undefined)
  );
}

export function decodeJwsPayload(jws: string): Obj | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));
    return isObj(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

export function unrecognized(
  container: Container | undefined,
  message: string,
  code: ErrorCode = 'INPUT_UNRECOGNIZED',
  detail?: string,
): VerificationReport {
  return finish({ format: 'unknown', container, steps: [step('format', 'fail', message, { code, detail })] });
}

/** Input over one of the limits: not a badge this verifier reads, with the sentence naming the limit. */
export const overLimit = (container: Container | undefined, e: LimitExceeded): VerificationReport =>
  unrecognized(container, e.message, e.code, `${e.limit} is ${e.max}`);

/** JSON text parsed and held to the limits, or the report saying why it cannot be read. */
export function parseLimited(
  text: string,
  ctx: Ctx,
  container: Container,
  invalidMessage: string,
): { json: unknown } | { report: VerificationReport } {
  const big = checkTextLimits(text, ctx.limits);
  if (big) return { report: overLimit(container, big) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { report: unrecognized(container, invalidMessage, 'JSON_INVALID', (e as Error).message) };
  }
  const complex = checkJsonLimits(json, ctx.limits);
  return complex ? { report: overLimit(container, complex) } : { json };
}
