import { type DocumentLoader, defaultDocumentLoader } from '../contexts/document-loader.ts';
import { readClock } from '../clock.ts';
import { type ErrorCode, isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import type { Curve } from '../proof/multikey.ts';
import { resolveVerificationMethod } from '../proof/resolve-key.ts';
import type { StatusCache } from '../status/status-cache.ts';
import { createGuardedFetch, fetchJsonWith, type GuardedFetch } from './fetch.ts';
import { type InputLimits, inputLimits, withFetchedJsonLimits } from './limits.ts';
import type { VerificationReport } from './report.ts';
import type { Batch } from './batch.ts';

/** A verification method's public key (Ed25519 unless `curve` says P-256 or P-384) and its controller. */
export type KeyResolver = (
  verificationMethod: string,
) => Promise<{ publicKey: Uint8Array; controller: string; curve?: Curve }>;

export type VerifyOptions = {
  /** How every URL is fetched; default createGuardedFetch(). */
  fetch?: GuardedFetch;
  /** The clock for the date checks; default the system clock. Read once per call: one report, one instant. */
  now?: () => Date;
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

export type Container = NonNullable<VerificationReport['container']>;

/** What every step of one verify() call shares: the caller's options with their defaults filled in. */
export type Ctx = {
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
  /** What the credentials of one verifyMany() call share. */
  batch?: Batch;
};

const DEFAULT_MAX_INPUT = 20 * 1024 * 1024;

/** The context of one verification; in a batch, its fetches and key resolutions go through the batch. */
export function createContext(options: VerifyOptions, batch?: Batch): Ctx {
  const limits = inputLimits(options.limits);
  const fetch = withFetchedJsonLimits(batch?.fetch ?? options.fetch ?? createGuardedFetch(), limits);
  const fetchJson = fetchJsonWith(fetch);
  const resolveKey: KeyResolver =
    options.resolveKey ?? ((vm) => resolveVerificationMethod(vm, { fetchJson, purpose: 'assertionMethod' }));
  return {
    fetch,
    now: readClock(options.now),
    // The shared offline loader keeps its processed-context cache across calls.
    loader: options.documentLoader ?? defaultDocumentLoader,
    resolveKey: batch ? batch.resolveKey(resolveKey) : resolveKey,
    opts: options,
    maxInput: options.maxInputBytes ?? DEFAULT_MAX_INPUT,
    limits,
    hops: 0,
    ...(batch ? { batch } : {}),
  };
}

/** Any thrown value as an OpenBadgesError, so a report can name its code. */
export const toError = (e: unknown, code: ErrorCode = 'INPUT_UNRECOGNIZED'): OpenBadgesError =>
  isOpenBadgesError(e)
    ? e
    : new OpenBadgesError(code, e instanceof Error ? e.message : 'Unexpected failure.', { cause: e });

/** A sentence used inside another one. */
export const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
