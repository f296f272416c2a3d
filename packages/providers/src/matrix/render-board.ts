import type { BoardResource } from '../provider';
import { type BoardDescription, renderFittedBoard } from '../render/board';
import { boardLines } from '../render/board-lines';
import { htmlText, plainText } from '../render/rich-text';
import { utf8Length } from '../render/truncate';
import { MATRIX_CONTENT_BUDGET_BYTES, type MatrixMessageContent } from './render';

/** An edit of a notice: the fallback for clients without edits outside, the full new content inside. */
export interface MatrixEditContent {
  msgtype: 'm.notice';
  /** "* " and the new text: what a client that does not understand edits shows. */
  body: string;
  format: 'org.matrix.custom.html';
  formatted_body: string;
  /** The content the original now shows; `m.mentions` lives only here, so an edit never pings again. */
  'm.new_content': MatrixMessageContent;
  'm.relates_to': { rel_type: 'm.replace'; event_id: string };
}

/** The notice showing a board: its lines as plain text and HTML, resources linking to the dashboard. */
export function renderMatrixBoardNotice(lines: ReturnType<typeof boardLines>): MatrixMessageContent {
  return {
    msgtype: 'm.notice',
    body: plainText(lines),
    format: 'org.matrix.custom.html',
    formatted_body: htmlText(lines, '<br>'),
    'm.mentions': {},
  };
}

/** Replaces event `originalId` (always the original, never an earlier edit) with `content`. */
export function matrixEditOf(content: MatrixMessageContent, originalId: string): MatrixEditContent {
  return {
    msgtype: 'm.notice',
    body: `* ${content.body}`,
    format: 'org.matrix.custom.html',
    formatted_body: `* ${content.formatted_body}`,
    'm.new_content': content,
    'm.relates_to': { rel_type: 'm.replace', event_id: originalId },
  };
}

function fits(content: MatrixMessageContent | MatrixEditContent): boolean {
  return utf8Length(JSON.stringify(content)) <= MATRIX_CONTENT_BUDGET_BYTES;
}

/**
 * The content that posts a board (`originalId` undefined) or edits event
 * `originalId` to show it, within the event size budget: an edit carries the
 * board twice (fallback and new content), so it is fitted as sent.
 */
export function renderMatrixBoard(
  resources: readonly BoardResource[],
  originalId?: string,
): MatrixMessageContent | MatrixEditContent {
  const render = (board: BoardDescription) => {
    const notice = renderMatrixBoardNotice(boardLines(board));
    return originalId === undefined ? notice : matrixEditOf(notice, originalId);
  };
  return renderFittedBoard(resources, render, fits);
}
