// Engagement: views and shares of public pages.
//
// A view is counted on every public page load, so writing a row per view would put a database
// write on the hottest path. Counts are added up in memory and written in one statement per
// award and kind every few seconds (and before any read in this process, so reads are exact).
// A crash loses at most those seconds of counts; another process keeps its own buffer.
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AppContext } from '../http/context.ts';
import { slot } from '../http/runtime.ts';
import { isUuid } from '../util/checks.ts';

const FLUSH_MS = 2000;

interface EngagementBuffer {
  counts: Map<string, number>;
  timer: NodeJS.Timeout | null;
  /** The database the counts go to, known from the first one counted. */
  db: Db | null;
}

/** The counts not yet written; closing the runtime writes them (before the database closes). */
const engagementBuffer = slot<EngagementBuffer>(
  'wallet.engagement',
  () => ({ counts: new Map(), timer: null, db: null }),
  async (buffer) => {
    if (buffer.timer) clearTimeout(buffer.timer);
    buffer.timer = null;
    await write(buffer).catch(() => undefined);
  },
);

const today = () => new Date().toISOString().slice(0, 10);

/** Counts a view or a share (`share:<network>`) of an award's public page. */
export function recordEngagement(
  ctx: AppContext,
  award: { id: string; orgId: string; templateId: string },
  kind: string,
): void {
  if (!isUuid(award.id) || !/^(view|share:[a-z-]{1,20})$/.test(kind)) return;
  const buffer = ctx.runtime.get(engagementBuffer);
  buffer.db ??= ctx.db;
  const key = `${award.id}|${award.orgId}|${award.templateId}|${kind}|${today()}`;
  buffer.counts.set(key, (buffer.counts.get(key) ?? 0) + 1);
  if (!buffer.timer) {
    buffer.timer = setTimeout(() => {
      buffer.timer = null;
      write(buffer).catch(() => undefined);
    }, FLUSH_MS);
    buffer.timer.unref();
  }
}

/** Writes the buffered counts of this process. */
export async function flushEngagement(ctx: AppContext): Promise<void> {
  const buffer = ctx.runtime.peek(engagementBuffer);
  if (buffer) await write(buffer);
}

async function write(buffer: EngagementBuffer): Promise<void> {
  if (buffer.counts.size === 0 || !buffer.db) return;
  const rows = [...buffer.counts].map(([key, count]) => {
    const [awardId, orgId, templateId, kind, day] = key.split('|') as [
      string,
      string,
      string,
      string,
      string,
    ];
    return { awardId, orgId, templateId, kind, day, count };
  });
  buffer.counts = new Map();
  await buffer.db
    .insertInto('engagementEvents')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['awardId', 'kind', 'day']).doUpdateSet({
        count: sql`engagement_events.count + excluded.count`,
      }),
    )
    .execute();
}

/** Views and shares per award (for the issuer's list of issued badges). */
export async function engagementCounts(
  ctx: AppContext,
  awardIds: string[],
): Promise<Map<string, { views: number; shares: number }>> {
  const out = new Map<string, { views: number; shares: number }>();
  const ids = awardIds.filter(isUuid);
  for (const id of ids) out.set(id, { views: 0, shares: 0 });
  if (ids.length === 0) return out;
  await flushEngagement(ctx);
  const rows = await ctx.db
    .selectFrom('engagementEvents')
    .select(['awardId', 'kind', (eb) => eb.fn.sum<number>('count').as('total')])
    .where('awardId', 'in', ids)
    .groupBy(['awardId', 'kind'])
    .execute();
  for (const r of rows) {
    const entry = out.get(r.awardId)!;
    if (r.kind === 'view') entry.views += Number(r.total);
    else entry.shares += Number(r.total);
  }
  return out;
}

/** Every kind counted per template of an org: `view`, `share:linkedin`, … */
export async function engagementByTemplate(
  ctx: AppContext,
  orgId: string,
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (!isUuid(orgId)) return out;
  await flushEngagement(ctx);
  const rows = await ctx.db
    .selectFrom('engagementEvents')
    .select(['templateId', 'kind', (eb) => eb.fn.sum<number>('count').as('total')])
    .where('orgId', '=', orgId)
    .groupBy(['templateId', 'kind'])
    .execute();
  for (const r of rows) {
    const entry = out.get(r.templateId) ?? {};
    entry[r.kind] = Number(r.total);
    out.set(r.templateId, entry);
  }
  return out;
}
