// The form that issues one badge: the recipient, the dates and the evidence.
import type { FieldError } from '../../errors.ts';
import type { Member } from '../../http/access.ts';
import type { Template } from '../../templates/service.ts';
import { EmptyState, PageHeader, bindFields, PostForm } from '../../ui/components.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';

export type IssueValues = {
  templateId: string;
  recipientName: string;
  recipientEmail: string;
  issuedAt: string;
  validUntil: string;
  evidenceUrl: string;
  evidenceNarrative: string;
};

export function IssueForm(props: {
  page: PageContext;
  access: Member;
  templates: Template[];
  values: IssueValues;
  message?: string;
  errors?: FieldError[];
}) {
  const { access, errors } = props;
  const { Field, Select, TextArea } = bindFields(props.values, errors);
  return (
    <ManageLayout ctx={props.page} org={access.org} role={access.role} active="issue" title="Issue a badge">
      <PageHeader title="Issue a badge" lead="The recipient gets an email with a link to claim the badge." />
      {props.templates.length === 0 ? (
        <EmptyState title="No active badge templates">
          <p>
            <a href={`/manage/${access.org.slug}/templates`}>Create or activate a template</a> first.
          </p>
        </EmptyState>
      ) : (
        <PostForm
          action={`/manage/${access.org.slug}/issue`}
          csrfToken={props.page.csrfToken}
          failure={props}
          class="stack"
          novalidate
        >
          <Select
            label="Badge"
            name="templateId"
            required
            options={props.templates.map((t) => ({ value: t.id, label: t.name }))}
          />
          <Field label="Recipient name" name="recipientName" required autocomplete="off" />
          <Field label="Recipient email" name="recipientEmail" type="email" required autocomplete="off" />
          <Field label="Issue date" name="issuedAt" type="date" hint="Leave empty for today." />
          <Field
            label="Expiry date"
            name="validUntil"
            type="date"
            hint="Leave empty to use the template’s expiry policy."
          />
          <Field
            label="Evidence URL"
            name="evidenceUrl"
            type="url"
            hint="A page showing the work this badge recognizes (optional)."
          />
          <TextArea
            label="Evidence narrative"
            name="evidenceNarrative"
            hint="What the recipient did, in a few sentences (optional)."
          />
          <div class="actions">
            <button type="submit">Issue and email the recipient</button>
          </div>
        </PostForm>
      )}
    </ManageLayout>
  );
}
