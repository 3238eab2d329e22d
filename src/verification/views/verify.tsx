import type { VerificationReport, VerificationStep } from '@laurel/openbadges/verify';
import { type SafeHtml, raw } from '@laurel/jsx';
import { Alert, PageHeader, UploadForm, formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { MAX_CREDENTIAL_MB, MAX_VERIFY_MB } from '../input.ts';

export interface VerifyFormValues {
  text?: string;
  recipientEmail?: string;
  followRefresh?: boolean;
}

const VERDICT: Record<VerificationReport['verdict'], { heading: string; className: string }> = {
  valid: { heading: 'Valid', className: 'verdict-valid' },
  invalid: { heading: 'Not valid', className: 'verdict-invalid' },
  indeterminate: { heading: 'Could not be fully checked', className: 'verdict-indeterminate' },
};

const STATUS_HEADING: Partial<Record<NonNullable<VerificationReport['status']>, string>> = {
  revoked: 'Not valid: revoked',
  expired: 'Not valid: expired',
  'not-yet-valid': 'Not valid yet',
  suspended: 'Not valid: suspended',
};

const MARK: Record<VerificationStep['result'], { symbol: string; label: string }> = {
  pass: { symbol: '✓', label: 'Passed' },
  fail: { symbol: '✗', label: 'Failed' },
  warn: { symbol: '!', label: 'Could not be checked' },
  skipped: { symbol: '–', label: 'Not applicable' },
};

// Small page-specific rules; the shared stylesheet holds .verdict, .checks and .badge-hero.
const PAGE_STYLE = raw(`<style>
.verify-form textarea{font-family:ui-monospace,monospace;font-size:.85rem}
.verify-or{margin:.25rem 0 .75rem;font-weight:600}
.verdict h2{margin:0;font-size:1.35rem;color:inherit}
.verdict p{margin:.25rem 0 0}
.verify-json pre{max-height:32rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
.checks .check-detail{display:block;color:var(--muted);font-size:.85rem;word-break:break-word}
.verdict p,dl.facts dd,.checks li>div{overflow-wrap:anywhere;min-width:0}
</style>`);

export function VerifyFormCard(props: {
  csrfToken: string;
  values?: VerifyFormValues;
  error?: string;
}): SafeHtml {
  const v = props.values ?? {};
  return (
    <UploadForm
      class="card verify-form"
      action="/verify"
      csrfToken={props.csrfToken}
      aria-describedby={props.error ? 'verify-error' : undefined}
    >
      {props.error ? (
        <div id="verify-error">
          <Alert kind="error" title="This could not be verified">
            {props.error}
          </Alert>
        </div>
      ) : null}
      <div class="field">
        <label for="f-file">Badge file</label>
        <p class="hint" id="f-file-hint">
          A baked badge image (PNG or SVG) up to {MAX_VERIFY_MB} MB, or a credential file (JSON, up to{' '}
          {MAX_CREDENTIAL_MB} MB) or a JWT.
        </p>
        <input
          id="f-file"
          name="file"
          type="file"
          accept=".png,.svg,.json,.jwt,.txt,image/png,image/svg+xml,application/json,application/jwt,text/plain"
          aria-describedby="f-file-hint"
        />
      </div>
      <p class="verify-or">or</p>
      <div class="field">
        <label for="f-text">Badge URL, credential JSON or JWT</label>
        <p class="hint" id="f-text-hint">
          Paste the address of a badge (for example an Open Badges 2.0 assertion), or the credential itself.
        </p>
        <textarea id="f-text" name="text" rows={5} aria-describedby="f-text-hint" spellcheck="false">
          {v.text ?? ''}
        </textarea>
      </div>
      <div class="field">
        <label for="f-recipientEmail">Recipient email (optional)</label>
        <p class="hint" id="f-recipientEmail-hint">
          To check that the badge was issued to this address. It is only compared, never stored.
        </p>
        <input
          id="f-recipientEmail"
          name="recipientEmail"
          type="email"
          autocomplete="off"
          value={v.recipientEmail ?? ''}
          aria-describedby="f-recipientEmail-hint"
        />
      </div>
      <div class="field">
        <label>
          <input type="checkbox" name="followRefresh" value="on" checked={v.followRefresh === true} /> Check
          the issuer’s latest copy
        </label>
        <p class="hint">
          Some credentials name a refresh service where their issuer publishes an updated copy. When this is
          ticked and the issuer signed the credential, that copy is fetched and checked instead.
        </p>
      </div>
      <div class="form-actions">
        <button type="submit">Verify</button>
      </div>
    </UploadForm>
  );
}

export function VerifyPage(props: { ctx: PageContext; values?: VerifyFormValues; error?: string }): SafeHtml {
  return (
    <Layout
      ctx={props.ctx}
      title="Verify a badge"
      description="Check that an Open Badge is authentic, current and not revoked."
      section="verify"
      head={PAGE_STYLE}
    >
      <PageHeader
        title="Verify a badge"
        lead="Check that an Open Badge (2.0 or 3.0) is authentic, issued to whom it says, current and not revoked. Nothing you upload is kept."
      />
      <VerifyFormCard csrfToken={props.ctx.csrfToken} values={props.values} error={props.error} />
    </Layout>
  );
}

/** A heading for the verdict, naming the cause when the credential is revoked, expired or not yet valid. */
export function verdictHeading(report: VerificationReport): string {
  if (report.verdict === 'invalid' && report.status && STATUS_HEADING[report.status]) {
    return STATUS_HEADING[report.status]!;
  }
  return VERDICT[report.verdict].heading;
}

export function VerdictBanner(props: { report: VerificationReport }): SafeHtml {
  const { report } = props;
  return (
    <section class={`verdict ${VERDICT[report.verdict].className}`} role="status" aria-labelledby="verdict-h">
      <div>
        <h2 id="verdict-h">{verdictHeading(report)}</h2>
        <p>{report.summary}</p>
      </div>
    </section>
  );
}

const isSafeImageSrc = (src: string | undefined, baseUrl: string): src is string => {
  if (!src) return false;
  // An <img> never runs an SVG's scripts; uploaded SVGs are sanitized before they get here anyway.
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(src)) return true;
  try {
    // The page's CSP allows our own images only; an outside image would not load anyway.
    return new URL(src).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
};

const httpUrl = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
};

