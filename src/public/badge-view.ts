// The presenter of an award's public face: the one place that decides who may see a badge and
// which personal data is let out. Every /c/:id route goes through loadBadgeView.
import type { AppContext } from '../http/context.ts';
import { type Award, getAward } from '../issuing/service.ts';
import { type Org, getOrgById } from '../orgs/service.ts';
import { type Template, getTemplate } from '../templates/service.ts';
import { type VerificationReport, verifyOnPlatform } from '../verification/platform-verify.ts';
import { type AwardVisibility, awardVisibility, isUuid } from '../wallet/service.ts';

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
}

interface Cached {
  award: Award;
  org: Org;
  template: Template;
  at: number;
}

/*
 * The award, its org and template change rarely and are public facts once the page is public;
 * they are kept for a few seconds.
 */
const FACTS_TTL_MS = 15_000;
const MAX_ENTRIES = 2000;
const facts = new Map<string, Cached>();

function remember<V>(map: Map<string, V>, key: string, value: V) {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

async function loadFacts(ctx: AppContext, awardId: string): Promise<Cached | null> {
  const hit = facts.get(awardId);
  if (hit && Date.now() - hit.at < FACTS_TTL_MS) return hit;
  const award = await getAward(ctx.db, awardId);
  if (!award) return null;
  const [org, template] = await Promise.all([
    getOrgById(ctx.db, award.orgId),
    getTemplate(ctx.db, award.templateId),
  ]);
  if (!org || !template) return null;
  const entry = { award, org, template, at: Date.now() };
  remember(facts, awardId, entry);
  return entry;
}

/*
 * The privacy facts (public or private, whose, name shown) are read from the database at most
 * once a second per award: one query per page view would cap a busy page at the database's
 * query rate (PGlite runs one query at a time). A change made in this process applies at once
 * (forgetBadge); one made through another process sharing the PostgreSQL database applies
 * within VISIBILITY_TTL_MS.
 */
export const VISIBILITY_TTL_MS = 1000;
const visibilities = new Map<string, { value: AwardVisibility | null; at: number }>();

async function currentVisibility(ctx: AppContext, awardId: string): Promise<AwardVisibility | null> {
  const hit = visibilities.get(awardId);
  if (hit && Date.now() - hit.at < VISIBILITY_TTL_MS) return hit.value;
  const value = await awardVisibility(ctx.db, awardId);
  remember(visibilities, awardId, { value, at: Date.now() });
  return value;
}

/** Drops what this process remembers about an award (after a change made here). */
export function forgetBadge(awardId: string): void {
  const id = awardId.toLowerCase();
  visibilities.delete(id);
  facts.delete(id);
  reports.delete(id);
}

export function badgeState(award: Award, now = new Date()): BadgeState {
  if (award.revokedAt || award.state === 'rejected') return 'revoked';
  if (award.validUntil && award.validUntil < now) return 'expired';
  return 'valid';
}

/**
 * The award's public view, or null (rendered as 404, the same as a badge that does not exist)
 * unless it is accepted and public, or the viewer is its earner.
 */
export async function loadBadgeView(
  ctx: AppContext,
  awardId: string,
  viewerId: string | null,
): Promise<BadgeView | null> {
  if (!isUuid(awardId)) return null;
  const visibility = await currentVisibility(ctx, awardId.toLowerCase());
  if (!visibility) return null;
  const isOwner = viewerId !== null && viewerId === visibility.userId;
  if (visibility.visibility !== 'public' && !isOwner) return null;
  const f = await loadFacts(ctx, awardId.toLowerCase());
  if (f?.award.state !== 'accepted' || f.award.claimedBy !== visibility.userId) return null;
  return {
    award: f.award,
    org: f.org,
    template: f.template,
    visibility,
    isOwner,
    state: badgeState(f.award),
    recipientName: visibility.showRecipientName ? f.award.recipientName : null,
  };
}

// The verification report of an award's stored credential, kept briefly per award.
const REPORT_TTL_MS = 30_000;
const reports = new Map<string, { report: Promise<VerificationReport>; at: number }>();

export function awardReport(ctx: AppContext, award: Award): Promise<VerificationReport> {
  const hit = reports.get(award.id);
  if (hit && Date.now() - hit.at < REPORT_TTL_MS) return hit.report;
  const report = verifyOnPlatform(ctx, award.credentialJson);
  remember(reports, award.id, { report, at: Date.now() });
  report.catch(() => reports.delete(award.id));
  return report;
}
