// One set of claim codes as its issuers see it: the shared code and its redeem link, or the
// batch's export; disabling, deleting, disabling one code; and who redeemed, when.
import type { FormFailure } from '../../http/forms.ts';
import type { Org } from '../../orgs/service.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import { Alert, Field, PageHeader, PostButton, PostForm, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { CodeSet, Redemption } from '../service.ts';
import { StatePill, usesText } from './lists.tsx';

const dateTime = (d: Date) => `${formatDate(d)}, ${d.toISOString().slice(11, 16)} UTC`;

export function SetPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  set: CodeSet;
  /** The shared code in clear (a batch's codes are in its CSV). */
  sharedCode?: string;
  redeemUrl: string;
  redemptions: Redemption[];
  notice?: string;
  failure?: FormFailure;
  values?: Record<string, string>;
}) {
  const { org, set, ctx } = props;
  const base = `/manage/${org.slug}/claim-codes/${set.id}`;
  const csv = `${base}/codes.csv`;
  return (
    <ManageLayout ctx={ctx} org={org} role={props.role} active="claim-codes" title={set.label}>
      <PageHeader
        title={set.label}
        breadcrumbs={[
          [`/manage/${org.slug}/claim-codes`, 'Claim codes'],
          [`/manage/${org.slug}/templates/${set.templateId}/claim-codes`, set.templateName],
        ]}
        actions={<a href={csv}>Download CSV</a>}
      />
      {props.notice ? <Alert kind="success" title={props.notice} /> : null}
      {props.sharedCode ? (
        <section class="card stack" aria-labelledby="the-code">
          <h2 id="the-code">The code</h2>
          <p class="stat" style="letter-spacing:.08em">
            {props.sharedCode}
          </p>
          <p>
            People redeem it at <a href={props.redeemUrl}>{props.redeemUrl}</a> (this link fills the code in).
          </p>
        </section>
      ) : (
        <section class="card stack" aria-labelledby="the-codes">
          <h2 id="the-codes">{set.codeCount.toLocaleString('en')} single-use codes</h2>
          <p>
            Hand each person one code. They redeem it at <a href="/redeem">{props.redeemUrl}</a>; one person
            redeems at most one code of this batch.
          </p>
          <p>
            <a class="button" href={csv}>
              Download the codes (CSV)
            </a>
          </p>
        </section>
      )}
      <dl class="facts">
        <dt>Badge</dt>
        <dd>{set.templateName}</dd>
        <dt>State</dt>
        <dd>
          <StatePill set={set} />
        </dd>
        <dt>Redeemed</dt>
        <dd>{usesText(set)}</dd>
        <dt>Opens</dt>
        <dd>{set.opensAt ? dateTime(set.opensAt) : 'At once'}</dd>
        <dt>Closes</dt>
        <dd>{set.closesAt ? dateTime(set.closesAt) : 'Never'}</dd>
        <dt>Created</dt>
        <dd>{formatDate(set.createdAt)}</dd>
      </dl>
      <div class="row">
        {set.disabledAt ? (
          <PostButton
            action={`${base}/enable`}
            csrfToken={ctx.csrfToken}
            class="button small"
            formClass="inline"
          >
            Enable again
          </PostButton>
        ) : (
          <PostButton
            action={`${base}/disable`}
            csrfToken={ctx.csrfToken}
            class="button small"
            formClass="inline"
            confirm="Disable every code of this set? Nobody can redeem them until you enable it again."
          >
            Disable
          </PostButton>
        )}
        {set.redeemed === 0 ? (
          <PostForm
            action={`${base}/delete`}
            csrfToken={ctx.csrfToken}
            class="inline"
            data-confirm="Delete these codes for good?"
          >
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" class="button small danger">
              Delete
            </button>
          </PostForm>
        ) : null}
      </div>
      {set.kind === 'batch' ? (
        <section class="stack" aria-labelledby="one-code">
          <h2 id="one-code">Disable one code</h2>
          <PostForm
            action={`${base}/disable-code`}
            csrfToken={ctx.csrfToken}
            failure={props.failure}
            class="stack"
          >
            <Field
              label="Code"
              name="code"
              value={props.values?.code}
              errors={props.failure?.errors}
              hint="A code that went astray: it stops working at once; the others keep working."
              attrs={{ autocomplete: 'off', spellcheck: 'false', maxlength: 100 }}
            />
            <div class="form-actions">
              <button type="submit" class="button secondary">
                Disable this code
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}
      <h2>Who redeemed</h2>
      <DataTable
        rows={props.redemptions}
        stackOnPhone
        caption={props.redemptions.length >= 200 ? 'The 200 most recent' : undefined}
        empty={<p class="muted">Nobody has redeemed a code yet.</p>}
        columns={[
          { label: 'Name', rowHeader: true, cell: (r) => r.userName },
          { label: 'Email', cell: (r) => r.recipientEmail ?? '' },
          { label: 'When', cell: (r) => dateTime(r.redeemedAt) },
          {
            label: 'Award',
            cell: (r) => (r.awardId ? <a href={`/manage/${org.slug}/awards/${r.awardId}`}>View</a> : ''),
          },
        ]}
      />
    </ManageLayout>
  );
}
