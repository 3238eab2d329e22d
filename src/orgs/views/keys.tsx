// The signing keys and their rotation.
import { Alert, formatDate, PageHeader, Pill, PostButton } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { OrgKey } from '../keys.ts';
import type { Org } from '../service.ts';
import type { OrgRole } from '../tables.ts';

export function KeysPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  did: string;
  keys: OrgKey[];
  rotated?: boolean;
}) {
  const base = `/manage/${props.org.slug}`;
  return (
    <ManageLayout ctx={props.ctx} org={props.org} role={props.role} active="keys" title="Signing keys">
      <PageHeader
        title="Signing keys"
        lead="Credentials are signed with the active Ed25519 key. Retired keys stay published so that badges signed with them still verify."
      />
      {props.rotated ? (
        <Alert kind="success" title="A new key is active; the previous one is retired." />
      ) : null}
      <p>
        Issuer identity: <code>{props.did}</code> (
        <a href={`/orgs/${props.org.slug}/did.json`}>DID document</a>)
      </p>
      <DataTable
        rows={props.keys}
        columns={[
          {
            label: 'Key (publicKeyMultibase)',
            cell: (k) => <code style="word-break:break-all">{k.publicKeyMultibase}</code>,
          },
          {
            label: 'Status',
            cell: (k) => <Pill kind={k.status === 'active' ? 'ok' : 'neutral'}>{k.status}</Pill>,
          },
          { label: 'Created', cell: (k) => formatDate(k.createdAt) },
          { label: 'Retired', cell: (k) => formatDate(k.retiredAt) },
        ]}
      />
      <PostButton
        action={`${base}/keys/rotate`}
        csrfToken={props.ctx.csrfToken}
        class="button"
        style="margin-top:1.5rem"
        confirm="Make a new key active and retire the current one?"
      >
        Rotate key
      </PostButton>
    </ManageLayout>
  );
}
