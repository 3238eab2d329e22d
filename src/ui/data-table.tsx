// The one way a page shows rows of things: headings with scope="col", an optional caption, a
// message in place of an empty table, and the pager below.
import type { Child, SafeHtml } from '@laurel/jsx';
import { Pager, VisuallyHidden } from './components.tsx';

/** One column of a DataTable: its heading, and what each row shows under it. */
export interface Column<Row> {
  /** The heading; on a table that stacks on phones, also each cell's data-label. */
  label: string;
  /** The heading is read to screen readers only (a column of buttons needs no visible one). */
  hideLabel?: boolean;
  cell: (row: Row) => Child;
  /** The class of each cell in the column. */
  class?: string;
  /** The cell names its row: a `<th scope="row">` instead of a `<td>`. */
  rowHeader?: boolean;
}

/** A column only some viewers get: `false`, `null` or `undefined` leave it out. */
export type MaybeColumn<Row> = Column<Row> | false | null | undefined;

export interface DataTableProps<Row> {
  columns: MaybeColumn<Row>[];
  rows: readonly Row[];
  /** What the table lists, said to screen readers with it (and shown, muted). */
  caption?: string;
  /** On a narrow screen each row becomes a card of labelled cells (`.stack-on-phone`). */
  stackOnPhone?: boolean;
  rowClass?: (row: Row) => string | undefined;
  /** Shown instead of the table when there are no rows (for example an EmptyState). */
  empty?: Child;
  /** Previous / next links below the table (or below `empty`). */
  pager?: Parameters<typeof Pager>[0] | false;
}

export function DataTable<Row>(p: DataTableProps<Row>): SafeHtml {
  const columns = p.columns.filter((c): c is Column<Row> => Boolean(c));
  const label = (c: Column<Row>) => (p.stackOnPhone ? c.label : undefined);
  const table =
    p.rows.length === 0 && p.empty !== undefined ? (
      p.empty
    ) : (
      <div class={p.stackOnPhone ? 'table-wrap stack-on-phone' : 'table-wrap'}>
        <table>
          {p.caption ? <caption class="muted">{p.caption}</caption> : null}
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col">{c.hideLabel ? <VisuallyHidden>{c.label}</VisuallyHidden> : c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((row) => (
              <tr class={p.rowClass?.(row)}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <th scope="row" class={c.class} data-label={label(c)}>
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td class={c.class} data-label={label(c)}>
                      {c.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <>
      {table}
      {p.pager ? <Pager {...p.pager} /> : null}
    </>
  );
}