const IDENTITY_LABEL: Record<string, string> = {
  emailAddress: 'email address',
  email: 'email address',
  url: 'URL',
  telephone: 'telephone number',
  did: 'DID',
};

function recipientLine(report: VerificationReport, checkedEmail: string | undefined): string {
  const r = report.recipient;
  if (!r || (!r.identityType && !r.id)) return 'Not stated in the credential.';
  if (!r.identityType && r.id && r.matched === undefined) return `Identified as ${r.id}.`;
  const type = r.identityType ? (IDENTITY_LABEL[r.identityType] ?? r.identityType) : 'identifier';
  const kind = r.hashed ? `a hashed ${type}` : `an unhashed ${type}`;
  if (r.matched === true) return `Matches ${checkedEmail ?? 'the address you gave'} (${kind}).`;
  if (r.matched === false) return `Does not match ${checkedEmail ?? 'the address you gave'} (${kind}).`;
  // The result page puts the form ("Verify another badge") below this line.
  return `Identified by ${kind}. To check it, verify the badge again below with their address in “Recipient email”.`;
}

export function BadgeSummary(props: {
  report: VerificationReport;
  imageSrc?: string;
  baseUrl: string;
  recipientEmail?: string;
}): SafeHtml {
  const { report } = props;
  const a = report.achievement;
  const image = isSafeImageSrc(props.imageSrc, props.baseUrl)
    ? props.imageSrc
    : isSafeImageSrc(a?.image, props.baseUrl)
      ? a?.image
      : undefined;
  const issuerUrl = httpUrl(report.issuer?.url);
  return (
    <section class="card" aria-labelledby="badge-h">
      <div class={image ? 'badge-hero' : ''}>
        {image ? <img src={image} alt={a?.name ? `Badge image: ${a.name}` : 'Badge image'} /> : null}
        <div>
          <h2 id="badge-h">{a?.name ?? 'Unnamed badge'}</h2>
          {a?.description ? <p>{a.description}</p> : null}
          <dl class="facts">
            <dt>Issuer</dt>
            <dd>
              {report.issuer ? (
                <>
                  {issuerUrl ? (
                    <a href={issuerUrl}>{report.issuer.name ?? report.issuer.id}</a>
                  ) : (
                    (report.issuer.name ?? report.issuer.id)
                  )}
                  {report.issuer.name ? <span class="muted small"> ({report.issuer.id})</span> : null}
                </>
              ) : (
                'Not stated'
              )}
            </dd>
            <dt>Recipient</dt>
            <dd>{recipientLine(report, props.recipientEmail)}</dd>
            {report.validFrom ? (
              <>
                <dt>Issued</dt>
                <dd>{formatDate(report.validFrom)}</dd>
              </>
            ) : null}
            {report.validUntil ? (
              <>
                <dt>{report.status === 'expired' ? 'Expired' : 'Expires'}</dt>
                <dd>{formatDate(report.validUntil)}</dd>
              </>
            ) : null}
            <dt>Format</dt>
            <dd>{FORMAT_LABEL[report.format]}</dd>
          </dl>
        </div>
      </div>
    </section>
  );
}

