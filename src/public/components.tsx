// Pieces shared by the public badge page, the wallet and the claim page.
import { type SafeHtml, escapeHtml, raw } from '@laurel/jsx';
import type { VerificationReport } from '../verification/platform-verify.ts';
import { Alert, Pill, UploadForm, formatDate } from '../ui/components.tsx';
import { count } from '../ui/count.ts';
import type { BadgeState } from './badge-view.ts';

/** The public page of a badge its earner imported (badges issued here live at /c/:id). */
export const importedBadgePath = (handle: string, itemId: string) => `/u/${handle}/badges/${itemId}`;
export const importedBadgeUrl = (baseUrl: string, handle: string, itemId: string) =>
  `${baseUrl}${importedBadgePath(handle, itemId)}`;

const RESULT_LABEL = { pass: 'Passed', fail: 'Failed', warn: 'Warning', skipped: 'Not checked' } as const;
const MARK = { pass: '✓', fail: '✗', warn: '!', skipped: '–' } as const;

/** The state of a badge in plain words: valid, expired (when), or revoked (why). */
export function StateLine(props: {
  state: BadgeState | 'unverified';
  validUntil?: Date | string | null;
  reason?: string | null;
}) {
  switch (props.state) {
    case 'valid':
      return (
        <p class="state">
          <Pill kind="ok">Valid</Pill>{' '}
          {props.validUntil ? `Valid until ${formatDate(props.validUntil)}.` : 'This badge does not expire.'}
        </p>
      );
    case 'expired':
      return (
        <p class="state">
          <Pill kind="warn">Expired</Pill> This badge expired on {formatDate(props.validUntil)}.
        </p>
      );
    case 'revoked':
      return (
        <p class="state">
          <Pill kind="bad">Revoked</Pill> The issuer revoked this badge
          {props.reason ? `: ${props.reason}` : '.'}
        </p>
      );
    default:
      return (
        <p class="state">
          <Pill kind="warn">Not verified</Pill> This badge could not be verified.
        </p>
      );
  }
}

/** The panel's heading: a badge that is revoked or expired says so, never just "failed". */
function panelHeading(r: VerificationReport): string {
  if (r.verdict === 'valid') return 'Verified';
  if (r.status === 'revoked') return 'Revoked';
  if (r.status === 'expired') return 'Expired';
  return r.verdict === 'invalid' ? 'Verification failed' : 'Could not be fully verified';
}

/** "All 9 checks passed", or how many passed and what the others came to. */
function checksSummary(steps: VerificationReport['steps']): string {
  const n = (result: keyof typeof RESULT_LABEL) => steps.filter((s) => s.result === result).length;
  if (n('pass') === steps.length) return `All ${count(steps.length, 'check')} passed`;
  const rest = [
    n('fail') ? `${n('fail')} failed` : '',
    n('warn') ? count(n('warn'), 'warning') : '',
    n('skipped') ? `${n('skipped')} not checked` : '',
  ].filter(Boolean);
  return `${n('pass')} of ${count(steps.length, 'check')} passed (${rest.join(', ')})`;
}

/**
 * Each check of the verification report with its result. `recipient` replaces the report's
 * recipient line with what a reader of someone's badge page needs (the name, or how to check).
 */
export function VerificationPanel(props: {
  report: VerificationReport;
  checkedAt?: Date | null;
  recipient?: SafeHtml;
}) {
  const r = props.report;
  const steps = r.steps.filter((s) => !(s.id === 'recipient' && props.recipient));
  return (
    <section class="card" aria-labelledby="verification-title">
      <h2 id="verification-title">Verification</h2>
      <div class={`verdict verdict-${r.verdict}`} role="status">
        <div style="overflow-wrap:anywhere;min-width:0">
          <strong>{panelHeading(r)}</strong>
          <span>{r.summary}</span>
        </div>
      </div>
      {/* The recipient stays in view; the other steps open from a one-line summary, at once when one failed. */}
      {props.recipient ? <div class="recipient">{props.recipient}</div> : null}
      <details class="checks-details" open={r.verdict !== 'valid'}>
        <summary>{checksSummary(steps)}</summary>
        <ul class="checks">
          {steps.map((s) => (
            <li class={s.result}>
              <span class="mark" aria-hidden="true">
                {MARK[s.result]}
              </span>
              <div style="overflow-wrap:anywhere;min-width:0">
                <strong>{s.title}</strong> ({RESULT_LABEL[s.result]}): {s.message}
              </div>
            </li>
          ))}
        </ul>
      </details>
      {props.checkedAt ? (
        <p class="muted small">
          Checked on {formatDate(props.checkedAt)} at {props.checkedAt.toISOString().slice(11, 16)} UTC.
        </p>
      ) : null}
    </section>
  );
}

