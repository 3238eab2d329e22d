// Share targets for a public badge page (openbadges.md §7). Pure functions: the caller decides
// whether the badge may be shared at all.
import { escapeHtml } from '@laurel/jsx';
import QRCode from 'qrcode';

export const NETWORKS = ['linkedin', 'x', 'facebook', 'email'] as const;
export type Network = (typeof NETWORKS)[number];
export const isNetwork = (v: string): v is Network => (NETWORKS as readonly string[]).includes(v);

export interface ShareableBadge {
  /** The badge's public page: what every share points at. */
  url: string;
  /** The credential's identifier, for LinkedIn's "credential ID". */
  credentialId: string;
  badgeName: string;
  issuerName: string;
  /** The organization's LinkedIn company id, when it set one. */
  linkedinOrgId: string | null;
  issuedAt: Date;
  validUntil: Date | null;
  /** The badge image at a public address, for the signature and a plain embed; null without one. */
  imageUrl: string | null;
  /** A frameable card with the badge's live state (/c/:id/embed); null where there is none (imported badges). */
  cardUrl: string | null;
}

export const publicUrl = (baseUrl: string, awardId: string) => `${baseUrl}/c/${awardId}`;

/** A badge issued here: its page is /c/:id and its award id is the credential's. */
export function shareableAward(
  baseUrl: string,
  award: { id: string; issuedAt: Date; validUntil: Date | null },
  names: { badgeName: string; issuerName: string; linkedinOrgId: string | null },
): ShareableBadge {
  const url = publicUrl(baseUrl, award.id);
  return {
    url,
    imageUrl: `${url}/image.png`,
    cardUrl: `${url}/embed`,
    credentialId: award.id,
    issuedAt: award.issuedAt,
    validUntil: award.validUntil,
    ...names,
  };
}

const query = (params: [string, string | number | undefined][]) =>
  params
    .filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');

/**
 * LinkedIn's add-to-profile link for a certification. The organization's numeric id makes the
 * entry show the company logo; without one LinkedIn takes the name as free text.
 */
export function linkedInAddToProfileUrl(badge: ShareableBadge): string {
  const orgParam: [string, string] = badge.linkedinOrgId
    ? ['organizationId', badge.linkedinOrgId]
    : ['organizationName', badge.issuerName];
  return `https://www.linkedin.com/profile/add?${query([
    ['startTask', 'CERTIFICATION_NAME'],
    ['name', badge.badgeName],
    orgParam,
    ['issueYear', badge.issuedAt.getUTCFullYear()],
    ['issueMonth', badge.issuedAt.getUTCMonth() + 1],
    ['expirationYear', badge.validUntil?.getUTCFullYear()],
    ['expirationMonth', badge.validUntil ? badge.validUntil.getUTCMonth() + 1 : undefined],
    ['certUrl', badge.url],
    ['certId', badge.credentialId],
  ])}`;
}

const shareText = (badge: ShareableBadge) => `I earned “${badge.badgeName}” from ${badge.issuerName}.`;

/** Where `/c/:id/share/:network` sends the visitor after counting the share. */
export function shareTargetUrl(badge: ShareableBadge, network: Network): string {
  const url = badge.url;
  switch (network) {
    case 'linkedin':
      return `https://www.linkedin.com/sharing/share-offsite/?${query([['url', url]])}`;
    case 'x':
      return `https://x.com/intent/post?${query([
        ['text', shareText(badge)],
        ['url', url],
      ])}`;
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?${query([['u', url]])}`;
    case 'email':
      return `mailto:?${query([
        ['subject', `My badge: ${badge.badgeName}`],
        ['body', `${shareText(badge)}\n\nSee it and check that it is genuine: ${url}`],
      ])}`;
  }
}

/**
 * For a web page: an iframe of the frameable card where the badge has one, with a plain link for
 * sites that strip iframes; otherwise the linked image and name (the page it links to verifies it).
 */
export function embedSnippet(badge: ShareableBadge): string {
  const title = `${badge.badgeName} — ${badge.issuerName}`;
  const link = `<p><a href="${escapeHtml(badge.url)}">${escapeHtml(title)}</a></p>`;
  if (badge.cardUrl)
    return (
      `<iframe src="${escapeHtml(badge.cardUrl)}" title="${escapeHtml(title)}" width="320" height="380" ` +
      `style="border:0;max-width:100%" loading="lazy"></iframe>\n${link}`
    );
  return badge.imageUrl ? `${linkedImage(badge, 160)}\n${link}` : link;
}

/** For an email signature: the linked image, or the linked name without one; no script (mail clients run none). */
export function signatureSnippet(badge: ShareableBadge): string {
  return badge.imageUrl
    ? linkedImage(badge, 96)
    : `<a href="${escapeHtml(badge.url)}">${escapeHtml(`${badge.badgeName} — ${badge.issuerName}`)}</a>`;
}

function linkedImage(badge: ShareableBadge, size: number): string {
  const alt = `${badge.badgeName} — ${badge.issuerName}`;
  return `<a href="${escapeHtml(badge.url)}"><img src="${escapeHtml(badge.imageUrl ?? '')}" alt="${escapeHtml(alt)}" width="${size}" height="${size}"></a>`;
}

/** A QR code of the public URL as SVG. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 256 });
}
