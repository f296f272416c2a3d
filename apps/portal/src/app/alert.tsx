import type { ReactNode } from 'react';

/**
 * An error the user must notice, announced by screen readers as it appears
 * (`role="alert"`). Renders nothing without a message, so callers pass
 * `cond ? message : null` instead of wrapping the markup themselves.
 */
export function Alert({ children, id, inline }: { children: ReactNode; id?: string | undefined; inline?: boolean }) {
  if (children === null || children === undefined || children === false || children === '') return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag id={id} className="error" role="alert">
      {children}
    </Tag>
  );
}
