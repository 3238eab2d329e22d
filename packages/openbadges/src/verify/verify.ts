import { detectImageType, unbakeImage } from '../bake/image.ts';
import { type DocumentLoader, defaultDocumentLoader } from '../contexts/document-loader.ts';
import { type ErrorCode, isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import { matchesIdentity, normalizeEmail } from '../ob3/identity.ts';
import { ob3CredentialType, describeValidationErrors, validateCredential } from '../ob3/validate.ts';
import type { Ob2Outcome } from '../ob2/verify-common.ts';
import { verifyHostedAssertion } from '../ob2/verify-hosted.ts';
import { verifySignedAssertion } from '../ob2/verify-signed.ts';
import { didKeyFromPublicKey } from '../proof/did-key.ts';
import { jwkToPublicKey, publicKeyObject } from '../proof/keys.ts';
import { resolveVerificationMethod, resolveVerificationMethodJwk } from '../proof/resolve-key.ts';
import { jsonLdProblem } from '../proof/canonize.ts';
import type { Curve } from '../proof/multikey.ts';
import { verifyVcJwt } from '../proof/vc-jwt.ts';
import { type ProofCheck, verifyDataIntegrity } from '../proof/verify-data-integrity.ts';
import { checkBitstringStatus } from '../status/bitstring-credential.ts';
import { check1EdTechRevocation } from '../status/revocation-list.ts';
import type { StatusCache } from '../status/status-cache.ts';
import { createGuardedFetch, type FetchedResponse, fetchJsonWith, type GuardedFetch } from './fetch.ts';
import {
  checkJsonLimits,
  checkJwsLimits,
  checkTextLimits,
  type InputLimits,
  inputLimits,
  type LimitExceeded,
  withFetchedJsonLimits,
} from './limits.ts';
import {
  CANNOT_CHECK_CODES,
  type CredentialFormat,
  step,
  UNREACHABLE_CODES,
  type VerificationReport,
  type VerificationStep,
  withSkippedSteps,
} from './report.ts';

/** A verification method's public key (Ed25519 unless `curve` says P-256 or P-384) and its controller. */
export type KeyResolver = (
  verificationMethod: string,
) => Promise<{ publicKey: Uint8Array; controller: string; curve?: Curve }>;

export type VerifyOptions = {
  /** How every URL is fetched; default createGuardedFetch(). */
  fetch?: GuardedFetch;
  /** The clock for the date checks; default the current time. */
  now?: Date;
  /** JSON-LD loader for canonicalization; default the bundled contexts only (never the network). */
  documentLoader?: DocumentLoader;
  /** When given, the badge must have been issued to this email (hashed identifiers match after normalization) or id. */
  recipient?: { email?: string; id?: string };
  /** Status lists and revocation lists seen before; a stale entry stands in when a list is unreachable. */
  statusCache?: StatusCache;
  /** When given, issuers outside this list of ids produce a warning. */
  trustedIssuers?: string[];
  /** Replaces the default key resolution (did:key, did:web and https through `fetch`). */
  resolveKey?: KeyResolver;
  /** Largest input accepted, bytes or characters (a baked image included); default 20 MB. */
  maxInputBytes?: number;
  /**
   * Bounds on the credential's JSON (bytes, depth, array lengths, object sizes, string lengths,
   * value count), checked before any JSON-LD work; defaults in DEFAULT_INPUT_LIMITS. Input over a
   * limit gets a report that names it (INPUT_TOO_LARGE or INPUT_TOO_COMPLEX).
   */
  limits?: Partial<InputLimits>;
  /**
   * Follow an OB 3.0 credential's `refreshService` (type 1EdTechCredentialRefresh) and check the
   * newer copy it returns instead, as OB 3.0 §9 allows. Off by default: it costs a request.
   */
  followRefresh?: boolean;
};

type Obj = Record<string, unknown>;
type Container = NonNullable<VerificationReport['container']>;

const DEFAULT_MAX_INPUT = 20 * 1024 * 1024;
const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const VC_CONTEXTS = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/2018/credentials/v1'];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const toError = (e: unknown, code: ErrorCode = 'INPUT_UNRECOGNIZED'): OpenBadgesError =>
  isOpenBadgesError(e)
    ? e
    : new OpenBadgesError(code, e instanceof Error ? e.message : 'Unexpected failure.', { cause: e });

type Ctx = {
  fetch: GuardedFetch;
  now: Date;
  loader: DocumentLoader;
  resolveKey: KeyResolver;
  opts: VerifyOptions;
  maxInput: number;
  limits: InputLimits;
  /** The URL input, when the credential came from one (one HTML hop is followed). */
  hops: number;
  /** Set while checking a refreshed copy, so a refresh is followed once. */
  refreshed?: boolean;
};

/**
 * Verifies a badge in any form (OB 3.0 JSON or VC-JWT, OB 2.0 hosted or signed, baked PNG/SVG,
 * a URL to any of them) and reports each check of OB 3.0 §9 / OB 2.0 as a step. Never throws:
 * unreadable or hostile input becomes a report.
 */
export async function verify(
  input: Uint8Array | string | object,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const limits = inputLimits(options.limits);
  const fetch = withFetchedJsonLimits(options.fetch ?? createGuardedFetch(), limits);
  const fetchJson = fetchJsonWith(fetch);
  const ctx: Ctx = {
    fetch,
    now: options.now ?? new Date(),
    // The shared offline loader keeps its processed-context cache across calls.
    loader: options.documentLoader ?? defaultDocumentLoader,
    resolveKey:
      options.resolveKey ??
      ((vm) => resolveVerificationMethod(vm, { fetchJson, purpose: 'assertionMethod' })),
    opts: options,
    maxInput: options.maxInputBytes ?? DEFAULT_MAX_INPUT,
    limits,
    hops: 0,
  };
  try {
    return await dispatch(input, ctx, undefined);
  } catch (e) {
    const err = toError(e);
    return finish({
      format: 'unknown',
      steps: [
        step('format', 'fail', 'The input could not be examined.', { code: err.code, detail: err.message }),
      ],
    });
  }
}

function unrecognized(
  container: Container | undefined,
  message: string,
  code: ErrorCode = 'INPUT_UNRECOGNIZED',
  detail?: string,
): VerificationReport {
  return finish({ format: 'unknown', container, steps: [step('format', 'fail', message, { code, detail })] });
}

/** Input over one of the limits: not a badge this verifier reads, with the sentence naming the limit. */
const overLimit = (container: Container | undefined, e: LimitExceeded): VerificationReport =>
  unrecognized(container, e.message, e.code, `${e.limit} is ${e.max}`);

/** JSON text parsed and held to the limits, or the report saying why it cannot be read. */
function parseLimited(
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

async function dispatch(
  input: unknown,
  ctx: Ctx,
  container: Container | undefined,
): Promise<VerificationReport> {
  if (input instanceof Uint8Array) {
    if (input.length > ctx.maxInput)
      return unrecognized(container, 'The file is too large to be a badge.', 'INPUT_TOO_LARGE');
    const type = detectImageType(input);
    if (type) return fromImage(input, type, ctx);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return unrecognized(container, 'The file is neither a badge image nor text.');
    }
    return fromText(text, ctx, container);
  }
  if (typeof input === 'string') return fromText(input, ctx, container);
  if (isObj(input)) {
    const complex = checkJsonLimits(input, ctx.limits);
    return complex ? overLimit(container ?? 'json', complex) : fromJson(input, ctx, container ?? 'json');
  }
  return unrecognized(container, 'The input is not a badge image, credential, token or URL.');
}

function fromImage(
  bytes: Uint8Array,
  type: 'png' | 'svg',
  ctx: Ctx,
): Promise<VerificationReport> | VerificationReport {
  let text: string;
  try {
    text = unbakeImage(bytes).text;
  } catch (e) {
    const err = toError(e);
    const none = err.code === 'PNG_NO_CREDENTIAL' || err.code === 'SVG_NO_CREDENTIAL';
    return unrecognized(
      type,
      none
        ? `The ${type.toUpperCase()} image has no badge baked into it.`
        : `The ${type.toUpperCase()} image could not be read.`,
      err.code,
      err.message,
    );
  }
  return fromText(text, ctx, type);
}

async function fromText(
  raw: string,
  ctx: Ctx,
  container: Container | undefined,
): Promise<VerificationReport> {
  if (raw.length > ctx.maxInput)
    return unrecognized(container, 'The input is too large to be a badge.', 'INPUT_TOO_LARGE');
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) {
    const c = container ?? 'json';
    const parsed = parseLimited(text, ctx, c, 'The input looks like JSON but is not valid JSON.');
    return 'report' in parsed ? parsed.report : fromJson(parsed.json, ctx, c);
  }
  if (JWS_RE.test(text)) return fromJws(text, ctx, container ?? 'text');
  if (/^https?:\/\//i.test(text) && !/\s/.test(text)) return fromUrl(text, ctx, container);
  if (text.startsWith('<')) {
    const bytes = new TextEncoder().encode(text);
    if (detectImageType(bytes) === 'svg' && container !== 'svg') return fromImage(bytes, 'svg', ctx);
  }
  return unrecognized(container ?? 'text', 'The input is not a badge image, credential, token or URL.');
}

function isOb3(json: Obj): boolean {
  return (
    asArray(json['@context']).some((c) => VC_CONTEXTS.includes(c as string)) ||
    asArray(json.type).includes('VerifiableCredential')
  );
}
function isOb2(json: Obj): boolean {
  return (
    asArray(json.type).includes('Assertion') || (json.recipient !== undefined && json.badge !== undefined)
  );
}

async function fromJson(json: unknown, ctx: Ctx, container: Container): Promise<VerificationReport> {
  if (!isObj(json)) return unrecognized(container, 'The JSON is not an object, so it is not a credential.');
  if (isOb3(json)) return verifyOb3(json, ctx, container, undefined);
  if (isOb2(json)) {
    return fromOb2(
      await verifyHostedAssertion(json, { fetch: ctx.fetch, now: ctx.now, recipient: ctx.opts.recipient }),
      container,
    );
  }
  return unrecognized(
    container,
    'The JSON is neither an Open Badges 3.0 credential nor an Open Badges 2.0 assertion.',
  );
}

function decodeJwsPayload(jws: string): Obj | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));
    return isObj(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

async function fromJws(jws: string, ctx: Ctx, container: Container): Promise<VerificationReport> {
  const over = checkJwsLimits(jws, ctx.limits);
  if (over) return overLimit(container, over);
  const payload = decodeJwsPayload(jws);
  if (!payload) return unrecognized(container, 'The token could not be decoded.', 'JWT_INVALID');
  if (isObj(payload.vc) || isOb3(payload)) return verifyOb3(undefined, ctx, container, jws);
  if (isOb2(payload)) {
    return fromOb2(
      await verifySignedAssertion(jws, { fetch: ctx.fetch, now: ctx.now, recipient: ctx.opts.recipient }),
      container,
    );
  }
  return unrecognized(
    container,
    'The token carries neither an Open Badges 3.0 credential nor a 2.0 assertion.',
    'JWT_INVALID',
  );
}

/** `<link rel="alternate" type="application/ld+json" href="…">` of a badge page. */
export function findJsonLdLink(html: string, base: string): string | undefined {
  for (const tag of html.slice(0, 512 * 1024).match(/<link\b[^>]*>/gi) ?? []) {
    const attr = (name: string) =>
      new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const value = (name: string) => {
      const m = attr(name);
      return m ? (m[2] ?? m[3] ?? m[4] ?? '') : undefined;
    };
    const rel = value('rel')?.toLowerCase().split(/\s+/) ?? [];
    const type = value('type')?.toLowerCase().trim();
    const href = value('href');
    if (
      rel.includes('alternate') &&
      (type === 'application/ld+json' || type === 'application/vc+ld+json') &&
      href
    ) {
      try {
        return new URL(href.replace(/&amp;/g, '&'), base).href;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

async function fromUrl(url: string, ctx: Ctx, container: Container | undefined): Promise<VerificationReport> {
  // A URL baked into an image keeps the image as its container.
  const c: Container = container ?? 'url';
  let res: FetchedResponse;
  try {
    res = await ctx.fetch(url, {
      accept:
        'application/ld+json, application/vc+ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, text/html;q=0.5',
    });
  } catch (e) {
    const err = toError(e, 'FETCH_FAILED');
    return finish({
      format: 'unknown',
      container: c,
      steps: [
        step('format', 'fail', 'The badge address could not be fetched, so the badge could not be checked.', {
          code: err.code,
          detail: err.message,
        }),
      ],
    });
  }
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  if (res.status === 410) {
    // A hosted OB 2.0 assertion answering 410 is revoked; route through hosted verification to say so.
    return fromOb2(
      await verifyHostedAssertion(url, { fetch: ctx.fetch, now: ctx.now, recipient: ctx.opts.recipient }),
      c,
    );
  }
  if (res.status < 200 || res.status > 299) {
    return finish({
      format: 'unknown',
      container: c,
      steps: [
        step('format', 'fail', `The badge address answered HTTP ${res.status} instead of a badge.`, {
          code: 'FETCH_FAILED',
        }),
      ],
    });
  }
  const image = detectImageType(res.body);
  if (image) return fromImage(res.body, image, ctx);
  const text = res.text();
  if (type.includes('html') || /^\s*<(!doctype html|html)/i.test(text)) {
    const link = findJsonLdLink(text, res.url);
    if (link && ctx.hops === 0) {
      ctx.hops++;
      return fromUrl(link, ctx, c);
    }
    return unrecognized(c, 'The page at this address offers no badge data (no JSON-LD alternate link).');
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseLimited(trimmed, ctx, c, 'The badge address returned invalid JSON.');
    if ('report' in parsed) return parsed.report;
    const json = parsed.json;
    if (isObj(json) && !isOb3(json) && isOb2(json)) {
      return fromOb2(
        await verifyHostedAssertion(url, { fetch: ctx.fetch, now: ctx.now, recipient: ctx.opts.recipient }),
        c,
      );
    }
    return fromJson(json, ctx, c);
  }
  if (JWS_RE.test(trimmed)) return fromJws(trimmed, ctx, c);
  return unrecognized(c, 'The badge address returned something that is not a badge.');
}

// ---------------------------------------------------------------- OB 3.0

function issuerOf(cred: Obj): { id: string; name?: string; url?: string } | undefined {
  const i = cred.issuer;
  if (typeof i === 'string') return { id: i };
  if (isObj(i) && typeof i.id === 'string') {
    const out: { id: string; name?: string; url?: string } = { id: i.id };
    if (typeof i.name === 'string') out.name = i.name;
    if (typeof i.url === 'string') out.url = i.url;
    return out;
  }
  return undefined;
}

const issuerLabel = (i: { id: string; name?: string } | undefined) =>
  i ? (i.name ? `${i.name} (${i.id})` : i.id) : 'an unnamed issuer';

function subjectOf(cred: Obj): Obj {
  const s = Array.isArray(cred.credentialSubject) ? cred.credentialSubject[0] : cred.credentialSubject;
  return isObj(s) ? s : {};
}

function describeOb3(report: Partial<VerificationReport>, cred: Obj): void {
  report.credential = cred;
  const issuer = issuerOf(cred);
  if (issuer) report.issuer = issuer;
  const subject = subjectOf(cred);
  const a = isObj(subject.achievement) ? subject.achievement : undefined;
  if (a) {
    const image = isObj(a.image) ? str(a.image.id) : str(a.image);
    report.achievement = {
      ...(str(a.id) ? { id: str(a.id) } : {}),
      ...(str(a.name) ? { name: str(a.name) } : {}),
      ...(str(a.description) ? { description: str(a.description) } : {}),
      ...(image ? { image } : {}),
    };
  }
  const ident = asArray(subject.identifier).find(isObj);
  report.recipient = {
    ...(str(subject.id) ? { id: str(subject.id) } : {}),
    ...(ident && str(ident.identityType)
      ? { identityType: str(ident.identityType), hashed: ident.hashed === true }
      : {}),
  };
  if (str(cred.validFrom ?? cred.issuanceDate)) report.validFrom = str(cred.validFrom ?? cred.issuanceDate);
  if (str(cred.validUntil ?? cred.expirationDate))
    report.validUntil = str(cred.validUntil ?? cred.expirationDate);
}

type KeyFinding = { controller?: string; source: 'resolved' | 'embedded-jwk' };

const KEY_CODES: ReadonlySet<string> = new Set([
  'KEY_NOT_FOUND',
  'KEY_INVALID',
  'DID_UNSUPPORTED',
  'KEY_CONTROLLER_MISMATCH',
  'FETCH_FAILED',
  'FETCH_TIMEOUT',
  'FETCH_BLOCKED',
  'FETCH_TOO_LARGE',
]);

function keyFailure(err: OpenBadgesError): VerificationStep[] {
  const unreachable = UNREACHABLE_CODES.has(err.code);
  return [
    step('proof', 'skipped', 'The signature could not be checked without the issuer’s key.'),
    step(
      'key',
      'fail',
      unreachable
        ? 'The issuer’s signing key could not be fetched, so the signature cannot be checked now.'
        : 'The signing key named by the credential could not be found or used.',
      { code: err.code, detail: err.message },
    ),
  ];
}

const listed = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** Which proofs were checked and how, for the report's detail line. */
function describeProofs(proofs: ProofCheck[]): string {
  return proofs
    .map((p) => {
      const what = p.verificationMethod ? `${p.suite} (${p.verificationMethod})` : p.suite;
      if (p.result === 'unsupported') return `${what}: not checked, suite not supported`;
      return p.result === 'verified'
        ? `${what}: verified`
        : `${what}: failed, ${p.error?.message ?? 'no reason'}`;
    })
    .join('; ');
}

/** The sentence for a signature that could not be checked or did not match, by cause. */
function proofFailureMessage(err: OpenBadgesError, failedSuite: string | undefined): string {
  const signature = failedSuite ? `The ${failedSuite} signature` : 'The signature';
  switch (err.code) {
    case 'PROOF_INVALID':
      // A malformed proof (bad proofValue, wrong purpose) is reported with its own sentence.
      return /does not match/.test(err.message)
        ? `${signature} does not match the credential: it was changed after it was signed.`
        : `The proof is malformed: ${err.message}`;
    case 'PROOF_MISSING':
      return 'The credential carries no proof, so nothing shows that its issuer made it.';
    case 'PROOF_UNSUPPORTED':
      return `${err.message.replace(/\.$/, '')}, so whether its issuer made this credential is not known.`;
    case 'CONTEXT_NOT_ALLOWED':
      return 'The credential uses a JSON-LD context this verifier does not know, so its signature cannot be checked.';
    case 'JSONLD_INVALID': {
      const problem = jsonLdProblem(err.cause);
      // A signer only canonicalizes what its contexts define, so a term nobody defines was most
      // likely added or renamed after signing; a relative type or a key id that is not a URI is a
      // document that was never valid JSON-LD, which says nothing about tampering.
      if (problem.kind === 'undefined-term')
        return `The credential uses a term its JSON-LD contexts do not define (it may have been changed after it was signed), so its signature cannot be checked: ${lowerFirst(problem.message)}`;
      if (problem.kind === 'undefined-type' || problem.kind === 'not-a-uri')
        return `The credential is not valid JSON-LD, so its signature cannot be checked: ${lowerFirst(problem.message)}`;
      return 'The credential could not be processed as JSON-LD, so its signature cannot be checked.';
    }
    default:
      return err.message;
  }
}

async function checkDataIntegrity(
  cred: Obj,
  ctx: Ctx,
): Promise<{ steps: VerificationStep[]; key?: KeyFinding }> {
  const result = await verifyDataIntegrity(cred, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
  const proofs = result.proofs ?? [];
  const detail = proofs.length > 1 ? describeProofs(proofs) : undefined;
  const unsupported = [...new Set(proofs.filter((p) => p.result === 'unsupported').map((p) => p.suite))];
  if (result.verified) {
    const checked = proofs.filter((p) => p.result === 'verified').map((p) => p.suite);
    const aside =
      unsupported.length > 0
        ? ` The ${listed(unsupported)} proof${unsupported.length === 1 ? ' was' : 's were'} not checked: this verifier cannot check ${unsupported.length === 1 ? 'that suite' : 'those suites'}.`
        : '';
    const message =
      checked.length === 1
        ? `The Data Integrity signature (${checked[0]}) matches the credential.`
        : `All ${checked.length} Data Integrity signatures (${listed(checked)}) match the credential.`;
    return {
      steps: [step('proof', 'pass', message + aside, detail ? { detail } : {})],
      key: { controller: result.controller, source: 'resolved' },
    };
  }
  const err = result.error ?? new OpenBadgesError('PROOF_INVALID', 'The proof did not verify.');
  if (KEY_CODES.has(err.code)) return { steps: keyFailure(err) };
  const failed = proofs.find((p) => p.result === 'failed');
  const message = proofFailureMessage(err, proofs.length > 1 ? failed?.suite : undefined);
  return {
    steps: [
      step('proof', 'fail', message, { code: err.code, detail: detail ?? err.message }),
      step(
        'key',
        'skipped',
        err.code === 'PROOF_UNSUPPORTED'
          ? 'Not checked, because the signature could not be checked.'
          : 'Not checked, because the signature is not valid.',
      ),
    ],
  };
}

async function checkJwt(
  jws: string,
  ctx: Ctx,
): Promise<{ steps: VerificationStep[]; credential?: Obj; key?: KeyFinding }> {
  const over = checkJwsLimits(jws, ctx.limits);
  if (over) {
    return {
      steps: [
        step('proof', 'fail', over.message, { code: over.code }),
        step('key', 'skipped', 'Not checked, because the token is over this verifier’s limits.'),
      ],
    };
  }
  let header: Obj = {};
  try {
    header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'));
  } catch {
    // verifyVcJwt reports the bad header below.
  }
  let controller: string | undefined;
  const kid = str(header.kid);
  try {
    const resolveKey = kid
      ? async (k: string) => {
          const resolved = await resolveJwtKey(k, header, ctx);
          controller = resolved.controller;
          return resolved.key;
        }
      : undefined;
    const r = await verifyVcJwt(jws, resolveKey ? { resolveKey } : {});
    return {
      steps: [step('proof', 'pass', `The JWT signature (${String(header.alg)}) matches the credential.`)],
      credential: r.credential,
      key:
        r.keySource === 'jwk'
          ? { source: 'embedded-jwk', ...embeddedController(header.jwk) }
          : { controller, source: 'resolved' },
    };
  } catch (e) {
    const err = toError(e, 'JWT_INVALID');
    const payload = decodeJwsPayload(jws);
    const credential = payload ? (isObj(payload.vc) ? payload.vc : payload) : undefined;
    if (KEY_CODES.has(err.code)) return { steps: keyFailure(err), credential };
    const message =
      err.code === 'PROOF_INVALID'
        ? 'The signature does not match the credential: it was changed after it was signed.'
        : `The token is not a valid VC-JWT: ${lowerFirst(err.message)}`;
    return {
      steps: [
        step('proof', 'fail', message, { code: err.code, detail: err.message }),
        step('key', 'skipped', 'Not checked, because the signature is not valid.'),
      ],
      credential,
    };
  }
}

/**
 * A JWT kid: a verification method (did:key, did:web, https key document) or a JWK / JWKS URL.
 * Ed25519 keys go through the (replaceable) key resolver; RSA keys for RS256 are read as the
 * publicKeyJwk of a JsonWebKey verification method, or as a plain JWK or JWKS at an https URL.
 */
async function resolveJwtKey(
  kid: string,
  header: Obj,
  ctx: Ctx,
): Promise<{ key: ReturnType<typeof publicKeyObject> | Record<string, unknown>; controller: string }> {
  if (header.alg === 'EdDSA' || header.alg === 'Ed25519') {
    const k = await ctx.resolveKey(kid);
    return { key: publicKeyObject(k.publicKey), controller: k.controller };
  }
  const fetchJson = fetchJsonWith(ctx.fetch);
  const asMethod = async () => {
    const m = await resolveVerificationMethodJwk(kid, { fetchJson, purpose: 'assertionMethod' });
    return { key: m.jwk, controller: m.controller };
  };
  if (!/^https?:/.test(kid)) return asMethod();
  const doc = await fetchJson(kid);
  const jwks = isObj(doc) && Array.isArray(doc.keys) ? doc.keys.filter(isObj) : [doc];
  const [base, fragment] = kid.split('#');
  const jwk =
    jwks.find((k) => isObj(k) && (k.kid === kid || (fragment !== undefined && k.kid === fragment))) ??
    (jwks.length === 1 ? jwks[0] : undefined);
  if (!isObj(jwk) || typeof jwk.kty !== 'string') {
    // Not a JWK: a key document or controller document that lists the method.
    if (isObj(doc) && (doc.publicKeyJwk !== undefined || doc.verificationMethod !== undefined))
      return asMethod();
    throw new OpenBadgesError('KEY_NOT_FOUND', 'The key URL does not hold a JWK for this kid.');
  }
  if (jwk.kty === 'OKP') jwkToPublicKey(jwk);
  // A bare JWK names no controller: the key URL's origin stands for it.
  return { key: jwk, controller: new URL(base!).origin };
}

/** An embedded Ed25519 JWK stands for the did:key of the same public key; other JWKs name nobody. */
function embeddedController(jwk: unknown): { controller?: string } {
  try {
    if (isObj(jwk) && jwk.kty === 'OKP') return { controller: didKeyFromPublicKey(jwkToPublicKey(jwk)) };
  } catch {
    // Not an Ed25519 JWK: no controller.
  }
  return {};
}

function sameController(controller: string, issuerId: string, source: 'resolved' | 'embedded-jwk'): boolean {
  if (controller === issuerId) return true;
  // An RS256 JWK URL has no controller of its own: its origin must be the issuer's.
  if (source === 'resolved' && /^https?:/.test(controller) && !controller.slice(8).includes('/')) {
    try {
      return new URL(issuerId).origin === controller;
    } catch {
      return false;
    }
  }
  return false;
}

function keyStep(
  key: KeyFinding | undefined,
  issuer: { id: string; name?: string } | undefined,
): VerificationStep | undefined {
  if (!key) return undefined;
  if (key.source === 'embedded-jwk' && (!issuer || key.controller !== issuer.id)) {
    // Anyone can put a key in a token header; it says who signed only when it is the issuer's did:key.
    return step(
      'key',
      'fail',
      'The token carries its own signing key, and that key is not shown to belong to the issuer: nothing links it to the issuer’s identifier.',
      { code: 'KEY_UNPROVEN', ...(issuer ? { detail: `issuer ${issuer.id}` } : {}) },
    );
  }
  if (!issuer)
    return step('key', 'fail', 'The credential names no issuer to own the signing key.', {
      code: 'SHAPE_INVALID',
    });
  if (!key.controller || !sameController(key.controller, issuer.id, key.source)) {
    return step(
      'key',
      'fail',
      `The credential was signed with a key that does not belong to its issuer ${issuerLabel(issuer)}.`,
      {
        code: 'KEY_CONTROLLER_MISMATCH',
        detail: `key controller ${key.controller ?? 'unknown'}, issuer ${issuer.id}`,
      },
    );
  }
  return step('key', 'pass', `The signing key belongs to the issuer ${issuerLabel(issuer)}.`);
}

function datesStep(cred: Obj, now: Date): VerificationStep {
  const from = str(cred.validFrom ?? cred.issuanceDate);
  const until = str(cred.validUntil ?? cred.expirationDate);
  const fromMs = from ? Date.parse(from) : Number.NaN;
  if (!from || Number.isNaN(fromMs))
    return step('dates', 'fail', 'The credential has no readable start date (validFrom).', {
      code: 'SHAPE_INVALID',
    });
  if (fromMs > now.getTime())
    return step('dates', 'fail', `The credential only becomes valid on ${from}.`, { code: 'NOT_YET_VALID' });
  if (until) {
    const untilMs = Date.parse(until);
    if (Number.isNaN(untilMs))
      return step('dates', 'fail', 'The credential’s end date (validUntil) is not a date.', {
        code: 'SHAPE_INVALID',
      });
    if (untilMs < now.getTime())
      return step('dates', 'fail', `The credential expired on ${until}.`, { code: 'EXPIRED' });
    return step('dates', 'pass', `The credential is valid from ${from} until ${until}.`);
  }
  return step('dates', 'pass', `The credential is valid from ${from} and does not expire.`);
}

function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60000));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

async function statusStep(
  cred: Obj,
  issuerId: string | undefined,
  ctx: Ctx,
): Promise<{ step: VerificationStep; suspended?: boolean }> {
  const entries = asArray(cred.credentialStatus).filter(isObj);
  if (entries.length === 0)
    return {
      step: step(
        'status',
        'pass',
        'The issuer publishes no status for this credential, so it cannot be revoked.',
      ),
    };
  const fetchJson = fetchJsonWith(ctx.fetch);
  const stale: string[] = [];
  // Lists issued by someone other than the credential's issuer, which the specification allows.
  const otherIssuers = new Set<string>();
  let checked = 0;
  for (const entry of entries) {
    const types = asArray(entry.type);
    try {
      if (types.includes('BitstringStatusListEntry') || types.includes('StatusList2021Entry')) {
        const r = await checkBitstringStatus(entry, {
          fetchJson,
          now: () => ctx.now,
          ...(ctx.opts.statusCache ? { cache: ctx.opts.statusCache } : {}),
          verifyListCredential: (vc) => verifyListCredential(vc, ctx),
        });
        if (r.stale) stale.push(age(r.fetchedAt, ctx.now));
        if (r.listIssuer && r.listIssuer !== issuerId) otherIssuers.add(r.listIssuer);
        if (r.status === 'revoked')
          return {
            step: step('status', 'fail', 'The issuer has revoked this credential.', { code: 'REVOKED' }),
          };
        if (r.status === 'suspended') {
          return {
            step: step('status', 'fail', 'The issuer has suspended this credential.', { code: 'REVOKED' }),
            suspended: true,
          };
        }
        checked++;
      } else if (types.includes('1EdTechRevocationList')) {
        const r = await check1EdTechRevocation(entry, String(cred.id), {
          fetchJson,
          now: () => ctx.now,
          ...(ctx.opts.statusCache ? { cache: ctx.opts.statusCache } : {}),
        });
        if (r.stale) stale.push(age(r.fetchedAt, ctx.now));
        if (r.revoked) {
          const reason = r.reason ? ` The reason given: ${r.reason}` : '';
          return {
            step: step('status', 'fail', `The issuer has revoked this credential.${reason}`, {
              code: 'REVOKED',
            }),
          };
        }
        checked++;
      }
    } catch (e) {
      const err = toError(e, 'STATUS_INVALID');
      if (err.code === 'PROOF_UNSUPPORTED') {
        return {
          step: step(
            'status',
            'warn',
            'The issuer’s status list is signed in a way this verifier cannot check, so whether the credential was revoked is not known.',
            { code: 'PROOF_UNSUPPORTED', detail: err.message },
          ),
        };
      }
      if (err.code === 'STATUS_UNREACHABLE' || err.code.startsWith('FETCH_')) {
        return {
          step: step(
            'status',
            'warn',
            'The issuer’s status list could not be reached, so whether the credential was revoked could not be checked.',
            {
              code: 'STATUS_UNREACHABLE',
              detail: err.message,
            },
          ),
        };
      }
      return {
        step: step(
          'status',
          'fail',
          'The credential’s status list is not valid, so its status cannot be trusted.',
          { code: err.code, detail: err.message },
        ),
      };
    }
  }
  if (checked === 0)
    return {
      step: step(
        'status',
        'warn',
        'The credential uses a status method this verifier does not know, so its status was not checked.',
      ),
    };
  // Bitstring Status List §3.2: the list's issuer may differ from the credential's; say whose it is.
  const whose =
    otherIssuers.size > 0
      ? ` The status list is issued by ${[...otherIssuers].join(', ')}, not by the credential’s issuer, which the Bitstring Status List specification allows.`
      : '';
  if (stale.length > 0) {
    return {
      step: step(
        'status',
        'warn',
        `The status list could not be reached; a copy fetched ${stale[0]} ago shows the credential as not revoked.${whose}`,
      ),
    };
  }
  return {
    step: step(
      'status',
      'pass',
      whose
        ? `The status list shows the credential as not revoked.${whose}`
        : 'The issuer’s status list shows the credential as not revoked.',
    ),
  };
}

async function verifyListCredential(vc: object, ctx: Ctx): Promise<{ verified: boolean; issuer?: string }> {
  const listIssuer = issuerOf(vc as Obj)?.id;
  // An unsigned list is trusted as fetched (checkBitstringStatus still checks its issuer field).
  if ((vc as Obj).proof === undefined)
    return { verified: true, ...(listIssuer ? { issuer: listIssuer } : {}) };
  const r = await verifyDataIntegrity(vc, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
  if (!r.verified && r.error && (UNREACHABLE_CODES.has(r.error.code) || r.error.code === 'PROOF_UNSUPPORTED'))
    throw r.error;
  return {
    verified: r.verified && r.controller === listIssuer,
    ...(r.controller ? { issuer: r.controller } : {}),
  };
}

function recipientStep(
  cred: Obj,
  recipient: VerifyOptions['recipient'],
): { step: VerificationStep; matched?: boolean } {
  if (!recipient?.email && !recipient?.id)
    return { step: step('recipient', 'skipped', 'No recipient was given to compare with the credential.') };
  const subject = subjectOf(cred);
  let ok = false;
  if (recipient.id && subject.id === recipient.id) ok = true;
  for (const ident of asArray(subject.identifier).filter(isObj)) {
    if (
      recipient.email &&
      ident.identityType === 'emailAddress' &&
      matchesIdentity(ident, normalizeEmail(recipient.email))
    )
      ok = true;
    if (recipient.id && ident.identityType !== 'emailAddress' && matchesIdentity(ident, recipient.id))
      ok = true;
  }
  return ok
    ? {
        step: step('recipient', 'pass', 'The credential was issued to the recipient you named.'),
        matched: true,
      }
    : {
        step: step('recipient', 'fail', 'The credential was not issued to the recipient you named.', {
          code: 'RECIPIENT_MISMATCH',
        }),
        matched: false,
      };
}

// Endorsements are checked up to this many; more only add work an attacker controls.
const MAX_ENDORSEMENTS = 20;

async function endorsementsStep(cred: Obj, ctx: Ctx): Promise<VerificationStep> {
  const subject = subjectOf(cred);
  const holders = [
    cred,
    isObj(subject.achievement) ? subject.achievement : {},
    isObj(cred.issuer) ? cred.issuer : {},
  ];
  const embedded = holders.flatMap((h) => asArray(h.endorsement)).filter(isObj);
  const jwts = holders
    .flatMap((h) => asArray(h.endorsementJwt))
    .filter((j): j is string => typeof j === 'string');
  const total = embedded.length + jwts.length;
  if (total === 0) return step('endorsements', 'skipped', 'The credential carries no endorsements.');
  if (total > MAX_ENDORSEMENTS) {
    return step(
      'endorsements',
      'warn',
      `The credential carries ${total} endorsements, more than this verifier checks; none were verified.`,
    );
  }
  // An endorsement counts only when it is about this credential, its achievement or its issuer
  // (one copied from another badge carries a good signature about something else) and is current.
  const endorsed = new Set(holders.map((h) => str(h.id)).filter((id) => id !== undefined));
  const aboutThis = (e: Obj) =>
    endorsed.has(str(subjectOf(e).id) ?? '') && datesStep(e, ctx.now).result === 'pass';
  let good = 0;
  for (const e of embedded) {
    if (!aboutThis(e)) continue;
    const r = await verifyDataIntegrity(e, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
    if (r.verified && r.controller === issuerOf(e)?.id) good++;
  }
  for (const jwt of jwts) {
    const r = await checkJwt(jwt, ctx);
    const endorser = r.credential ? issuerOf(r.credential) : undefined;
    if (
      r.credential &&
      aboutThis(r.credential) &&
      r.steps[0]?.result === 'pass' &&
      keyStep(r.key, endorser)?.result === 'pass'
    )
      good++;
  }
  return good === total
    ? step(
        'endorsements',
        'pass',
        `All ${total} endorsement${total === 1 ? '' : 's'} carry valid signatures from their endorsers.`,
      )
    : step(
        'endorsements',
        'warn',
        `${total - good} of ${total} endorsements could not be verified; they say nothing about the badge itself.`,
      );
}

async function verifyOb3(
  json: Obj | undefined,
  ctx: Ctx,
  container: Container,
  jwt: string | undefined,
): Promise<VerificationReport> {
  const format: CredentialFormat = jwt ? 'ob3-jwt' : 'ob3-json';
  const report: Partial<VerificationReport> & { steps: VerificationStep[] } = {
    format,
    container,
    steps: [],
  };
  const steps = report.steps;
  steps.push(
    step(
      'format',
      'pass',
      jwt
        ? 'This is an Open Badges 3.0 credential secured as a VC-JWT.'
        : 'This is an Open Badges 3.0 credential in JSON.',
    ),
  );
  let cred: Obj;
  let proofSteps: VerificationStep[];
  let key: KeyFinding | undefined;
  if (jwt) {
    const r = await checkJwt(jwt, ctx);
    if (!r.credential) {
      steps.push(step('parse', 'fail', 'The token does not contain a credential.', { code: 'JWT_INVALID' }));
      return finish(report);
    }
    cred = r.credential;
    proofSteps = r.steps;
    key = r.key;
    steps.push(step('parse', 'pass', 'The token decodes to a credential.'));
  } else {
    cred = json!;
    steps.push(step('parse', 'pass', 'The credential is readable JSON.'));
    const r = await checkDataIntegrity(cred, ctx);
    proofSteps = r.steps;
    key = r.key;
  }
  describeOb3(report, cred);
  const validation = validateCredential(cred);
  // Each credential type is held to its own rules: an endorsement is not an achievement credential.
  const shape =
    validation.kind === 'endorsement' ? 'an Open Badges 3.0 EndorsementCredential' : 'Open Badges 3.0';
  steps.push(
    validation.valid
      ? step('schema', 'pass', `The credential has the structure ${shape} requires.`)
      : step('schema', 'fail', `The credential does not have the structure ${shape} requires.`, {
          code: 'SHAPE_INVALID',
          detail: describeValidationErrors(validation.errors),
        }),
  );
  steps.push(...proofSteps);
  const ks = keyStep(key, report.issuer);
  if (ks) steps.push(ks);
  const signedByIssuer = proofSteps[0]?.result === 'pass' && ks?.result === 'pass';
  if (signedByIssuer && ctx.opts.followRefresh && !ctx.refreshed) {
    const refreshed = await followRefresh(cred, report.issuer!.id, ctx, container);
    if (refreshed.report) return refreshed.report;
    if (refreshed.step) steps.push(refreshed.step);
  }
  const trusted = ctx.opts.trustedIssuers;
  if (!report.issuer)
    steps.push(step('issuer', 'fail', 'The credential names no issuer.', { code: 'SHAPE_INVALID' }));
  else if (trusted && !trusted.includes(report.issuer.id)) {
    steps.push(
      step(
        'issuer',
        'warn',
        `Issued by ${issuerLabel(report.issuer)}, which is not among the issuers you trust.`,
      ),
    );
  } else steps.push(step('issuer', 'pass', `Issued by ${issuerLabel(report.issuer)}.`));
  steps.push(datesStep(cred, ctx.now));
  const status = await statusStep(cred, report.issuer?.id, ctx);
  steps.push(status.step);
  const recipient = recipientStep(cred, ctx.opts.recipient);
  if (recipient.matched !== undefined && report.recipient) report.recipient.matched = recipient.matched;
  steps.push(recipient.step);
  steps.push(await endorsementsStep(cred, ctx));
  return finish(report, status.suspended);
}

/**
 * OB 3.0 §9 (refresh): a credential signed by its issuer may name a 1EdTechCredentialRefresh
 * service; the copy it returns is checked in its place when it comes from the same issuer.
 * Any failure leaves the original to be checked, with a warning saying so.
 */
async function followRefresh(
  cred: Obj,
  issuerId: string,
  ctx: Ctx,
  container: Container,
): Promise<{ report?: VerificationReport; step?: VerificationStep }> {
  const service = asArray(cred.refreshService).find(
    (s): s is Obj => isObj(s) && asArray(s.type).includes('1EdTechCredentialRefresh'),
  );
  const url = service ? str(service.id) : undefined;
  if (!url) return {};
  const failed = (detail: string, code?: ErrorCode) => ({
    step: step(
      'refresh',
      'warn',
      'The issuer’s refresh service gave no newer copy, so the credential as given was checked.',
      { detail, ...(code ? { code } : {}) },
    ),
  });
  let text: string;
  try {
    const res = await ctx.fetch(url, {
      accept: 'application/vc+ld+json, application/ld+json, application/json, application/jwt;q=0.9',
    });
    if (res.status < 200 || res.status > 299) return failed(`HTTP ${res.status} from ${url}`, 'FETCH_FAILED');
    text = res.text().trim();
  } catch (e) {
    const err = toError(e, 'FETCH_FAILED');
    return failed(err.message, err.code);
  }
  let json: unknown;
  if (text.startsWith('{')) {
    const parsed = parseLimited(text, ctx, container, 'The refresh service returned invalid JSON.');
    if ('report' in parsed) {
      const why = parsed.report.steps[0]!;
      return failed(why.message, why.code);
    }
    json = parsed.json;
  }
  const fresh = { ...ctx, refreshed: true };
  let report: VerificationReport;
  if (isObj(json) && isOb3(json)) report = await verifyOb3(json, fresh, container, undefined);
  else if (JWS_RE.test(text)) report = await verifyOb3(undefined, fresh, container, text);
  else return failed('The refresh service did not return an Open Badges 3.0 credential.');
  // A copy that is not the issuer's own, verifiably, is no refresh (OB 3.0 §9: keep the original).
  const unsigned = report.steps.find((s) => (s.id === 'proof' || s.id === 'key') && s.result !== 'pass');
  if (unsigned)
    return failed(`The refreshed copy failed its ${unsigned.title.toLowerCase()} check: ${unsigned.message}`);
  if (report.issuer?.id !== issuerId)
    return failed(`The refreshed copy names another issuer (${report.issuer?.id ?? 'none'}).`);
  const at = report.steps.findIndex((s) => s.id === 'key') + 1;
  report.steps.splice(
    at,
    0,
    step('refresh', 'pass', `The issuer’s refresh service returned a newer copy, which is what was checked.`),
  );
  return { report };
}

// ---------------------------------------------------------------- OB 2.0

function fromOb2(outcome: Ob2Outcome, container: Container): VerificationReport {
  const report: Partial<VerificationReport> & { steps: VerificationStep[] } = {
    format: outcome.format,
    container,
    steps: [
      step(
        'format',
        'pass',
        outcome.format === 'ob2-hosted'
          ? 'This is an Open Badges 2.0 hosted assertion.'
          : 'This is an Open Badges 2.0 signed assertion.',
      ),
      step(
        'parse',
        'pass',
        outcome.format === 'ob2-hosted'
          ? 'The assertion is readable JSON.'
          : 'The signed assertion decodes to JSON.',
      ),
      ...outcome.steps,
    ],
  };
  const a = outcome.assertion;
  if (a) {
    report.credential = a;
    if (str(a.issuedOn)) report.validFrom = str(a.issuedOn);
    if (str(a.expires)) report.validUntil = str(a.expires);
    const r = isObj(a.recipient) ? a.recipient : {};
    report.recipient = { ...(str(r.type) ? { identityType: str(r.type) } : {}), hashed: r.hashed === true };
  }
  if (outcome.issuer && typeof outcome.issuer.id === 'string') {
    report.issuer = {
      id: outcome.issuer.id,
      ...(str(outcome.issuer.name) ? { name: str(outcome.issuer.name) } : {}),
      ...(str(outcome.issuer.url) ? { url: str(outcome.issuer.url) } : {}),
    };
  }
  const b = outcome.badge;
  if (b) {
    const image = isObj(b.image) ? str(b.image.id) : str(b.image);
    report.achievement = {
      ...(str(b.id) ? { id: str(b.id) } : {}),
      ...(str(b.name) ? { name: str(b.name) } : {}),
      ...(str(b.description) ? { description: str(b.description) } : {}),
      ...(image ? { image } : {}),
    };
  }
  return finish(report);
}

// ---------------------------------------------------------------- verdict

const SUMMARY: Partial<Record<ErrorCode, string>> = {
  PROOF_INVALID: 'The badge was changed after it was issued: its signature no longer matches.',
  KEY_CONTROLLER_MISMATCH: 'The badge was signed with a key that does not belong to its issuer.',
  KEY_UNPROVEN:
    'The signing key is not shown to belong to the issuer, so nothing proves that the issuer made this badge.',
  REVOKED: 'The issuer has revoked this badge.',
  EXPIRED: 'The badge is expired.',
  NOT_YET_VALID: 'The badge is not valid yet.',
  RECIPIENT_MISMATCH: 'The badge was not issued to the recipient you named.',
  ISSUER_MISMATCH: 'The badge is not hosted where its issuer publishes badges.',
  PROOF_MISSING: 'The badge carries no proof of who issued it.',
};

/** Proof failures that say the signature could not be examined, whatever else is wrong. */
const UNCHECKABLE_PROOF: ReadonlySet<ErrorCode> = new Set([
  'PROOF_UNSUPPORTED',
  'CONTEXT_NOT_ALLOWED',
  'JSONLD_INVALID',
]);

function finish(
  report: Partial<VerificationReport> & { steps: VerificationStep[] },
  suspended = false,
): VerificationReport {
  const fails = report.steps.filter((s) => s.result === 'fail');
  const decisive = fails.filter((s) => !s.code || !CANNOT_CHECK_CODES.has(s.code));
  const statusWarn = report.steps.find(
    (s) => s.id === 'status' && s.result === 'warn' && s.code && CANNOT_CHECK_CODES.has(s.code),
  );
  let verdict: VerificationReport['verdict'];
  if (decisive.length > 0) verdict = 'invalid';
  else if (fails.length > 0 || statusWarn) verdict = 'indeterminate';
  else verdict = 'valid';

  const codes = new Set(fails.map((s) => s.code));
  let status: VerificationReport['status'];
  if (codes.has('REVOKED')) status = suspended ? 'suspended' : 'revoked';
  else if (codes.has('EXPIRED')) status = 'expired';
  else if (codes.has('NOT_YET_VALID')) status = 'not-yet-valid';
  else if (verdict === 'valid') status = 'valid';

  let summary: string;
  // A known cause (tampered, wrong key, revoked…) explains more than a schema failure that comes
  // first, and so does a signature that could not be checked at all (unsupported suite, refused
  // context): a structure failure is then named after it, not instead of it.
  const uncheckable = fails.find((s) => s.id === 'proof' && s.code && UNCHECKABLE_PROOF.has(s.code));
  const first = decisive.find((s) => s.code && SUMMARY[s.code]) ?? uncheckable ?? decisive[0] ?? fails[0];
  if (verdict === 'valid') {
    const what = report.achievement?.name
      ? `“${report.achievement.name}”`
      : ob3CredentialType(report.credential) === 'endorsement'
        ? 'This endorsement'
        : 'This badge';
    const warned = report.steps.some((s) => s.result === 'warn');
    summary = `${what} is authentic and current, issued by ${issuerLabel(report.issuer)}${warned ? ', with warnings below' : ''}.`;
  } else if (status === 'suspended') summary = 'The issuer has suspended this badge.';
  else if (first) {
    summary =
      (first.code && SUMMARY[first.code]) ??
      (verdict === 'indeterminate'
        ? `The badge could not be fully checked: ${lowerFirst(first.message)}`
        : first.message);
    if (first.code === 'EXPIRED' && report.validUntil) summary = `The badge expired on ${report.validUntil}.`;
    if (first === uncheckable) {
      summary = first.message;
      if (report.steps.some((s) => s.id === 'schema' && s.result === 'fail'))
        summary += ` It also lacks structure Open Badges 3.0 requires (${report.steps.find((s) => s.id === 'schema')?.detail ?? 'see below'}).`;
    }
  } else if (statusWarn?.code === 'PROOF_UNSUPPORTED') {
    summary = `The badge could not be fully checked: ${lowerFirst(statusWarn.message)}`;
  } else {
    summary =
      'The badge could not be fully checked: its revocation status is unknown because the status list is unreachable.';
  }
  return {
    verdict,
    ...(status ? { status } : {}),
    summary,
    format: report.format ?? 'unknown',
    ...(report.container ? { container: report.container } : {}),
    ...(report.credential ? { credential: report.credential } : {}),
    ...(report.issuer ? { issuer: report.issuer } : {}),
    ...(report.recipient ? { recipient: report.recipient } : {}),
    ...(report.achievement ? { achievement: report.achievement } : {}),
    ...(report.validFrom ? { validFrom: report.validFrom } : {}),
    ...(report.validUntil ? { validUntil: report.validUntil } : {}),
    steps: withSkippedSteps(report.steps),
  };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
