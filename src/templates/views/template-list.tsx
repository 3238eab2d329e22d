import type { Org } from '../../orgs/service.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import { EmptyState, PageHeader, Pill, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { Template } from '../service.ts';
import type { TemplateStatus } from '../tables.ts';

export const STATUS_PILL: Record<TemplateStatus, 'ok' | 'neutral' | 'warn'> = {
  active: 'ok',
  draft: 'warn',
  archived: 'neutral',
};

/** The organization's templates; `canEdit` links each to its editor (admins), else to its public page. */
export function TemplateListPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  canEdit: boolean;
  templates: Template[];
}) {
  const base = `/manage/${props.org.slug}/templates`;
  return (
    <ManageLayout
      ctx={props.ctx}
      org={props.org}
      role={props.role}
      active="templates"
      title="Badge templates"
    >
      <PageHeader
        title="Badge templates"
        actions={
          props.canEdit ? (
            <a class="button" href={`${base}/new`}>
              New template
            </a>
          ) : null
        }
      />
      <DataTable
        rows={props.templates}
        empty={
          <EmptyState title="No badge templates yet.">
            <p>
              A template holds what every badge of one kind says: name, image, criteria, skills and expiry.
            </p>
          </EmptyState>
        }
        columns={[
          {
            label: 'Image',
            hideLabel: true,
            cell: (t) => <img src={`${base}/${t.id}/image.png`} alt="" width="48" height="48" />,
          },
          {
            label: 'Name',
            cell: (t) =>
              props.canEdit ? (
                <a href={`${base}/${t.id}`}>{t.name}</a>
              ) : t.status === 'draft' ? (
                t.name
              ) : (
                <a href={`/orgs/${props.org.slug}/badges/${t.id}`}>{t.name}</a>
              ),
          },
          { label: 'Status', cell: (t) => <Pill kind={STATUS_PILL[t.status]}>{t.status}</Pill> },
          { label: 'Updated', cell: (t) => formatDate(t.updatedAt) },
        ]}
      />
    </ManageLayout>
  );
}
