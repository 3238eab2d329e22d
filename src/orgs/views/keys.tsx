// The signing keys and their rotation.
import { Alert, CsrfField, formatDate, PageHeader, Pill } from '../../ui/components.tsx';
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
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Key (publicKeyMultibase)</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Retired</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr>
                <td>
                  <code style="word-break:break-all">{k.publicKeyMultibase}</code>
                </td>
                <td>
                  <Pill kind={k.status === 'active' ? 'ok' : 'neutral'}>{k.status}</Pill>
                </td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{formatDate(k.retiredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        method="post"
        action={`${base}/keys/rotate`}
        style="margin-top:1.5rem"
        data-confirm="Make a new key active and retire the current one?"
      >
        <CsrfField token={props.ctx.csrfToken} />
        <button type="submit" class="button">
          Rotate key
        </button>
      </form>
    </ManageLayout>
  );
}
