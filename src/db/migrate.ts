import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './index.ts';
import { LEGACY_MIGRATION_NAMES } from './legacy-migration-names.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Held for each script, so two processes starting on one PostgreSQL server never race. */
const LOCK = 'SELECT pg_advisory_xact_lock(7348211);';

/**
 * Migrations are plain SQL owned by the feature folders: `src/<feature>/migrations/NNNN_name.sql`.
 *
 * The naming rule: NNNN is one sequence across all features, and a new migration takes the next
 * number after every existing one, whatever its feature. They run in that order, each once, so a
 * new database and an old one run them in the same order. A database that has applied a migration
 * after one it has not (a script inserted in the middle) is refused rather than migrated in an
 * order no other database saw. Each script runs inside one transaction with its bookkeeping row.
 */
export const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+$/;

export interface Migration {
  name: string;
  file: string;
}

export function listMigrations(root = SRC): Migration[] {
  const found: Migration[] = [];
  for (const feature of readdirSync(root, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    const dir = join(root, feature.name, 'migrations');
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const f of files)
      if (f.endsWith('.sql')) found.push({ name: basename(f, '.sql'), file: join(dir, f) });
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  found.forEach((m, i) => {
    const number = MIGRATION_NAME.exec(m.name)?.[1];
    if (!number) throw new Error(`Migration ${m.file}: the name must be NNNN_name (lower case)`);
    if (number === found[i - 1]?.name.slice(0, 4))
      throw new Error(`Migrations ${found[i - 1]!.name} and ${m.name} share the number ${number}`);
  });
  return found;
}

/**
 * The migrations still to apply, in order; throws when one of them sorts before a migration the
 * database already has, since applying it now would run it in an order no fresh database runs.
 */
export function pendingMigrations(all: Migration[], recorded: Iterable<string>): Migration[] {
  const done = new Set(recorded);
  const last = [...done].sort().at(-1);
  const pending = all.filter((m) => !done.has(m.name));
  const early = last === undefined ? undefined : pending.find((m) => m.name < last);
  if (early)
    throw new Error(
      `The database has applied migration ${last} but not ${early.name}, which comes before it. ` +
        `A migration must be numbered after every existing one; rename ${early.name} so that it does.`,
    );
  return pending;
}

/** Rewrites names recorded before the global sequence; idempotent, in one transaction. */
async function renameLegacyRecords(handle: DatabaseHandle): Promise<void> {
  const pairs = Object.entries(LEGACY_MIGRATION_NAMES)
    .map(([from, to]) => `('${from}', '${to}')`)
    .join(', ');
  await handle.execScript(`BEGIN;
${LOCK}
UPDATE laurel_migrations SET name = r.name_now FROM (VALUES ${pairs}) AS r(name_then, name_now)
  WHERE laurel_migrations.name = r.name_then;
COMMIT;`);
}

export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  await handle.execScript(
    'CREATE TABLE IF NOT EXISTS laurel_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  await renameLegacyRecords(handle);
  const recorded = await sql<{ name: string }>`SELECT name FROM laurel_migrations`.execute(handle.db);
  const applied: string[] = [];
  for (const m of pendingMigrations(
    listMigrations(),
    recorded.rows.map((r) => r.name),
  )) {
    const name = m.name.replace(/'/g, "''");
    // Another process may have applied it since the list was read: the check under the lock decides.
    const script = `BEGIN;
${LOCK}
DO $laurel$ BEGIN
  IF EXISTS (SELECT 1 FROM laurel_migrations WHERE name = '${name}') THEN RAISE EXCEPTION 'laurel:already-applied'; END IF;
END $laurel$;
${readFileSync(m.file, 'utf8')}
;
INSERT INTO laurel_migrations (name) VALUES ('${name}');
COMMIT;`;
    try {
      await handle.execScript(script);
      applied.push(m.name);
    } catch (e) {
      if (String((e as Error).message).includes('laurel:already-applied')) continue; // another process won
      throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
    }
  }
  return applied;
}
