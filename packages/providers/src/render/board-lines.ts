import { type BoardDescription, type BoardEntry, boardEntryLines } from './board';
import { escapeHtml } from './escape-entities';
import { neutralizeMentions, SEVERITY_MARKS, type Segment, stripBidiControls } from './rich-text';

/** A segment that may link somewhere: the board's resources link to their dashboard page. */
export type LinkedSegment = Segment & { href?: string };
export type LinkedLine = LinkedSegment[];

function safePiece(text: string): string {
  return neutralizeMentions(stripBidiControls(text));
}

/** "🔴 Capsule `cl-7f3a9c` · destroyed", the id linking to the dashboard when the resource has a link. */
function resourceHeader(entry: BoardEntry): LinkedLine {
  const id: LinkedSegment = { text: safePiece(entry.id), style: 'code' };
  if (entry.url) id.href = entry.url;
  return [
    { text: `${SEVERITY_MARKS[entry.severity]} ` },
    { text: entry.label, style: 'bold' },
    { text: ' ' },
    id,
    { text: ` · ${entry.state}` },
  ];
}

/**
 * A board as lines for text formats: the headline when it shows several
 * resources, then per resource its header ("🔴 Capsule `cl-…` · destroyed"),
 * "N earlier events" when some are no longer shown, and one line per event,
 * oldest first. Pieces were cut short by `describeBoard`; here mentions and
 * bidi controls are neutralised. Nothing is escaped yet.
 */
export function boardLines(board: BoardDescription): LinkedLine[] {
  const lines: LinkedLine[] = [];
  if (board.resources.length > 1) {
    lines.push([{ text: `${SEVERITY_MARKS[board.severity]} ` }, { text: board.headline, style: 'bold' }]);
  }
  for (const entry of board.resources) {
    if (lines.length > 0) lines.push([]);
    lines.push(resourceHeader(entry));
    lines.push(
      ...boardEntryLines<LinkedLine>(entry, {
        earlier: (text) => [{ text: `… ${text}` }],
        event: (line, detail) => [
          { text: `${SEVERITY_MARKS[line.severity]} ` },
          { text: line.title, style: 'bold' },
          { text: safePiece(` · ${detail}`) },
        ],
      }),
    );
  }
  return lines;
}

const HTML_TAGS: Record<NonNullable<Segment['style']>, string> = { bold: 'b', code: 'code' };

/** Linked lines as HTML (Matrix, Telegram): every piece escaped, links as `<a href>`, lines joined by `lineBreak`. */
export function linkedHtml(lines: readonly LinkedLine[], lineBreak: string): string {
  return lines
    .map((line) =>
      line
        .map((segment) => {
          let html = escapeHtml(segment.text);
          if (segment.style) html = `<${HTML_TAGS[segment.style]}>${html}</${HTML_TAGS[segment.style]}>`;
          return segment.href ? `<a href="${escapeHtml(segment.href)}">${html}</a>` : html;
        })
        .join(''),
    )
    .join(lineBreak);
}
