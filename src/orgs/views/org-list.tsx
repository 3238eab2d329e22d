// The organizations a user belongs to, and the form that creates one.
import type { FormFailure } from '../../http/forms.ts';
import { EmptyState, Field, PageHeader, Pill, PostForm } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { Org } from '../service.ts';
import type { OrgRole } from '../tables.ts';
import { ContactFields } from './org-fields.tsx';

export function OrgListPage(props: {
  ctx: PageContext;
  orgs: { org: Org; role: OrgRole }[];
  values?: Record<string, string>;
  failure?: FormFailure;
}) {
  const v = props.values ?? {};
  const errors = props.failure?.errors;
  return (
    <Layout ctx={props.ctx} title="Organizations" section="orgs" noindex>
      <PageHeader title="Organizations" lead="The organizations you issue badges for." />
      <div class="two-col">
        <section aria-labelledby="mine">
          <h2 id="mine">Yours</h2>
          <DataTable
            rows={props.orgs}
            empty={
              <EmptyState title="You are not a member of any organization yet.">
                <p>Create one, or ask an administrator of an existing one to invite you.</p>
              </EmptyState>
            }
            columns={[
              { label: 'Name', cell: ({ org }) => <a href={`/manage/${org.slug}`}>{org.name}</a> },
              { label: 'Your role', cell: ({ role }) => <Pill>{role}</Pill> },
              { label: 'Public page', cell: ({ org }) => <a href={`/orgs/${org.slug}`}>/orgs/{org.slug}</a> },
            ]}
          />
        </section>
        <section aria-labelledby="create" class="card">
          <h2 id="create">Create an organization</h2>
          <PostForm action="/orgs" csrfToken={props.ctx.csrfToken} failure={props.failure} class="stack">
            <Field label="Name" name="name" value={v.name} required errors={errors} />
            <Field
              label="Address"
              name="slug"
              value={v.slug}
              required
              errors={errors}
              hint="Lower-case letters, digits and hyphens; it becomes /orgs/<address> and part of your issuer identity, so choose carefully."
              attrs={{ pattern: '[a-z0-9][a-z0-9\\-]{1,62}', maxlength: 63 }}
            />
            <ContactFields values={v} errors={errors} rows={3} />
            <div class="form-actions">
              <button type="submit" class="button">
                Create organization
              </button>
            </div>
          </PostForm>
        </section>
      </div>
    </Layout>
  );
}
