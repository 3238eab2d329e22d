import type { Org } from '../../orgs/service.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import { EmptyState, PageHeader, Pill, VisuallyHidden, formatDate } from '../../ui/components.tsx';
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
      {props.templates.length === 0 ? (
        <EmptyState title="No badge templates yet.">
          <p>A template holds what every badge of one kind says: name, image, criteria, skills and expiry.</p>
        </EmptyState>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <VisuallyHidden>Image</VisuallyHidden>
                </th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {props.templates.map((t) => (
                <tr>
                  <td>
                    <img src={`${base}/${t.id}/image.png`} alt="" width="48" height="48" />
                  </td>
                  <td>
                    {props.canEdit ? (
                      <a href={`${base}/${t.id}`}>{t.name}</a>
                    ) : t.status === 'draft' ? (
                      t.name
                    ) : (
                      <a href={`/orgs/${props.org.slug}/badges/${t.id}`}>{t.name}</a>
                    )}
                  </td>
                  <td>
                    <Pill kind={STATUS_PILL[t.status]}>{t.status}</Pill>
                  </td>
                  <td>{formatDate(t.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ManageLayout>
  );
}
