// The presenter of an award's public face: the one place that decides who may see a badge and
// which personal data is let out. Every /c/:id route goes through loadBadgeView.
//
// Everything that decides trust or privacy (the award's state, revocation, expiry, who holds it,
// public or private, name shown) is read from the database, or from memory only while no change
// to those rows has been announced since (see viewsSlot), so a change made by any process sharing
// the database applies on the very next request of every other one.
import { LRUCache } from 'lru-cache';
import { changesOf } from '../db/changes.ts';
import type { AppContext } from '../http/context.ts';
import { slot } from '../http/runtime.ts';
import { AWARD_COLUMNS, type Award, toAward } from '../issuing/service.ts';
import { type Org, getOrgById } from '../orgs/service.ts';
import { statusListVersion } from '../status-lists/service.ts';
import { type Template, getTemplate } from '../templates/service.ts';
import { type VerificationReport, verifyOnPlatform } from '../verification/platform-verify.ts';
import { type AwardVisibility, awardAccess } from '../wallet/policy.ts';
import { isUuid } from '../util/checks.ts';

export type BadgeState = 'valid' | 'expired' | 'revoked';

export interface BadgeView {
  award: Award;
  org: Org;
  template: Template;
  visibility: AwardVisibility;
  /** The viewer is the earner (sees the badge even while private; views are not counted). */
  isOwner: boolean;
  state: BadgeState;
  /** The earner's name, only when they chose to show it. */
  recipientName: string | null;
  /**
   * The version of the award's status list, read in the same query as the award (same request,
   * same snapshot), so its report key needs no query of its own.
   */
  statusListVersion: number | null;
}

export function badgeState(
  award: Pick<Award, 'state' | 'revokedAt' | 'validUntil'>,
  now = new Date(),
): BadgeState {
  if (award.revokedAt || award.state === 'rejected') return 'revoked';
  if (award.validUntil && award.validUntil < now) return 'expired';
  return 'valid';
}

/** What a public view is made from: the same for every viewer, so it is kept (see viewsSlot). */
interface ViewData {
  award: Award;
  org: Org;
  template: Template;
  visibility: AwardVisibility;
  statusListVersion: number | null;
}

interface KeptView {
  data: ViewData;
  /** The change feed's stamp taken before the rows were read, and the keys of those rows. */
  stamp: number;
  keys: string[];
  /** When the view changes by the clock alone (the credential starts or stops being valid). */
  staleAt: number;
}

/*
 * Views kept in memory, served again only while the change feed (src/db/changes.ts) has heard
 * no change to any row they were read from — the award, its wallet item, its status list, its
 * organization and the organization's keys, its template — and while the clock has not reached a
 * date of the credential. So revocation, rejection, privacy changes and expiry show on the very
 * next request, in this process and, through PostgreSQL's notifications, in every other one.
 */
const viewsSlot = slot(
  'public.badgeViews',
  () =>
    new LRUCache<string, KeptView>({
      max: 5000,
      // The credential in both forms, and the anonymous page kept beside the view (~10 KB).
      maxSize: 48 * 1024 * 1024,
      sizeCalculation: (v) =>
        2 * (v.data.award.credentialJson.length + v.data.award.credentialJwt.length) + 16_384,
    }),
);

/**
 * The award's public view, or null (rendered as 404, the same as a badge that does not exist)
 * unless awardAccess lets this viewer see it.
 */
export async function loadBadgeView(
  ctx: AppContext,
  awardId: string,
  viewerId: string | null,
): Promise<BadgeView | null> {
  if (!isUuid(awardId)) return null;
  const id = awardId.toLowerCase();
  const data = await viewData(ctx, id);
  if (!data) return null;
  const { award, org, template, visibility, statusListVersion } = data;
  if (!awardAccess(award, visibility, viewerId)) return null;
  return {
    award,
    org,
    template,
    visibility,
    isOwner: viewerId !== null && viewerId === visibility.userId,
    state: badgeState(award),
    recipientName: visibility.showRecipientName ? award.recipientName : null,
    statusListVersion,
  };
}

async function viewData(ctx: AppContext, id: string): Promise<ViewData | null> {
  const feed = changesOf(ctx.db);
  const views = ctx.runtime.get(viewsSlot);
  const kept = views.get(id);
  if (kept && Date.now() < kept.staleAt && feed.fresh(kept.stamp, kept.keys)) {
    // On PostgreSQL, first hear every change committed before this request (by any process).
    if (!feed.needsSettle) return kept.data;
    await feed.settle();
    if (feed.fresh(kept.stamp, kept.keys)) return kept.data;
  } else if (feed.needsSettle) {
    // Heard before the stamp, a change committed before this read cannot make what it keeps stale.
    await feed.settle();
  }
  const stamp = feed.stamp();
  const found = await awardWithVisibility(ctx, id);
  if (!found) return null;
  const [org, template] = await Promise.all([
    getOrgById(ctx.db, found.award.orgId),
    getTemplate(ctx.db, found.award.templateId),
  ]);
  if (!org || !template) return null;
  const data: ViewData = { ...found, org, template };
  const keys = [`awards:${id}`, `orgs:${org.id}`, `badge_templates:${template.id}`];
  if (found.award.statusListId) keys.push(`status_lists:${found.award.statusListId}`);
  views.set(id, { data, stamp, keys, staleAt: nextDateReached(found.award, Date.now()) });
  return data;
}

