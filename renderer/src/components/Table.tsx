// SPDX-License-Identifier: Apache-2.0
// A plain HTML table with PatternFly's table styles (@patternfly/react-table is not installed;
// its CSS ships with react-styles). Rows are real <tr>s, so role/name locators work.
import type { ReactNode } from 'react';

export interface Column<T> {
  readonly title: string;
  readonly cell: (row: T) => ReactNode;
  /** Suffix of the cell id: `<idPrefix>-<field>`. */
  readonly field?: string;
}

export function Table<T>({
  label,
  columns,
  rows,
  rowKey,
  rowId,
  empty,
}: {
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Id prefix of a row, e.g. `network-lab1`. */
  rowId?: (row: T) => string;
  empty?: ReactNode;
}) {
  return (
    <table className="pf-v6-c-table pf-m-compact" aria-label={label}>
      <thead className="pf-v6-c-table__thead">
        <tr className="pf-v6-c-table__tr">
          {columns.map((c) => (
            <th key={c.title} className="pf-v6-c-table__th pf-m-wrap" scope="col">
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="pf-v6-c-table__tbody">
        {rows.length === 0 && (
          <tr className="pf-v6-c-table__tr">
            <td className="pf-v6-c-table__td" colSpan={columns.length}>
              {empty ?? 'Nothing here yet.'}
            </td>
          </tr>
        )}
        {rows.map((r) => {
          const prefix = rowId?.(r);
          return (
            <tr
              key={rowKey(r)}
              className="pf-v6-c-table__tr"
              {...(prefix ? { id: `${prefix}-row` } : {})}
            >
              {columns.map((c) => (
                <td
                  key={c.title}
                  className="pf-v6-c-table__td"
                  data-label={c.title}
                  {...(prefix && c.field ? { id: `${prefix}-${c.field}` } : {})}
                >
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
