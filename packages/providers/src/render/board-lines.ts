import { type BoardDescription, type BoardEntry, boardEntryLines } from './board';
import { type Line, SEVERITY_MARKS, type Segment, safePiece } from './rich-text';

/** "🔴 Capsule `cl-7f3a9c` · destroyed", the id linking to the dashboard when the resource has a link. */
function resourceHeader(entry: BoardEntry): Line {
  const id: Segment = { text: safePiece(entry.id), style: 'code' };
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
export function boardLines(board: BoardDescription): Line[] {
  const lines: Line[] = [];
  if (board.resources.length > 1) {
    lines.push([{ text: `${SEVERITY_MARKS[board.severity]} ` }, { text: board.headline, style: 'bold' }]);
  }
  for (const entry of board.resources) {
    if (lines.length > 0) lines.push([]);
    lines.push(resourceHeader(entry));
    lines.push(
      ...boardEntryLines<Line>(entry, {
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
