import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { LaurelError, notFound } from '../errors.ts';
import { isUuid } from '../util/checks.ts';
import { sha256Hex as sha256 } from '../util/hash.ts';

export const API_SCOPES = [
  'templates:read',
  'templates:write',
  'awards:read',
  'awards:issue',
  'awards:revoke',
  'applications:read',
  'applications:review',
  'codes:manage',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_LABELS: Record<ApiScope, string> = {
  'templates:read': 'Read badge templates',
  'templates:write': 'Create and edit badge templates',
  'awards:read': 'Read issued awards',
  'awards:issue': 'Issue awards',
  'awards:revoke': 'Revoke awards',
  'applications:read': 'Read applications for badges',
  'applications:review': 'Decide on applications and message applicants',
  'codes:manage': 'Create, export and disable claim codes',
};

export interface ApiKeyInfo {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeyAuth {
  orgId: string;
  keyId: string;
  scopes: ApiScope[];
}

/*
 * Keys look like `lrl_<prefix>_<secret>`: the prefix (10 hex characters) finds the row, the
 * secret (32 random bytes) proves possession. Only SHA-256 of the secret is stored. A slow
 * password hash (argon2) exists to make guessing low-entropy human passwords expensive; a
 * 256-bit random secret cannot be guessed either way, and a fast hash keeps every API request
 * cheap (argon2 would add ~7 ms per call) while a stolen database still reveals no usable key.
 */
const KEY_FORMAT = /^lrl_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

export function parseScopes(input: string | string[] | undefined): ApiScope[] {
  const list = (Array.isArray(input) ? input : String(input ?? '').split(/[\s,]+/))
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (bad.length)
    throw new LaurelError('INVALID', 'Unknown scope.', [
      {
        field: 'scopes',
        message: `Unknown scope “${bad[0]!.slice(0, 40)}”; choose from ${API_SCOPES.join(', ')}.`,
      },
    ]);
  return [...new Set(list)] as ApiScope[];
}

/** Creates a key; the returned `key` is the only time the full secret exists outside the caller. */
export async function createApiKey(
  db: Db,
  input: { orgId: string; name: string; scopes: ApiScope[]; createdBy?: string | null },
): Promise<{ key: string; info: ApiKeyInfo }> {
  const name = input.name.trim();
  const errors = [];
  if (!name || name.length > 100)
    errors.push({
      field: 'name',
      message: name ? 'The name is too long (100 characters at most).' : 'Give the key a name.',
    });
  if (input.scopes.length === 0) errors.push({ field: 'scopes', message: 'Choose at least one scope.' });
  if (errors.length) throw new LaurelError('INVALID', 'The key could not be created.', errors);
  const prefix = randomBytes(5).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('apiKeys')
    .values({
      orgId: input.orgId,
      name,
      prefix,
      secretHash: sha256(secret),
      scopes: input.scopes,
      createdBy: input.createdBy ?? null,
    })
    .returning(INFO_COLUMNS)
    .executeTakeFirstOrThrow();
  return { key: `lrl_${prefix}_${secret}`, info: { ...row, scopes: row.scopes as ApiScope[] } };
}

/** What a key's owner sees of it: everything but the secret's hash. */
const INFO_COLUMNS = [
  'id',
  'orgId',
  'name',
  'prefix',
  'scopes',
  'createdBy',
  'createdAt',
  'lastUsedAt',
  'revokedAt',
] as const;

export async function listApiKeys(db: Db, orgId: string): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('apiKeys')
    .select(INFO_COLUMNS)
    .where('orgId', '=', orgId)
    .orderBy('revokedAt', (ob) => ob.desc().nullsFirst())
    .orderBy('createdAt', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, scopes: r.scopes as ApiScope[] }));
}

export async function revokeApiKey(db: Db, orgId: string, keyId: string): Promise<void> {
  if (!isUuid(keyId)) throw notFound('That key');
  const r = await db
    .updateTable('apiKeys')
    .set({ revokedAt: new Date() })
    .where('id', '=', keyId)
    .where('orgId', '=', orgId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw notFound('That key');
}

/** Checks a full key string; null when it is not a live key. */
export async function verifyApiKey(db: Db, key: string): Promise<ApiKeyAuth | null> {
  const m = KEY_FORMAT.exec(key);
  if (!m) return null;
  const row = await db
    .selectFrom('apiKeys')
    .select(['id', 'orgId', 'secretHash', 'scopes', 'revokedAt', 'lastUsedAt'])
    .where('prefix', '=', m[1]!)
    .executeTakeFirst();
  if (!row || row.revokedAt) return null;
  const given = Buffer.from(sha256(m[2]!), 'hex');
  if (!timingSafeEqual(given, Buffer.from(row.secretHash, 'hex'))) return null;
  // last_used_at at minute resolution: one write per key per minute, not per request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.updateTable('apiKeys').set({ lastUsedAt: sql`now()` }).where('id', '=', row.id).execute();
  }
  return { orgId: row.orgId, keyId: row.id, scopes: row.scopes as ApiScope[] };
}

/** The 401 of the organization API: for a wrong, revoked or absent key alike (no hint which). */
export const MISSING_API_KEY =
  'Missing or invalid API key. Send a live key of this organization as Authorization: Bearer <key>, or call from a signed-in session.';

/**
 * The API key of a request (`Authorization: Bearer lrl_…`). Null when the request carries
 * no Bearer token (the caller may then use the session); UNAUTHENTICATED when it carries one
 * that is not a live key — a wrong or revoked key never falls back to a cookie.
 */
export async function authenticateApiKey(db: Db, request: FastifyRequest): Promise<ApiKeyAuth | null> {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const auth = m ? await verifyApiKey(db, m[1]!) : null;
  if (!auth) throw new LaurelError('UNAUTHENTICATED', MISSING_API_KEY);
  return auth;
}
