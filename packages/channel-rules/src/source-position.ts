/** What a CEL error or a rule of ours says about an expression, and where. */
export interface SourceIssue {
  message: string;
  /** cel-js errors: the one-line problem, without the source excerpt `message` draws. */
  summary?: string;
  node?: { pos?: number };
}

/**
 * One line for an API answer: the problem, then its line and column (1-based)
 * and the text found there, e.g.
 * `no such overload: string == int at line 1, column 13 (near "== 1")`.
 */
export function describeIssue(source: string | undefined, issue: SourceIssue): string {
  const problem = (issue.summary ?? issue.message.split('\n')[0] ?? '').trim();
  const pos = issue.node?.pos;
  if (source === undefined || pos === undefined || pos < 0 || pos > source.length) return problem;
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const near = source.slice(pos, pos + 20).split('\n')[0] ?? '';
  return `${problem} at line ${line}, column ${column}${near === '' ? ' (at the end)' : ` (near ${JSON.stringify(near)})`}`;
}