/**
 * Who the badge was issued to, for someone reading the earner's badge page: their name when they
 * show it, and a form (the public verifier's email check) to confirm an address either way.
 */
export function RecipientCheck(props: {
  recipientName: string | null;
  credentialUrl: string;
  csrfToken: string;
}): SafeHtml {
  return (
    <>
      <strong>Recipient</strong>:{' '}
      {props.recipientName
        ? `Issued to ${props.recipientName}.`
        : 'The earner keeps their name private; enter their email to check it.'}
      <UploadForm action="/verify" csrfToken={props.csrfToken} class="recipient-check">
        <input type="hidden" name="text" value={props.credentialUrl} />
        <label for="recipient-check-email">
          {props.recipientName ? 'Check the earner’s email' : 'The earner’s email'}
        </label>
        <input id="recipient-check-email" name="recipientEmail" type="email" autocomplete="off" required />
        <button type="submit" class="secondary">
          Check
        </button>
      </UploadForm>
    </>
  );
}

/**
 * Asked when the earner accepts a badge: whether its public page shows their name (ticked by
 * default). Posts `showName=yes` when ticked; read it with showNameChosen.
 */
export function ShowNameField(props: { recipientName: string | null }): SafeHtml {
  return (
    <div class="field">
      <label>
        <input type="checkbox" name="showName" value="yes" checked /> Show my name
        {props.recipientName ? <> ({props.recipientName})</> : null} on the badge’s public page
      </label>
      <p class="hint">
        People who open the badge’s link see who earned it. The badge stays private until you share it, and
        you can change this in your wallet at any time.
      </p>
    </div>
  );
}

export const showNameChosen = (body: unknown) => (body as { showName?: unknown } | null)?.showName === 'yes';

/** The state from a report, for badges imported from elsewhere. */
export function reportState(report: VerificationReport | null | undefined): BadgeState | 'unverified' {
  if (!report) return 'unverified';
  if (report.status === 'revoked') return 'revoked';
  if (report.status === 'expired') return 'expired';
  return report.verdict === 'invalid' ? 'unverified' : 'valid';
}

/** What the earner sees on their own badge's public page: whether others can, and where to change it. */
export function OwnerNotice(props: { isPublic: boolean; itemId: string; link: string }) {
  return (
    <Alert
      kind={props.isPublic ? 'info' : 'warning'}
      title={props.isPublic ? 'Your badge' : 'Only you can see this page'}
    >
      {props.isPublic
        ? 'This is how others see your badge. '
        : 'This badge is private: anyone else who opens this address gets “not found”. '}
      <a href={`/wallet/${props.itemId}`}>{props.link}</a>
    </Alert>
  );
}

/**
 * Stands in for a badge that came without an image (imported ones may): a plain disc with the
 * name's first letter, so the page keeps its shape instead of showing an empty column.
 */
export function BadgePlaceholder(props: { name: string; size: number }) {
  const letter = escapeHtml((props.name.trim()[0] ?? '?').toUpperCase());
  return raw(
    `<svg width="${props.size}" height="${props.size}" viewBox="0 0 100 100" role="img" aria-label="No image">` +
      '<circle cx="50" cy="50" r="46" fill="#dfe7e3" stroke="#1f5c4a" stroke-width="3"/>' +
      `<text x="50" y="63" text-anchor="middle" font-size="40" font-family="system-ui,sans-serif" font-weight="700" fill="#1f5c4a">${letter}</text></svg>`,
  );
}