/** The first of the award's and its credential's dates still ahead of `now` (Infinity: none). */
function nextDateReached(award: Award, now: number): number {
  const c = JSON.parse(award.credentialJson || '{}') as { validFrom?: string; validUntil?: string };
  const dates = [award.validUntil?.getTime(), Date.parse(c.validFrom ?? ''), Date.parse(c.validUntil ?? '')];
  return Math.min(...dates.filter((d): d is number => d !== undefined && d > now));
}

/**
 * The award, its wallet item (who holds it, public or private, name shown) and its status list's
 * version, in one query: on PGlite queries run one at a time, so each one on this path costs every
 * concurrent visitor. It reads the same rows as getAward, awardVisibility and statusListVersion
 * (the award's columns and mapping are the issuing service's own); it lives here because it joins
 * three features' tables for this one presenter. No wallet item (an award not accepted) or no award: null.
 */
async function awardWithVisibility(
  ctx: AppContext,
  id: string,
): Promise<{ award: Award; visibility: AwardVisibility; statusListVersion: number | null } | null> {
  const row = await ctx.db
    .selectFrom('awards')
    .innerJoin('walletItems', 'walletItems.awardId', 'awards.id')
    .leftJoin('statusLists', 'statusLists.id', 'awards.statusListId')
    .select(AWARD_COLUMNS.map((c) => `awards.${c}` as const))
    .select([
      'walletItems.id as itemId',
      'walletItems.userId as itemUserId',
      'walletItems.visibility as itemVisibility',
      'walletItems.showRecipientName as itemShowRecipientName',
      'walletItems.updatedAt as itemUpdatedAt',
      'statusLists.version as statusListVersion',
    ])
    .where('awards.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const award = toAward(row);
  const visibility: AwardVisibility = {
    itemId: row.itemId,
    userId: row.itemUserId,
    visibility: row.itemVisibility,
    showRecipientName: row.itemShowRecipientName,
    updatedAt: row.itemUpdatedAt,
  };
  return { award, visibility, statusListVersion: row.statusListVersion ?? null };
}

/*
 * Verification reports of awards, kept under a key read from the database on every request: the
 * version of the award's status list (it rises with every revocation in that list), the award's
 * revocation time and its state, and whether the credential's own dates have been reached. Any
 * change that could alter a report changes its key, so an entry is never served stale and no
 * process has to tell another to drop it; the cache only saves the work of verifying again.
 */
const reportsSlot = slot(
  'public.awardReports',
  () => new LRUCache<string, Promise<VerificationReport>>({ max: 2000 }),
);

function credentialDates(award: Award, now: Date): string {
  const c = JSON.parse(award.credentialJson || '{}') as { validFrom?: string; validUntil?: string };
  const reached = (d: string | undefined) => (d ? String(Date.parse(d) <= now.getTime()) : '-');
  return `${reached(c.validFrom)}${reached(c.validUntil)}`;
}

async function reportKey(
  ctx: AppContext,
  award: Award,
  now: Date,
  knownVersion: number | null | undefined,
): Promise<string> {
  const version =
    knownVersion !== undefined ? knownVersion : await statusListVersion(ctx.db, award.statusListId);
  return [
    award.id,
    version,
    award.revokedAt?.getTime() ?? '',
    badgeState(award, now),
    credentialDates(award, now),
  ].join('|');
}

/**
 * The verification report of an award's stored credential, as the platform shows it (the badge
 * page's panel, the wallet). The award's state in the database has the last word: a badge the
 * database says is revoked or expired is never shown as valid, whatever the credential says.
 */
export async function awardReport(
  ctx: AppContext,
  award: Award,
  opts: { now?: Date; statusListVersion?: number | null } = {},
): Promise<VerificationReport> {
  const now = opts.now ?? new Date();
  const key = await reportKey(ctx, award, now, opts.statusListVersion);
  const reports = ctx.runtime.get(reportsSlot);
  let report = reports.get(key);
  if (!report) {
    report = verifyOnPlatform(ctx, award.credentialJson, { now });
    reports.set(key, report);
    // A report that could not check everything may be a passing failure: it is not kept.
    report.then(
      (r) => r.verdict === 'indeterminate' && reports.delete(key),
      () => reports.delete(key),
    );
  }
  return withAwardState(await report, award, badgeState(award, now));
}

function withAwardState(report: VerificationReport, award: Award, state: BadgeState): VerificationReport {
  if (state === 'valid' || report.status === state) return report;
  const sentence =
    state === 'revoked'
      ? `The issuer revoked this badge${award.revocationReason ? `. The reason given: ${award.revocationReason}` : '.'}`
      : 'This badge has expired.';
  const stepId = state === 'revoked' ? 'status' : 'dates';
  const title = state === 'revoked' ? 'Revocation status' : 'Validity period';
  const failed = { id: stepId, title, result: 'fail', message: sentence } as const;
  const steps = report.steps.some((s) => s.id === stepId)
    ? report.steps.map((s) => (s.id === stepId ? failed : s))
    : [...report.steps, failed];
  return { ...report, verdict: 'invalid', status: state, summary: sentence, steps };
}
