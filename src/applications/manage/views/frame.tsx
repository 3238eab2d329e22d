// The frame of the "How this badge is earned" pages: the dashboard, the template's breadcrumb and
// the tabs between the settings, the form and the invitations.
import type { Child } from '@laurel/jsx';
import type { OrgRole } from '../../../orgs/tables.ts';
import type { Template } from '../../../templates/service.ts';
import { PageHeader } from '../../../ui/components.tsx';
import type { PageContext } from '../../../ui/layout.tsx';
import { ManageLayout } from '../../../ui/manage-layout.tsx';

export type EarningTab = 'settings' | 'form' | 'invitations';

const TABS: [EarningTab, string, string][] = [
  ['settings', 'How it is earned', ''],
  ['form', 'Application form', '/form'],
  ['invitations', 'Invitations', '/invitations'],
];

export const earningBase = (org: { slug: string }, template: { id: string }) =>
  `/manage/${org.slug}/templates/${template.id}/earning`;

/** What every page of the frame shows: who is looking, in which organization, for which template. */
export interface EarningPageBase {
  ctx: PageContext;
  org: { slug: string; name: string };
  role: OrgRole;
  template: Template;
}

export function EarningFrame(props: EarningPageBase & { tab: EarningTab; title: string; children?: Child }) {
  const { org, template } = props;
  const base = earningBase(org, template);
  return (
    <ManageLayout ctx={props.ctx} org={org} role={props.role} active="templates" title={props.title}>
      <PageHeader
        title={props.title}
        breadcrumbs={[
          [`/manage/${org.slug}/templates`, 'Templates'],
          [`/manage/${org.slug}/templates/${template.id}`, template.name],
        ]}
        actions={
          template.status === 'draft' ? null : (
            <a href={`/orgs/${org.slug}/badges/${template.id}`}>Public page</a>
          )
        }
      />
      <nav aria-label="How this badge is earned" class="row" style="margin:0 0 1.25rem">
        {TABS.map(([key, label, path]) => (
          <a
            href={`${base}${path}`}
            aria-current={key === props.tab ? 'page' : undefined}
            style={key === props.tab ? 'font-weight:700' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      {props.children}
    </ManageLayout>
  );
}

/** A checkbox with its label after it (ticked: the value '1'). */
export function Check(p: { name: string; label: string; checked?: boolean; hint?: string }) {
  const id = `f-${p.name}`;
  return (
    <div class="field">
      <label for={id} style="font-weight:normal">
        <input id={id} type="checkbox" name={p.name} value="1" checked={p.checked} /> {p.label}
      </label>
      {p.hint ? <p class="hint">{p.hint}</p> : null}
    </div>
  );
}
