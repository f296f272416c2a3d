import type { ReactNode } from 'react';

interface DataTableProps {
  /** Column headings, in order; a heading only screen readers need can be a visually hidden span. */
  columns: readonly ReactNode[];
  /** The id of the heading that names the table, or else a caption only screen readers read. */
  labelledBy?: string;
  caption?: string;
  /** The rows (`<tr>`s). */
  children: ReactNode;
  /**
   * A table with nothing focusable in it: its sideways-scrolling wrapper takes
   * a keyboard stop of its own, so keyboard users can scroll it too.
   */
  focusable?: boolean;
}

/** A table of records that scrolls sideways on narrow screens, its columns announced as such. */
export function DataTable({ columns, labelledBy, caption, children, focusable = false }: DataTableProps) {
  const region = focusable ? { role: 'region', tabIndex: 0, 'aria-labelledby': labelledBy } : {};
  return (
    <div className="table-wrap" {...region}>
      <table aria-labelledby={labelledBy}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column, i) => (
              // The headings are fixed for the table's life: their position is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: a heading list never reorders
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
