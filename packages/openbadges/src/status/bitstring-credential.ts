import { readClock } from '../clock.ts';
import { isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import { DEFAULT_MAX_BITSTRING_BYTES, decodeBitstring, getBit, MIN_BITSTRING_LENGTH } from './bitstring.ts';
import { type FetchJson, isHttpUrl, isRecord, loadStatusDocument, typesOf } from './load-status-document.ts';
import type { StatusCache } from './status-cache.ts';

export type StatusPurpose = 'revocation' | 'suspension';

const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

export interface BitstringStatusListCredential {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string | { id: string; [key: string]: unknown };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: StatusPurpose;
    encodedList: string;
  };
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
}

function isoDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new OpenBadgesError('STATUS_INVALID', `"${value}" is not a date.`);
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * An unsigned status list credential. The VC 2.0 context alone defines every Bitstring Status
 * List term (BitstringStatusListCredential, encodedList, statusPurpose…), so no second context.
 */
export function buildStatusListCredential(input: {
  id: string;
  issuer: string | { id: string; [key: string]: unknown };
  statusPurpose: StatusPurpose;
  encodedList: string;
  validFrom: Date | string;
  validUntil?: Date | string;
}): BitstringStatusListCredential {
  const vc: BitstringStatusListCredential = {
    '@context': [VC_V2_CONTEXT],
    id: input.id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuer,
    validFrom: isoDate(input.validFrom),
    credentialSubject: {
      id: `${input.id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.statusPurpose,
      encodedList: input.encodedList,
    },
  };
  if (input.validUntil !== undefined) vc.validUntil = isoDate(input.validUntil);
  return vc;
}

export function buildStatusEntry(input: {
  listCredential: string;
  index: number;
  purpose: StatusPurpose;
}): BitstringStatusListEntry {
  if (!Number.isSafeInteger(input.index) || input.index < 0) {
    throw new OpenBadgesError('STATUS_INVALID', `Status index ${input.index} is not a non-negative integer.`);
  }
  return {
    id: `${input.listCredential}#${input.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: input.purpose,
    statusListIndex: String(input.index),
    statusListCredential: input.listCredential,
  };
}

export interface CheckBitstringStatusOptions {
  fetchJson: FetchJson;
  /**
   * Checks the list credential's proofs (all must verify, §3.2 step 4); without it the list is
   * trusted as fetched. `issuer` is who the proof shows signed it.
   */
  verifyListCredential?: (vc: object) => Promise<{ verified: boolean; issuer?: string }>;
  /**
   * When set, a list issued or signed by anyone else is refused. The specification does not ask
   * for this (its issuers "might differ", §3.2 note), so verify() leaves it unset and reports the
   * list's issuer instead; set it where the use case requires one issuer for both.
   */
  expectedIssuer?: string;
  cache?: StatusCache;
  now?: () => Date;
  /**
   * How far in the future the list's validFrom may lie (default 60 s). Issuers re-sign their
   * lists on demand, dated the second they sign, which can be after the verification began or
   * a little ahead on the issuer's clock.
   */
  clockToleranceMs?: number;
  /** Cap on the gunzipped list (default 16 MB). */
  maxListBytes?: number;
}

const STATUS_CLOCK_TOLERANCE_MS = 60_000;

export interface BitstringStatusResult {
  status: 'ok' | 'revoked' | 'suspended';
  listCredential: string;
  checkedAt: Date;
  /** When the list was fetched (earlier than checkedAt when it came from the cache). */
  fetchedAt: Date;
  /** The list host was unreachable and a cached copy older than the freshness window was used. */
  stale: boolean;
  /** The issuer the list credential names (which may differ from the credential's issuer). */
  listIssuer?: string;
}

function invalid(message: string, cause?: unknown): OpenBadgesError {
  return new OpenBadgesError('STATUS_INVALID', message, cause === undefined ? undefined : { cause });
}

// StatusList2021 (the draft this spec replaced) uses the same fields under other type names.
const ENTRY_TYPES = new Map([
  [
    'BitstringStatusListEntry',
    { credential: 'BitstringStatusListCredential', subject: 'BitstringStatusList' },
  ],
  ['StatusList2021Entry', { credential: 'StatusList2021Credential', subject: 'StatusList2021' }],
]);

function parseEntry(entry: unknown) {
  if (!isRecord(entry)) throw invalid('The credential status entry is not an object.');
  const types = ENTRY_TYPES.get(typesOf(entry.type).find((t) => ENTRY_TYPES.has(t)) ?? '');
  if (!types) throw invalid('The credential status entry is not a BitstringStatusListEntry.');
  const purpose = entry.statusPurpose;
  if (purpose !== 'revocation' && purpose !== 'suspension') {
    const shown = typeof purpose === 'string' ? `"${purpose.slice(0, 40)}"` : 'of this entry';
    throw invalid(`The status purpose ${shown} is not one this verifier checks.`);
  }
  const raw = entry.statusListIndex;
  const index = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw invalid('The statusListIndex of the credential status entry is not a non-negative integer.');
  }
  if (entry.statusSize !== undefined && entry.statusSize !== 1 && entry.statusSize !== '1') {
    throw invalid('Status entries wider than one bit (statusSize) are not supported.');
  }
  if (!isHttpUrl(entry.statusListCredential)) {
    throw invalid('The statusListCredential of the credential status entry is not an http(s) URL.');
  }
  return { types, purpose: purpose as StatusPurpose, index, url: entry.statusListCredential };
}

