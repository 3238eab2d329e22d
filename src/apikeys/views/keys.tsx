// The API keys page: the keys with their scopes, a new key shown once, and the creation form.
import type { FieldError } from '../../errors.ts';
import type { Member } from '../../http/access.ts';
import {
  Alert,
  EmptyState,
  Field,
  PageHeader,
  Pill,
  formatDate,
  PostButton,
  PostForm,
} from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { API_SCOPES, type ApiKeyInfo, SCOPE_LABELS } from '../service.ts';

export function ApiKeysPage(props: {
  ctx: PageContext;
  access: Member;
  keys: ApiKeyInfo[];
  created?: { key: string; name: string };
  notice?: string;
  values?: { name: string; scopes: string[] };
  message?: string;
  errors?: FieldError[];
}) {
  const { access } = props;
  const base = `/manage/${access.org.slug}/api-keys`;
  const chosen = new Set(props.values?.scopes ?? ['awards:read', 'awards:issue']);
  const scopeError = props.errors?.find((e) => e.field === 'scopes')?.message;
  return (
    <ManageLayout ctx={props.ctx} org={access.org} role={access.role} active="api-keys" title="API keys">
      <PageHeader
        title="API keys"
        lead="Keys let your own software (a script, or a connector you run for your LMS) issue and read badges through the API. Each key acts for this organization only, within its scopes."
        actions={
          <a class="button secondary" href="/api/docs">
            API documentation
          </a>
        }
      />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {props.created ? (
        <Alert kind="success" title={`Key “${props.created.name}” created`}>
          <p>
            Copy it now: it is shown only this once. Send it as <code>Authorization: Bearer &lt;key&gt;</code>
            .
          </p>
          <p>
            <input
              id="new-key"
              class="code"
              type="text"
              readonly
              value={props.created.key}
              aria-label="The new API key"
              size={80}
            />{' '}
            <button type="button" data-copy="#new-key" class="secondary small">
              Copy
            </button>
          </p>
        </Alert>
      ) : null}
      <section>
        <h2>Keys</h2>
        <DataTable
          rows={props.keys}
          stackOnPhone
          empty={<EmptyState title="No API keys yet." />}
          columns={[
            { label: 'Name', cell: (k) => k.name },
            { label: 'Key', cell: (k) => <code>lrl_{k.prefix}_…</code> },
            { label: 'Scopes', cell: (k) => k.scopes.join(', ') },
            { label: 'Created', cell: (k) => formatDate(k.createdAt) },
            { label: 'Last used', cell: (k) => (k.lastUsedAt ? formatDate(k.lastUsedAt) : 'Never') },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (k) =>
                k.revokedAt ? (
                  <Pill kind="bad">Revoked {formatDate(k.revokedAt)}</Pill>
                ) : (
                  <PostButton
                    action={`${base}/${k.id}/revoke`}
                    csrfToken={props.ctx.csrfToken}
                    class="danger small"
                    formClass="inline"
                    confirm={`Revoke the key “${k.name}”? Programs using it will stop working.`}
                  >
                    Revoke
                  </PostButton>
                ),
            },
          ]}
        />
      </section>
      <section>
        <h2>Create a key</h2>
        <PostForm action={base} csrfToken={props.ctx.csrfToken} failure={props} class="stack">
          <Field
            label="Name"
            name="name"
            value={props.values?.name ?? ''}
            errors={props.errors}
            required
            hint="Where the key is used, e.g. “Moodle production”."
          />
          <fieldset class={scopeError ? 'field has-error' : 'field'} id="f-scopes">
            <legend>Scopes</legend>
            {scopeError ? <p class="error">{scopeError}</p> : null}
            {API_SCOPES.map((s) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={s} checked={chosen.has(s)} /> <code>{s}</code> —{' '}
                {SCOPE_LABELS[s]}
              </label>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit">Create key</button>
          </div>
        </PostForm>
      </section>
    </ManageLayout>
  );
}
