// The issuers' lists of claim codes: every set of the organization, and one template's sets
// with the forms that create a shared code and generate a batch.
import type { FormFailure } from '../../http/forms.ts';
import type { Org } from '../../orgs/service.ts';
import type { OrgRole } from '../../orgs/tables.ts';
import type { Template } from '../../templates/service.ts';
import { EmptyState, PageHeader, Pill, PostForm, bindFields, formatDate } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import type { PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import { MAX_BATCH } from '../codes.ts';
import { STATE_LABEL, setState } from '../presenters.ts';
import type { CodeSet } from '../service.ts';

const STATE_PILL = {
  open: 'ok',
  scheduled: 'warn',
  closed: 'neutral',
  'used up': 'neutral',
  disabled: 'bad',
} as const;

export function StatePill(props: { set: CodeSet }) {
  const s = setState(props.set);
  return <Pill kind={STATE_PILL[s]}>{STATE_LABEL[s]}</Pill>;
}

export const usesText = (set: CodeSet) =>
  set.kind === 'shared'
    ? `${set.redeemed.toLocaleString('en')}${set.maxUses !== null ? ` of ${set.maxUses.toLocaleString('en')}` : ''}`
    : `${set.redeemed.toLocaleString('en')} of ${set.codeCount.toLocaleString('en')} codes`;

function SetTable(props: { org: Org; sets: CodeSet[]; showTemplate: boolean }) {
  const base = `/manage/${props.org.slug}/claim-codes`;
  return (
    <DataTable
      rows={props.sets}
      stackOnPhone
      caption="Claim codes, newest first"
      empty={
        <EmptyState title="No claim codes yet.">
          <p>A shared code suits an event; a batch gives each person their own single-use code.</p>
        </EmptyState>
      }
      columns={[
        { label: 'Name', rowHeader: true, cell: (s) => <a href={`${base}/${s.id}`}>{s.label}</a> },
        props.showTemplate && { label: 'Badge', cell: (s) => s.templateName },
        { label: 'Kind', cell: (s) => (s.kind === 'shared' ? 'Shared code' : 'Single-use codes') },
        { label: 'State', cell: (s) => <StatePill set={s} /> },
        { label: 'Redeemed', cell: usesText },
        { label: 'Created', cell: (s) => formatDate(s.createdAt) },
      ]}
    />
  );
}

/** Every set of the organization, and the active templates to make codes for. */
export function OrgCodesPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  sets: CodeSet[];
  templates: Template[];
}) {
  const { org } = props;
  return (
    <ManageLayout ctx={props.ctx} org={org} role={props.role} active="claim-codes" title="Claim codes">
      <PageHeader
        title="Claim codes"
        lead="People redeem a code at /redeem and find the badge in their wallet at once, issued to their confirmed address."
      />
      <h2>Make codes for a badge</h2>
      {props.templates.length ? (
        <ul>
          {props.templates.map((t) => (
            <li>
              <a href={`/manage/${org.slug}/templates/${t.id}/claim-codes`}>{t.name}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Claim codes are made for active badge templates; publish a template first.</p>
      )}
      <h2>All codes</h2>
      <SetTable org={org} sets={props.sets} showTemplate />
    </ManageLayout>
  );
}

export type CodesForm = 'shared' | 'batch';

/** One template's sets and the two forms; `failure` belongs to the form named by `form`. */
export function TemplateCodesPage(props: {
  ctx: PageContext;
  org: Org;
  role: OrgRole;
  template: Template;
  sets: CodeSet[];
  form?: CodesForm;
  values?: Record<string, string>;
  failure?: FormFailure;
}) {
  const { org, template, ctx } = props;
  const action = `/manage/${org.slug}/templates/${template.id}/claim-codes`;
  const mine = (form: CodesForm) => (props.form === form ? props : undefined);
  const shared = bindFields(mine('shared')?.values, mine('shared')?.failure?.errors);
  const batch = bindFields(mine('batch')?.values, mine('batch')?.failure?.errors);
  return (
    <ManageLayout
      ctx={ctx}
      org={org}
      role={props.role}
      active="claim-codes"
      title={`Claim codes · ${template.name}`}
    >
      <PageHeader
        title={`Claim codes for “${template.name}”`}
        breadcrumbs={[[`/manage/${org.slug}/claim-codes`, 'Claim codes']]}
      />
      <SetTable org={org} sets={props.sets} showTemplate={false} />
      {template.status !== 'active' ? (
        <p class="muted">This template is {template.status}: codes can be made only for active templates.</p>
      ) : (
        <div class="two-col">
          <section class="card stack" aria-labelledby="new-shared">
            <h2 id="new-shared">A shared code for an event</h2>
            <p class="hint">
              One code for everyone, such as SPRING-2027, with a limit of uses and a time window if you like.
            </p>
            <PostForm
              action={`${action}/shared`}
              csrfToken={ctx.csrfToken}
              failure={mine('shared')?.failure}
              class="stack"
            >
              <shared.Field
                label="Name"
                name="label"
                hint="For your lists, e.g. Spring conference 2027."
                attrs={{ maxlength: 200 }}
              />
              <shared.Field
                label="Code"
                name="code"
                hint="6 to 32 letters and digits; dashes and spaces are ignored. Leave empty to generate one."
                attrs={{ maxlength: 64, autocomplete: 'off', spellcheck: 'false' }}
              />
              <shared.Field
                label="Limit of uses"
                name="maxUses"
                type="number"
                hint="How many people may redeem it. Empty: no limit."
                attrs={{ min: 1 }}
              />
              <WindowFields bound={shared} prefix="" />
              <div class="form-actions">
                <button type="submit" class="button">
                  Create shared code
                </button>
              </div>
            </PostForm>
          </section>
          <section class="card stack" aria-labelledby="new-batch">
            <h2 id="new-batch">Single-use codes</h2>
            <p class="hint">
              A code per person (such as K7QF-93XM-R2TW, without 0, O, 1 or I), to print or mail merge from
              the CSV.
            </p>
            <PostForm
              action={`${action}/batches`}
              csrfToken={ctx.csrfToken}
              failure={mine('batch')?.failure}
              class="stack"
            >
              <batch.Field
                label="Name"
                name="batchLabel"
                hint="For your lists, e.g. Cohort 12."
                attrs={{ maxlength: 200 }}
              />
              <batch.Field
                label="How many codes"
                name="count"
                type="number"
                required
                hint={`Up to ${MAX_BATCH.toLocaleString('en')}.`}
                attrs={{ min: 1, max: MAX_BATCH }}
              />
              <WindowFields bound={batch} prefix="batch" />
              <div class="form-actions">
                <button type="submit" class="button">
                  Generate codes
                </button>
              </div>
            </PostForm>
          </section>
        </div>
      )}
    </ManageLayout>
  );
}

/** The window's two fields; the batch form's names are prefixed, so every id on the page is its own. */
function WindowFields(props: { bound: ReturnType<typeof bindFields>; prefix: '' | 'batch' }) {
  const { Field } = props.bound;
  const name = (n: 'opensAt' | 'closesAt') =>
    props.prefix ? `${props.prefix}${n[0]!.toUpperCase()}${n.slice(1)}` : n;
  return (
    <fieldset>
      <legend>When it can be redeemed (UTC, optional)</legend>
      <Field label="Opens" name={name('opensAt')} type="datetime-local" />
      <Field label="Closes" name={name('closesAt')} type="datetime-local" />
    </fieldset>
  );
}
