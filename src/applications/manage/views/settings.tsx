// "How this badge is earned": the mode (issued only / public applications / by invitation), the
// dates, the cap, the approvals, renewal and the file limits, with where things stand now.
import type { FormFailure } from '../../../http/forms.ts';
import { Alert, PostForm, bindFields, formatDate } from '../../../ui/components.tsx';
import type { ApplicationMode, ApplicationState } from '../../tables.ts';
import type { SettingsValues } from '../settings-form.ts';
import { type Availability, MAX_APPLICATION_MB, MAX_FILE_MB, UNAVAILABLE } from '../settings.ts';
import { applyQrPath } from '../links.ts';
import { ApplyOffer } from './apply-offer.tsx';
import { STATE_LABELS } from '../../policy.ts';
import { EarningFrame, type EarningPageBase, earningBase } from './frame.tsx';

const MODE_CHOICES: { value: ApplicationMode; label: string; hint: string }[] = [
  {
    value: 'closed',
    label: 'Issued by the organization only',
    hint: 'Nobody can apply; issuers send the badge.',
  },
  {
    value: 'public',
    label: 'Open to applications from anyone',
    hint: 'Listed on the public pages with an “Apply for this badge” link and QR code.',
  },
  {
    value: 'invitation',
    label: 'Open to applications by invitation',
    hint: 'Only people you invite (a personal link each) can apply.',
  },
];

export function SettingsPage(props: {
  frame: EarningPageBase;
  values: SettingsValues;
  availability: Availability;
  /** The template's applications by state. */
  counts: Partial<Record<ApplicationState, number>>;
  hasQuestions: boolean;
  applyUrl: string;
  failure?: FormFailure;
  saved?: boolean;
}) {
  const { org, template } = props.frame;
  const { values: v, availability: a } = props;
  const errors = props.failure?.errors;
  const { Field, Select } = bindFields(v, errors);
  const base = earningBase(org, template);
  const modeError = errors?.find((e) => e.field === 'mode')?.message;
  return (
    <EarningFrame {...props.frame} tab="settings" title="How this badge is earned">
      {props.saved ? <Alert kind="success" title="Saved." /> : null}
      <section class="card" aria-labelledby="now">
        <h2 id="now">Now</h2>
        {a.open ? (
          <p>
            <strong>Open to applications</strong>
            {a.settings.mode === 'invitation' ? ' from the people you invite' : ' from anyone with the link'}
            {a.settings.closesAt
              ? `, until the end of ${formatDate(new Date(a.settings.closesAt.getTime() - 1))}`
              : ''}
            .
          </p>
        ) : (
          <p>
            {a.reason === 'closed'
              ? 'Issued by the organization only: nobody can apply.'
              : UNAVAILABLE[a.reason]}
          </p>
        )}
        {a.settings.cap !== null ? (
          <p class="muted">
            {props.counts.approved ?? 0} of {a.settings.cap} places taken (approved applications).
          </p>
        ) : null}
        <Applications counts={props.counts} queue={`/manage/${org.slug}/reviews?template=${template.id}`} />
        {!props.hasQuestions ? (
          <p>
            <a href={`${base}/form`}>Build the application form</a> before opening the badge to applications.
          </p>
        ) : null}
        {a.open && a.settings.mode === 'public' ? (
          <ApplyOffer url={props.applyUrl} qrSrc={applyQrPath(org.slug, template.id)} />
        ) : null}
        {a.settings.mode === 'invitation' ? (
          <p>
            <a href={`${base}/invitations`}>Invite people to apply</a>
          </p>
        ) : null}
      </section>
      <PostForm action={base} csrfToken={props.frame.ctx.csrfToken} failure={props.failure} class="stack">
        <fieldset class={modeError ? 'field has-error' : undefined}>
          <legend>How can people get this badge?</legend>
          {modeError ? (
            <p class="error" id="f-mode">
              {modeError}
            </p>
          ) : null}
          {MODE_CHOICES.map((m) => (
            <label style="display:block;font-weight:normal;margin:.4rem 0">
              <input type="radio" name="mode" value={m.value} checked={v.mode === m.value} />{' '}
              <strong>{m.label}</strong>
              <span class="muted small"> — {m.hint}</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>When and how many</legend>
          <div class="two-col">
            <Field
              label="Opens on"
              name="opensOn"
              type="date"
              hint="Empty: open as soon as it is saved. Days are UTC."
            />
            <Field
              label="Closes after"
              name="closesOn"
              type="date"
              hint="The last day applications are taken. Empty: no end."
            />
          </div>
          <Field
            label="Places"
            name="cap"
            type="number"
            hint="At most this many applications are approved; then the badge closes to applications. Empty: no cap."
            attrs={{ min: 1 }}
          />
          <Field
            label="Approvals needed"
            name="approvalsRequired"
            type="number"
            hint="How many reviewers must approve an application before the badge is issued."
            attrs={{ min: 1, max: 10 }}
          />
        </fieldset>
        <fieldset>
          <legend>Renewal</legend>
          {template.expiry.kind === 'none' ? (
            <p class="hint">
              This badge does not expire, so renewal only matters if you add an expiry to the template.
            </p>
          ) : null}
          <Select
            label="When a badge is about to expire"
            name="renewal"
            options={[
              { value: 'off', label: 'No renewal' },
              { value: 'review', label: 'Renewal by application, reviewed like a new one' },
              { value: 'instant', label: 'Renewed at once on request, without review' },
            ]}
          />
          <Field
            label="Renewal window (days before expiry)"
            name="renewalWindowDays"
            type="number"
            hint="How many days before the badge expires its holder can ask to renew it."
            attrs={{ min: 1, max: 366 }}
          />
        </fieldset>
        <fieldset>
          <legend>Files</legend>
          <div class="two-col">
            <Field
              label="Largest file (MB)"
              name="maxFileMb"
              type="number"
              hint={`At most ${MAX_FILE_MB} MB. A question can set a smaller limit.`}
              attrs={{ min: 1, max: MAX_FILE_MB, step: 'any' }}
            />
            <Field
              label="All files of one application (MB)"
              name="maxApplicationMb"
              type="number"
              hint={`At most ${MAX_APPLICATION_MB} MB.`}
              attrs={{ min: 1, max: MAX_APPLICATION_MB, step: 'any' }}
            />
          </div>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button">
            Save
          </button>
        </div>
      </PostForm>
    </EarningFrame>
  );
}

/** The template's applications by state, with the way to the review queue. */
function Applications(props: { counts: Partial<Record<ApplicationState, number>>; queue: string }) {
  const shown = (Object.keys(STATE_LABELS) as ApplicationState[]).filter((s) => props.counts[s]);
  if (!shown.length) return null;
  return (
    <p>
      Applications: {shown.map((s) => `${STATE_LABELS[s].toLowerCase()} ${props.counts[s]}`).join(' · ')}.{' '}
      <a href={props.queue}>Review applications</a>
    </p>
  );
}