const FORMAT_LABEL: Record<VerificationReport['format'], string> = {
  'ob3-json': 'Open Badges 3.0 credential (Data Integrity proof)',
  'ob3-jwt': 'Open Badges 3.0 credential (VC-JWT)',
  'ob2-hosted': 'Open Badges 2.0 hosted assertion',
  'ob2-signed': 'Open Badges 2.0 signed assertion',
  unknown: 'Not recognized',
};

export function CheckList(props: { steps: VerificationStep[] }): SafeHtml {
  return (
    <ol class="checks">
      {props.steps.map((s) => (
        <li class={s.result}>
          <span class="mark" aria-hidden="true">
            {MARK[s.result].symbol}
          </span>
          <div>
            <strong>{s.title}</strong>
            <span class="visually-hidden"> ({MARK[s.result].label})</span>: {s.message}
            {s.detail ? <span class="check-detail">{s.detail}</span> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function VerifyResultPage(props: {
  ctx: PageContext;
  report: VerificationReport;
  baseUrl: string;
  imageSrc?: string;
  values?: VerifyFormValues;
}): SafeHtml {
  const { report } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`${verdictHeading(report)} · Verify a badge`}
      section="verify"
      head={PAGE_STYLE}
      noindex
    >
      <PageHeader title="Verification result" breadcrumbs={[['/verify', 'Verify a badge']]} />
      <VerdictBanner report={report} />
      {report.format !== 'unknown' || report.achievement || report.issuer ? (
        <BadgeSummary
          report={report}
          imageSrc={props.imageSrc}
          baseUrl={props.baseUrl}
          recipientEmail={props.values?.recipientEmail}
        />
      ) : null}
      <section class="card" aria-labelledby="checks-h">
        <h2 id="checks-h">Checks</h2>
        <CheckList steps={report.steps} />
      </section>
      {report.credential ? (
        <details class="card verify-json">
          <summary>The credential as JSON</summary>
          <pre>
            <code>{JSON.stringify(report.credential, null, 2)}</code>
          </pre>
        </details>
      ) : null}
      <h2>Verify another badge</h2>
      <VerifyFormCard
        csrfToken={props.ctx.csrfToken}
        values={{ recipientEmail: props.values?.recipientEmail, followRefresh: props.values?.followRefresh }}
      />
    </Layout>
  );
}