function issuerId(issuer: unknown): string | undefined {
  if (typeof issuer === 'string') return issuer;
  if (isRecord(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

function checkValidity(vc: Record<string, unknown>, now: Date, toleranceMs: number): void {
  const from = vc.validFrom ?? vc.issuanceDate;
  const until = vc.validUntil ?? vc.expirationDate;
  if (typeof from === 'string' && new Date(from).getTime() > now.getTime() + toleranceMs) {
    throw invalid('The status list credential is not valid yet.');
  }
  if (typeof until === 'string' && new Date(until).getTime() < now.getTime()) {
    throw invalid('The status list credential has expired.');
  }
}

/**
 * Checks a BitstringStatusListEntry (W3C Bitstring Status List v1.0 §3.2, validate algorithm):
 * fetches the list credential, checks its shape, purpose, validity period and (when a verifier is
 * given) that all its proofs verify, then reads the entry's bit. The list may come from another
 * issuer than the credential (§3.2 note: "the issuers of these credential might differ"); its
 * issuer is returned so the caller can say so, and `expectedIssuer` makes it a requirement.
 */
export async function checkBitstringStatus(
  entry: unknown,
  opts: CheckBitstringStatusOptions,
): Promise<BitstringStatusResult> {
  const now = readClock(opts.now);
  const { types, purpose, index, url } = parseEntry(entry);
  const loaded = await loadStatusDocument(url, opts.fetchJson, opts.cache, now);
  const vc = loaded.value;
  if (!isRecord(vc)) throw invalid(`The status list at ${url} is not a JSON object.`);
  if (!typesOf(vc.type).includes(types.credential))
    throw invalid(`The document at ${url} is not a ${types.credential}.`);
  const subject = Array.isArray(vc.credentialSubject) ? vc.credentialSubject[0] : vc.credentialSubject;
  if (!isRecord(subject) || !typesOf(subject.type).includes(types.subject)) {
    throw invalid(`The status list at ${url} has no ${types.subject} subject.`);
  }
  if (!typesOf(subject.statusPurpose).includes(purpose)) {
    throw invalid(`The status list at ${url} is not a ${purpose} list.`);
  }
  if (typeof subject.encodedList !== 'string') throw invalid(`The status list at ${url} has no encodedList.`);
  checkValidity(vc, now, opts.clockToleranceMs ?? STATUS_CLOCK_TOLERANCE_MS);

  const listIssuer = issuerId(vc.issuer);
  if (opts.expectedIssuer !== undefined && listIssuer !== opts.expectedIssuer) {
    throw invalid(
      `The status list at ${url} was issued by ${listIssuer ?? 'nobody'}, not by the credential's issuer.`,
    );
  }
  if (opts.verifyListCredential) {
    let result: { verified: boolean; issuer?: string };
    try {
      result = await opts.verifyListCredential(vc);
    } catch (e) {
      if (isOpenBadgesError(e) && e.code.startsWith('FETCH_')) {
        throw new OpenBadgesError(
          'STATUS_UNREACHABLE',
          `The key of the status list at ${url} could not be fetched.`,
          {
            cause: e,
          },
        );
      }
      // A list signed in a suite this verifier lacks was not checked, not found wrong.
      if (isOpenBadgesError(e, 'PROOF_UNSUPPORTED')) throw e;
      throw invalid(`The proof of the status list at ${url} could not be checked.`, e);
    }
    if (!result.verified) throw invalid(`The proof of the status list at ${url} does not verify.`);
    if (
      opts.expectedIssuer !== undefined &&
      result.issuer !== undefined &&
      result.issuer !== opts.expectedIssuer
    ) {
      throw invalid(
        `The status list at ${url} is signed by ${result.issuer}, not by the credential's issuer.`,
      );
    }
  }

  let bits: Uint8Array;
  try {
    bits = decodeBitstring(subject.encodedList, {
      maxBytes: opts.maxListBytes ?? DEFAULT_MAX_BITSTRING_BYTES,
    });
  } catch (e) {
    throw invalid(`The encodedList of the status list at ${url} cannot be read: ${(e as Error).message}`, e);
  }
  if (bits.length * 8 < MIN_BITSTRING_LENGTH) {
    throw invalid(
      `The status list at ${url} is shorter than the ${MIN_BITSTRING_LENGTH} entries the spec requires.`,
    );
  }
  if (index >= bits.length * 8) {
    throw invalid(`Status index ${index} is outside the list at ${url} (${bits.length * 8} entries).`);
  }
  if (loaded.fetched) opts.cache?.set(url, vc);
  const set = getBit(bits, index);
  const status = !set ? 'ok' : purpose === 'revocation' ? 'revoked' : 'suspended';
  return {
    status,
    listCredential: url,
    checkedAt: now,
    fetchedAt: loaded.fetchedAt,
    stale: loaded.stale,
    ...(listIssuer ? { listIssuer } : {}),
  };
}
