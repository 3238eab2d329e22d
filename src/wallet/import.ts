// Importing a badge issued elsewhere: verified by the library (URLs through the SSRF guard),
// matched against the earner's confirmed emails, stored with a sanitized image. Every refusal
// says why, and nothing is stored unless every check passed.
import { detectImageType, sanitizeSvg, unbakeImage } from '@laurel/openbadges/bake';
import { matchesIdentity, normalizeEmail } from '@laurel/openbadges/ob3';
import { didWebFromUrl } from '@laurel/openbadges/proof';
import { createGuardedFetch } from '@laurel/openbadges/verify';
import { verifiedEmailsOf } from '../accounts/service.ts';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { slot } from '../http/runtime.ts';
import { type VerificationReport, verifyOnPlatform } from '../verification/platform-verify.ts';
import { type WalletItem, addImportedItem, getItemForAward, saveReport } from './service.ts';
import { isObject, isUuid } from '../util/checks.ts';
import { sha256Hex } from '../util/hash.ts';

export const MAX_IMPORT_MB = 5;
export const MAX_IMPORT_BYTES = MAX_IMPORT_MB * 1024 * 1024;
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export type ImportInput = { file: Uint8Array } | { text: string };

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const importTooLarge = () =>
  new LaurelError('TOO_LARGE', `The file is larger than ${MAX_IMPORT_MB} MB; badge files are far smaller.`);

const refuse = (message: string) => new LaurelError('INVALID', message, [{ field: 'badge', message }]);

interface Prepared {
  /** What verify() reads. */
  value: Uint8Array | string;
  /** What is stored and re-verified later: the credential text (JSON, JWT or OB 2.0 URL). */
  credentialText: string;
  image: { data: Buffer; type: string } | null;
  sourceUrl: string | null;
}

function prepare(input: ImportInput): Prepared {
  if ('file' in input) {
    const bytes = input.file;
    if (bytes.length > MAX_IMPORT_BYTES) throw importTooLarge();
    if (bytes.length === 0) throw refuse('The file is empty.');
    const type = detectImageType(bytes);
    if (type === 'svg') {
      let clean: string;
      try {
        clean = sanitizeSvg(bytes, { keepCredential: true });
      } catch (e) {
        throw refuse(`The SVG image could not be read safely: ${(e as Error).message}`);
      }
      const data = Buffer.from(clean, 'utf8');
      return {
        value: data,
        credentialText: unbaked(data),
        image: { data, type: 'image/svg+xml' },
        sourceUrl: null,
      };
    }
    if (type === 'png') {
      const data = Buffer.from(bytes);
      return {
        value: data,
        credentialText: unbaked(data),
        image: { data, type: 'image/png' },
        sourceUrl: null,
      };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw refuse('The file is not a badge: it is neither a PNG or SVG image nor a JSON or JWT text file.');
    }
    return prepare({ text });
  }
  const text = input.text.replace(/^\uFEFF/, '').trim();
  if (!text) throw refuse('Choose a badge file, or paste a badge URL or credential.');
  if (text.length > MAX_IMPORT_BYTES)
    throw new LaurelError(
      'TOO_LARGE',
      `The text is larger than ${MAX_IMPORT_MB} MB; credentials are far smaller.`,
    );
  if (/^https?:\/\//i.test(text)) return { value: text, credentialText: text, image: null, sourceUrl: text };
  if (text.startsWith('{') || /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text))
    return { value: text, credentialText: text, image: null, sourceUrl: null };
  throw refuse('That is not a badge: paste an https URL, credential JSON or a JWT.');
}

function unbaked(image: Buffer): string {
  try {
    return unbakeImage(image).text;
  } catch (e) {
    throw refuse(`The image carries no readable badge: ${(e as Error).message}`);
  }
}

/** The recipient identifiers of an OB 3.0 credential or an OB 2.0 assertion. */
export function recipientIdentifiers(credential: unknown): Obj[] {
  if (!isObject(credential)) return [];
  const out: Obj[] = [];
  for (const subject of asArray(credential.credentialSubject))
    if (isObject(subject))
      for (const ident of asArray(subject.identifier)) if (isObject(ident)) out.push(ident);
  if (isObject(credential.recipient)) out.push(credential.recipient);
  return out;
}

/** Whether any of `emails` is the (hashed or plain) email recipient of the credential. */
export function issuedToAny(credential: unknown, emails: string[]): boolean {
  const idents = recipientIdentifiers(credential).filter((i) => {
    const kind = str(i.identityType) ?? str(i.type);
    return kind === undefined || kind === 'emailAddress' || kind === 'email';
  });
  return idents.some((ident) => emails.some((e) => matchesIdentity(ident, normalizeEmail(e))));
}

function failedStep(report: VerificationReport) {
  return report.steps.find((s) => s.result === 'fail') ?? report.steps.find((s) => s.result === 'warn');
}

/** Fetches achievement images of imported badges through the SSRF guard (one per context). */
const imageFetchSlot = slot('wallet.imageFetch', () =>
  createGuardedFetch({ timeoutMs: 5000, maxBytes: MAX_IMAGE_BYTES, userAgent: 'Laurel wallet' }),
);

