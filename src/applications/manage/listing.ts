// The public listing: which of an organization's templates its public pages offer to apply for
// (open to anyone, inside the dates, below the cap, active), each with its application link.
import type { Config } from '../../config.ts';
import type { Executor } from '../../db/index.ts';
import { applyUrl } from '../apply/links.ts';
import { openTemplateIds } from './settings.ts';

export interface ApplyOffer {
  id: string;
  name: string;
  url: string;
}

/** The offers among `templates` (all of one organization), in their order; one query. */
export async function applyOffers(
  ctx: { db: Executor; config: Config },
  orgId: string,
  templates: { id: string; name: string; status: string }[],
): Promise<ApplyOffer[]> {
  if (!templates.length) return [];
  const open = await openTemplateIds(ctx.db, orgId);
  return templates
    .filter((t) => t.status === 'active' && open.has(t.id))
    .map((t) => ({ id: t.id, name: t.name, url: applyUrl(ctx.config, t.id) }));
}
