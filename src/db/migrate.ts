import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './index.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/**
 * Migrations are plain SQL owned by the feature folders (`src/<feature>/migrations/NNNN_name.sql`).
 * They run in file-name order across features, each once. A script runs inside one
 * transaction with its bookkeeping row, and an advisory lock keeps two starting
 * processes on one PostgreSQL server from racing.
 */
export function listMigrations(): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  for (const feature of readdirSync(SRC, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    const dir = join(SRC, feature.name, 'migrations');
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const f of files)
      if (f.endsWith('.sql')) found.push({ name: basename(f, '.sql'), file: join(dir, f) });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export async function migrate(handle: DatabaseHandle): Promise<string[]> {
  await handle.execScript(
    'CREATE TABLE IF NOT EXISTS laurel_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: string[] = [];
  for (const m of listMigrations()) {
    const name = m.name.replace(/'/g, "''");
    const script = `BEGIN;
SELECT pg_advisory_xact_lock(7348211);
DO $laurel$ BEGIN
  IF EXISTS (SELECT 1 FROM laurel_migrations WHERE name = '${name}') THEN RAISE EXCEPTION 'laurel:already-applied'; END IF;
END $laurel$;
${readFileSync(m.file, 'utf8')}
;
INSERT INTO laurel_migrations (name) VALUES ('${name}');
COMMIT;`;
    const done = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM laurel_migrations WHERE name = ${m.name}`.execute(handle.db);
    if (done.rows[0]!.n > 0) continue;
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