/** The achievement's image as stored bytes: a data: URI decoded, an https URL fetched through the guard. */
async function achievementImage(
  ctx: AppContext,
  image: unknown,
): Promise<{ data: Buffer; type: string } | null> {
  const ref = str(image) ?? (isObject(image) ? str(image.id) : undefined);
  if (!ref) return null;
  let data: Buffer | null = null;
  try {
    const m = /^data:image\/(png|svg\+xml)(;base64)?,(.*)$/s.exec(ref);
    if (m) data = m[2] ? Buffer.from(m[3]!, 'base64') : Buffer.from(decodeURIComponent(m[3]!), 'utf8');
    else if (/^https:\/\//i.test(ref)) {
      const res = await ctx.runtime.get(imageFetchSlot)(ref, { accept: 'image/png, image/svg+xml' });
      if (res.status === 200) data = Buffer.from(res.body);
    }
    if (!data || data.length > MAX_IMAGE_BYTES) return null;
    const type = detectImageType(data);
    if (type === 'png') return { data, type: 'image/png' };
    if (type === 'svg') return { data: Buffer.from(sanitizeSvg(data), 'utf8'), type: 'image/svg+xml' };
  } catch {
    return null;
  }
  return null;
}

const credentialKey = (credential: unknown, text: string) => {
  const id = isObject(credential) ? str(credential.id) : undefined;
  return sha256Hex(id ? `id:${id}` : `text:${text}`);
};

/** Verifies and stores an imported badge in `userId`'s wallet. */
export async function importBadge(ctx: AppContext, userId: string, input: ImportInput): Promise<WalletItem> {
  const prepared = prepare(input);
  const report = await verifyOnPlatform(ctx, prepared.value);
  if (report.status === 'revoked')
    throw refuse(`This badge has been revoked by its issuer. ${report.summary}`);
  if (report.verdict !== 'valid' && report.status !== 'expired') {
    const step = failedStep(report);
    // A fetch failure's detail names its cause: a private address refused, no such host, a timeout.
    const cause = step?.code?.startsWith('FETCH_') && step.detail ? ` ${step.detail}` : '';
    const why = step ? `${step.title}: ${step.message}${cause}` : report.summary;
    throw refuse(
      report.verdict === 'invalid'
        ? `This badge could not be verified, so it was not added. ${why}`
        : `This badge could not be checked completely, so it was not added. ${why}`,
    );
  }
  const credential = report.credential;
  const emails = await verifiedEmailsOf(ctx.db, userId);
  if (!issuedToAny(credential, emails))
    throw refuse(
      'This badge was issued to an email address that is not one of your confirmed addresses. Add and confirm that address on your account page, then import it again.',
    );
  const id = isObject(credential) ? str(credential.id) : undefined;
  const own = id ? /^urn:uuid:([0-9a-f-]{36})$/i.exec(id)?.[1] : undefined;
  if (own && isUuid(own) && (await getItemForAward(ctx.db, own.toLowerCase()))?.userId === userId)
    throw new LaurelError('CONFLICT', 'This badge is already in your wallet.');
  const image = prepared.image ?? (await achievementImage(ctx, report.achievement?.image));
  return addImportedItem(ctx.db, {
    userId,
    credentialText: prepared.credentialText,
    credentialHash: credentialKey(credential, prepared.credentialText),
    format: report.format,
    sourceUrl: prepared.sourceUrl,
    issuerName: (report.issuer?.name ?? report.issuer?.id ?? 'Unknown issuer').slice(0, 300),
    issuerId: report.issuer?.id?.slice(0, 500) ?? null,
    badgeName: (report.achievement?.name ?? 'Badge').slice(0, 300),
    badgeDescription: report.achievement?.description?.slice(0, 5000) ?? null,
    image,
    imageUrl: null,
    validUntil: report.validUntil ? new Date(report.validUntil) : null,
    report: stripCredential(report),
  });
}

/** The identifier a stored credential gives itself (JSON `id`, a JWT's `jti` or `vc.id`, an OB 2.0 URL). */
export function credentialIdOf(text: string): string | undefined {
  if (/^https?:\/\//i.test(text)) return text;
  try {
    const json: unknown = text.startsWith('{')
      ? JSON.parse(text)
      : JSON.parse(Buffer.from(text.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isObject(json)) return undefined;
    return str(json.id) ?? str(json.jti) ?? (isObject(json.vc) ? str(json.vc.id) : undefined);
  } catch {
    return undefined;
  }
}

/** The report without the credential itself (stored beside it already). */
export function stripCredential(report: VerificationReport): VerificationReport {
  const { credential: _c, ...rest } = report;
  return rest as VerificationReport;
}

const REVERIFY_AFTER_MS = 60_000;

/**
 * Whether the credential was issued by one of this platform's organizations: its status is in
 * our own database, so it is verified on every request (in-process, cheaply) and never read from
 * an older report, and a revocation made here shows at once.
 */
function issuedHere(ctx: AppContext, item: WalletItem): boolean {
  const issuer = item.issuerId ?? '';
  return (
    issuer.startsWith(`${didWebFromUrl(ctx.config.baseUrl)}:`) || issuer.startsWith(`${ctx.config.baseUrl}/`)
  );
}

/**
 * An imported item's report and when it ran, verified again when the stored one is over a minute
 * old (at once for a badge issued here).
 */
export async function currentReport(
  ctx: AppContext,
  item: WalletItem,
): Promise<{ report: VerificationReport | null; checkedAt: Date | null }> {
  if (!item.credentialText) return { report: null, checkedAt: null };
  const fresh =
    !issuedHere(ctx, item) &&
    item.lastVerifiedAt &&
    Date.now() - item.lastVerifiedAt.getTime() < REVERIFY_AFTER_MS;
  if (fresh && item.lastReport)
    return { report: item.lastReport as VerificationReport, checkedAt: item.lastVerifiedAt };
  const report = stripCredential(await verifyOnPlatform(ctx, item.credentialText));
  const checkedAt = new Date();
  await saveReport(ctx.db, item.id, report, checkedAt);
  return { report, checkedAt };
}
