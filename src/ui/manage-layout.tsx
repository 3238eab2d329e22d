import type { Child, SafeHtml } from '@laurel/jsx';
import { Layout, type PageContext } from './layout.tsx';
import { roleAtLeast } from '../orgs/access.ts';
import type { OrgRole } from '../orgs/tables.ts';

export type ManageSection =
  | 'overview'
  | 'templates'
  | 'issue'
  | 'bulk'
  | 'claim-codes'
  | 'reviews'
  | 'awards'
  | 'api-keys'
  | 'members'
  | 'settings'
  | 'keys'
  | 'analytics';

interface NavItem {
  key: ManageSection;
  label: string;
  path: string;
  role: OrgRole;
}

// Every dashboard page shares this navigation; an item shows only to roles that can use it.
const NAV: NavItem[] = [
  { key: 'overview', label: 'Overview', path: '', role: 'viewer' },
  { key: 'templates', label: 'Templates', path: '/templates', role: 'viewer' },
  { key: 'issue', label: 'Issue', path: '/issue', role: 'issuer' },
  { key: 'bulk', label: 'Bulk issue', path: '/bulk', role: 'issuer' },
  { key: 'claim-codes', label: 'Claim codes', path: '/claim-codes', role: 'issuer' },
  { key: 'reviews', label: 'Applications', path: '/reviews', role: 'reviewer' },
  { key: 'awards', label: 'Issued', path: '/awards', role: 'viewer' },
  { key: 'api-keys', label: 'API keys', path: '/api-keys', role: 'admin' },
  { key: 'members', label: 'Members', path: '/members', role: 'admin' },
  { key: 'settings', label: 'Settings', path: '/settings', role: 'admin' },
  { key: 'keys', label: 'Keys', path: '/keys', role: 'admin' },
  { key: 'analytics', label: 'Analytics', path: '/analytics', role: 'viewer' },
];

export interface ManageLayoutProps {
  ctx: PageContext;
  org: { slug: string; name: string };
  role: OrgRole;
  active: ManageSection;
  title: string;
  children?: Child;
}

/** The organization dashboard frame: the site layout (never indexed) plus the dashboard navigation. */
export function ManageLayout(props: ManageLayoutProps): SafeHtml {
  const base = `/manage/${props.org.slug}`;
  return (
    <Layout ctx={props.ctx} title={`${props.title} · ${props.org.name}`} noindex section="orgs">
      <div class="page-header">
        <nav aria-label="Breadcrumb" class="breadcrumbs">
          <a href="/orgs">Organizations</a>
          <span aria-hidden="true"> / </span>
          <a href={`/orgs/${props.org.slug}`}>{props.org.name}</a>
        </nav>
      </div>
      <nav
        aria-label={`${props.org.name} dashboard`}
        class="row"
        style="flex-wrap:wrap;gap:.25rem 1.25rem;margin:0 0 1.5rem;padding-bottom:.6rem;border-bottom:1px solid var(--line)"
      >
        {NAV.filter((item) => roleAtLeast(props.role, item.role)).map((item) => (
          <a
            href={`${base}${item.path}`}
            aria-current={item.key === props.active ? 'page' : undefined}
            style={item.key === props.active ? 'font-weight:700' : undefined}
          >
            {item.label}
          </a>
        ))}
      </nav>
      {props.children}
    </Layout>
  );
}
