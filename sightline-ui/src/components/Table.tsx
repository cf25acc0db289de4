import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  /** Sort value; columns without one cannot be sorted. */
  sort?: (row: T) => number | string;
  numeric?: boolean;
}

/** A table with sortable columns (click a heading; again to reverse). */
export function Table<T>(props: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  initialSort?: { key: string; descending: boolean };
  testId?: string;
  /** Extra attributes of a row (`data-*` for tests and styling, `class`). */
  rowAttrs?: (row: T) => Record<string, string>;
}) {
  const [sort, setSort] = useState(props.initialSort);
  const column = props.columns.find((c) => c.key === sort?.key);
  const rows = column?.sort ? [...props.rows].sort(compareBy(column.sort, sort!.descending)) : props.rows;
  return (
    <table class="table" data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th
              key={c.key}
              class={c.numeric ? 'num' : undefined}
              aria-sort={sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
            >
              {c.sort ? (
                <button
                  type="button"
                  class="th-sort"
                  onClick={() =>
                    setSort({ key: c.key, descending: sort?.key === c.key ? !sort.descending : true })
                  }
                >
                  {c.label}
                  {sort?.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                </button>
              ) : (
                c.label
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={props.rowKey(row)} {...props.rowAttrs?.(row)}>
            {props.columns.map((c) => (
              <td key={c.key} class={c.numeric ? 'num' : undefined}>
                {c.render(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function compareBy<T>(value: (row: T) => number | string, descending: boolean) {
  return (a: T, b: T) => {
    const x = value(a);
    const y = value(b);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -c : c;
  };
}
