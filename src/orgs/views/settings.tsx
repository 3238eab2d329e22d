// An organization’s settings, its logo, and (for owners) the way to delete it.
import type { FormFailure } from '../../http/forms.ts';
import { Alert, CsrfField, Field, FormErrors, PageHeader, UploadForm } from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { Org } from '../service.ts';
import type { OrgRole } from '../tables.ts';
import { ContactFields } from './org-fields.tsx';

export function SettingsPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  values?: Record<string, string>;
  failure?: FormFailure;
  saved?: boolean;
}) {
  const { org } = props;
  const v = props.values ?? {
    name: org.name,
    website: org.website ?? '',
    contactEmail: org.contactEmail ?? '',
    description: org.description ?? '',
    linkedinOrgId: org.linkedinOrgId ?? '',
    reminderDays: org.reminderDays.join(', '),
  };
  const errors = props.failure?.errors;
  const base = `/manage/${org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={org} role={props.role} active="settings" title="Settings">
      <PageHeader title="Settings" />
      {props.saved ? <Alert kind="success" title="Settings saved." /> : null}
      <UploadForm action={`${base}/settings`} csrfToken={props.ctx.csrfToken} class="stack form-narrow">
        <FormErrors message={props.failure?.message} errors={errors} />
        <Field label="Name" name="name" value={v.name} required errors={errors} />
        <ContactFields values={v} errors={errors} rows={4} />
        <Field
          label="LinkedIn organization id"
          name="linkedinOrgId"
          value={v.linkedinOrgId}
          errors={errors}
          hint="The number in your LinkedIn company page's admin address; it makes 'Add to profile' name your organization."
          attrs={{ inputmode: 'numeric' }}
        />
        <Field
          label="Claim reminders (days after issuing)"
          name="reminderDays"
          value={v.reminderDays}
          errors={errors}
          hint="Comma-separated, e.g. 7, 30."
        />
        <div class={errors?.some((e) => e.field === 'logo') ? 'field has-error' : 'field'}>
          <label for="f-logo">Logo (PNG or SVG, at most 1 MB)</label>
          {errors?.find((e) => e.field === 'logo') ? (
            <p class="error">{errors.find((e) => e.field === 'logo')!.message}</p>
          ) : null}
          {org.hasLogo ? (
            <img src={`/orgs/${org.slug}/logo`} alt="Current logo" width="96" height="96" />
          ) : null}
          <input id="f-logo" type="file" name="logo" accept="image/png,image/svg+xml" />
          {org.hasLogo ? (
            <label>
              <input type="checkbox" name="removeLogo" value="1" /> Remove the logo
            </label>
          ) : null}
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Save settings
          </button>
        </div>
      </UploadForm>
      {props.role === 'owner' ? (
        <section class="card" aria-labelledby="danger" style="margin-top:2rem">
          <h2 id="danger">Delete this organization</h2>
          <p>
            Deleting removes its templates, members and keys. Badges already issued stop verifying because the
            issuer identity disappears. This cannot be undone.
          </p>
          <form
            method="post"
            action={`${base}/delete`}
            class="stack"
            data-confirm={`Delete ${org.name} for good?`}
          >
            <CsrfField token={props.ctx.csrfToken} />
            <Field
              label={`Type the address "${org.slug}" to confirm`}
              name="confirm"
              required
              errors={errors}
              attrs={{ autocomplete: 'off' }}
            />
            <button type="submit" class="button danger">
              Delete organization
            </button>
          </form>
        </section>
      ) : null}
    </ManageLayout>
  );
}
