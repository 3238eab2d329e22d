import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from './migrate.ts';
import { DIALECTS, useTestDatabase } from './testing.ts';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('applies every feature migration once, in order, and a second run is a no-op', async () => {
    const names = (
      await t.db
        .selectFrom('laurel_migrations' as any)
        .select('name')
        .orderBy('name')
        .execute()
    ).map((r: any) => r.name);
    expect(names).toEqual(listMigrations().map((m) => m.name));
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
});
