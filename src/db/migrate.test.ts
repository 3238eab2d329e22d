import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type DatabaseHandle, type Db, openPglite, openPostgres } from './index.ts';
import { LEGACY_MIGRATION_NAMES } from './legacy-migration-names.ts';
import { listMigrations, MIGRATION_NAME, migrate, pendingMigrations } from './migrate.ts';
import { createPostgresDatabase, DIALECTS, type Dialect, useTestDatabase } from './testing.ts';

/**
 * The migrations of the first release that had any (e2b591d), under the names it recorded. A
 * script never changes once added, so they are today's files of those migrations.
 */
const FIRST_RELEASE = ['0100_accounts', '0200_orgs'];

const recordedNames = async (db: Db) =>
  (await sql<{ name: string }>`SELECT name FROM laurel_migrations ORDER BY name`.execute(db)).rows.map(
    (r) => r.name,
  );

async function openBlank(dialect: Dialect): Promise<DatabaseHandle> {
  return dialect === 'pglite' ? openPglite() : openPostgres(await createPostgresDatabase());
}

/** Runs scripts the way an older Laurel did and records them under the names it used. */
async function applyAsOldRelease(handle: DatabaseHandle, scripts: { name: string; file: string }[]) {
  await handle.execScript(
    'CREATE TABLE laurel_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const s of scripts)
    await handle.execScript(
      `BEGIN;\n${readFileSync(s.file, 'utf8')}\n;\nINSERT INTO laurel_migrations (name) VALUES ('${s.name}');\nCOMMIT;`,
    );
}

/** Columns, indexes and constraints of the public schema, in a stable order. */
async function schemaOf(db: Db) {
  const columns = await sql`
    SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`.execute(
    db,
  );
  const indexes = await sql`
    SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
    ORDER BY tablename, indexname`.execute(db);
  const constraints = await sql`
    SELECT conrelid::regclass::text AS table_name, conname, contype, pg_get_constraintdef(oid) AS def
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`.execute(db);
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
}

const USER = '11111111-1111-4111-8111-111111111111';
const ORG = '22222222-2222-4222-8222-222222222222';
const TEMPLATE = '33333333-3333-4333-8333-333333333333';
const AWARD = '44444444-4444-4444-8444-444444444444';

async function insertUserAndOrg(handle: DatabaseHandle) {
  await handle.execScript(`
    INSERT INTO users (id, name, handle, is_admin) VALUES ('${USER}', 'Ada Lovelace', 'ada', true);
    INSERT INTO user_emails (user_id, email, verified_at, is_primary) VALUES ('${USER}', 'ada@example.org', now(), true);
    INSERT INTO orgs (id, slug, name) VALUES ('${ORG}', 'analytical', 'Analytical Society');
    INSERT INTO org_members (org_id, user_id, role) VALUES ('${ORG}', '${USER}', 'owner');`);
}

async function insertTemplateAndAward(handle: DatabaseHandle) {
  await handle.execScript(`
    INSERT INTO badge_templates (id, org_id, name, description, criteria_narrative, image_png, status)
      VALUES ('${TEMPLATE}', '${ORG}', 'Engines', 'Knows engines', 'Built one', '\\x89504e47', 'active');
    INSERT INTO status_lists (id, org_id, purpose) VALUES ('55555555-5555-4555-8555-555555555555', '${ORG}', 'revocation');
    INSERT INTO awards (id, org_id, template_id, recipient_email, salt, issued_at, credential_json, credential_jwt,
        claim_token_hash, status_list_id, status_index)
      VALUES ('${AWARD}', '${ORG}', '${TEMPLATE}', 'ada@example.org', 's', now(), '{}', 'jwt', 'hash',
        '55555555-5555-4555-8555-555555555555', 0);`);
}

/** The rows the upgrade must keep; the tables it may not have yet count as empty. */
async function dataOf(db: Db) {
  const rows = async (query: ReturnType<typeof sql>) =>
    (await query.execute(db).catch(() => ({ rows: [] }))).rows;
  return {
    users: await rows(sql`SELECT id, name, handle, is_admin FROM users`),
    emails: await rows(sql`SELECT user_id, email, is_primary FROM user_emails`),
    orgs: await rows(sql`SELECT id, slug, name, reminder_days FROM orgs`),
    members: await rows(sql`SELECT org_id, user_id, role FROM org_members`),
    templates: await rows(sql`SELECT id, org_id, name, status FROM badge_templates`),
    awards: await rows(sql`SELECT id, template_id, recipient_email, status_index FROM awards`),
  };
}

describe('the migration naming rule', () => {
  const names = listMigrations().map((m) => m.name);

  it('numbers every migration once, in one sequence across features, with no gaps', () => {
    for (const name of names) expect(name).toMatch(MIGRATION_NAME);
    expect(names.map((n) => Number(n.slice(0, 4)))).toEqual(names.map((_, i) => i + 1));
  });

  it('maps every name recorded by older releases to a migration, keeping their order of addition', () => {
    const renamed = Object.values(LEGACY_MIGRATION_NAMES);
    expect(names.slice(0, renamed.length)).toEqual(renamed);
  });

  it('refuses a database that applied a migration after one it has not', () => {
    const all = listMigrations();
    const recorded = names.filter((n) => n !== names[3]);
    expect(() => pendingMigrations(all, recorded)).toThrow(
      `The database has applied migration ${names.at(-1)} but not ${names[3]}`,
    );
    expect(pendingMigrations(all, names.slice(0, 5)).map((m) => m.name)).toEqual(names.slice(5));
  });
});

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('applies every feature migration once, in order, and a second run is a no-op', async () => {
    expect(await recordedNames(t.db)).toEqual(listMigrations().map((m) => m.name));
    expect(await migrate(t.handle)).toEqual([]);
  });

  it('leaves nothing behind when a script fails half-way', async () => {
    await expect(
      t.handle.execScript('BEGIN; CREATE TABLE half_done (x int); SELECT 1/0; COMMIT;'),
    ).rejects.toThrow();
    const exists = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'`.execute(t.db);
    expect(exists.rows[0]!.n).toBe(0);
  });

  /** Upgrades a database built by `build` and checks it against the fresh one `t` holds. */
  const upgradeAndCompare = async (build: (handle: DatabaseHandle) => Promise<void>) => {
    const old = await openBlank(dialect);
    try {
      await build(old);
      const before = await dataOf(old.db);
      await migrate(old);
      expect(await recordedNames(old.db)).toEqual(listMigrations().map((m) => m.name));
      expect(await dataOf(old.db)).toEqual(before);
      const fresh = await schemaOf(t.db);
      expect(fresh.columns.length).toBeGreaterThan(100);
      expect(await schemaOf(old.db)).toEqual(fresh);
      expect(await migrate(old)).toEqual([]);
      return old;
    } catch (e) {
      await old.close();
      throw e;
    }
  };

  it('upgrades a database of the first release with migrations, keeping its rows', async () => {
    const today = new Map(listMigrations().map((m) => [m.name, m.file]));
    const oldest = FIRST_RELEASE.map((name) => ({ name, file: today.get(LEGACY_MIGRATION_NAMES[name]!)! }));
    const old = await upgradeAndCompare(async (handle) => {
      await applyAsOldRelease(handle, oldest);
      await insertUserAndOrg(handle);
    });
    try {
      await insertTemplateAndAward(old); // the upgraded schema takes what a new one takes
      expect((await dataOf(old.db)).awards).toHaveLength(1);
    } finally {
      await old.close();
    }
  });

  it('upgrades a database of the release before the global sequence (other order, old names)', async () => {
    const byNewName = new Map(listMigrations().map((m) => [m.name, m.file]));
    const previous = Object.entries(LEGACY_MIGRATION_NAMES)
      .map(([name, now]) => ({ name, file: byNewName.get(now)! }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)); // that release ran them by their old names
    const old = await upgradeAndCompare(async (handle) => {
      await applyAsOldRelease(handle, previous);
      await insertUserAndOrg(handle);
      await insertTemplateAndAward(handle);
    });
    await old.close();
  });

  it('refuses to start on a database missing a migration before one it has', async () => {
    const handle = await openBlank(dialect);
    try {
      await migrate(handle);
      const [, second] = listMigrations();
      await sql`DELETE FROM laurel_migrations WHERE name = ${second!.name}`.execute(handle.db);
      await expect(migrate(handle)).rejects.toThrow(`but not ${second!.name}, which comes before it`);
    } finally {
      await handle.close();
    }
  });
});
