import { readClock } from '../clock.ts';
import { OpenBadgesError } from '../errors.ts';
import { type FetchJson, isHttpUrl, isRecord, loadStatusDocument, typesOf } from './load-status-document.ts';
import type { StatusCache } from './status-cache.ts';

export interface RevocationResult {
  revoked: boolean;
  reason?: string;
}

function invalid(message: string): OpenBadgesError {
  return new OpenBadgesError('STATUS_INVALID', message);
}

function reasonOf(item: Record<string, unknown>): string | undefined {
  return typeof item.revocationReason === 'string' && item.revocationReason !== ''
    ? item.revocationReason
    : undefined;
}

/**
 * 1EdTech Revocation List (`credentialStatus.type` `1EdTechRevocationList`, VCRL 1.0): GET the
 * entry's `id`; the credential is revoked when its id is listed and `revoked` is true or absent.
 * The spec names the array `revokedCredential`; the 1EdTech validator reads `revokedCredentials`,
 * so both are read.
 */
export async function check1EdTechRevocation(
  entry: unknown,
  credentialId: string,
  opts: { fetchJson: FetchJson; cache?: StatusCache; now?: () => Date },
): Promise<RevocationResult & { listUrl: string; fetchedAt: Date; stale: boolean }> {
  if (!isRecord(entry) || !typesOf(entry.type).includes('1EdTechRevocationList')) {
    throw invalid('The credential status entry is not a 1EdTechRevocationList.');
  }
  if (!isHttpUrl(entry.id)) throw invalid('The 1EdTechRevocationList entry has no http(s) id to fetch.');
  const url = entry.id;
  const now = readClock(opts.now);
  const loaded = await loadStatusDocument(url, opts.fetchJson, opts.cache, now);
  const list = loaded.value;
  if (!isRecord(list)) throw invalid(`The revocation list at ${url} is not a JSON object.`);
  const items = list.revokedCredential ?? list.revokedCredentials;
  if (items !== undefined && !Array.isArray(items)) {
    throw invalid(`The revokedCredential member of the revocation list at ${url} is not an array.`);
  }
  if (loaded.fetched) opts.cache?.set(url, list);
  const meta = { listUrl: url, fetchedAt: loaded.fetchedAt, stale: loaded.stale };
  for (const item of items ?? []) {
    if (isRecord(item) && item.id === credentialId && item.revoked !== false) {
      const reason = reasonOf(item);
      return reason ? { revoked: true, reason, ...meta } : { revoked: true, ...meta };
    }
  }
  return { revoked: false, ...meta };
}

/**
 * OB 2.0 issuer `revocationList`: `revokedAssertions` holds assertion ids (strings) or objects
 * naming an `id` or a `uid`, with an optional `revocationReason`.
 */
export function checkOb2RevocationList(
  listJson: unknown,
  assertion: { id: string; uid?: string },
): RevocationResult {
  if (!isRecord(listJson)) throw invalid('The OB 2.0 revocation list is not a JSON object.');
  if (listJson.type !== undefined && !typesOf(listJson.type).includes('RevocationList')) {
    throw invalid('The OB 2.0 revocation list does not have type RevocationList.');
  }
  const items = listJson.revokedAssertions ?? [];
  if (!Array.isArray(items))
    throw invalid('The revokedAssertions of the OB 2.0 revocation list is not an array.');
  for (const item of items) {
    if (item === assertion.id) return { revoked: true };
    if (!isRecord(item)) continue;
    const matches = item.id === assertion.id || (assertion.uid !== undefined && item.uid === assertion.uid);
    if (matches) {
      const reason = reasonOf(item);
      return reason ? { revoked: true, reason } : { revoked: true };
    }
  }
  return { revoked: false };
}
