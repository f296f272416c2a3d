import type { BoardResource } from '../provider';
import { type BoardDescription, type BoardEntry, boardEntryLines, describeBoard, fitBoard } from '../render/board';
import { htmlText, type Line, plainText, SEVERITY_MARKS, safePiece } from '../render/rich-text';
import { TELEGRAM_TEXT_LIMIT, type TelegramTarget } from './render';

/** Link buttons a board carries at most (one per resource that has a dashboard link). */
const MAX_BUTTONS = 10;

/** An inline keyboard of link buttons, one per row. */
export interface TelegramReplyMarkup {
  inline_keyboard: Array<Array<{ text: string; url: string }>>;
}

/** The `sendMessage` / `editMessageText` fields of a board (without `message_id`). */
export interface TelegramBoardMessage {
  chat_id: number | string;
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
  message_thread_id?: number;
  reply_markup?: TelegramReplyMarkup;
}

function entryHeader(entry: BoardEntry): Line {
  return [
    { text: `• ${safePiece(entry.label)} ` },
    { text: safePiece(entry.id), style: 'code' },
    { text: `: ${safePiece(entry.state)}` },
  ];
}

/**
 * A board as lines: the headline, then each resource with its current state,
 * "N earlier events" when older lines gave way, and one line per event in
 * order. With `withEvents` false only the states are listed (a board of many
 * resources that does not fit otherwise).
 */
export function telegramBoardLines(board: BoardDescription, withEvents = true): Line[] {
  const lines: Line[] = [
    [{ text: `${SEVERITY_MARKS[board.severity]} ` }, { text: safePiece(board.headline), style: 'bold' }],
  ];
  for (const entry of board.resources) {
    if (withEvents) lines.push([]);
    lines.push(entryHeader(entry));
    if (!withEvents) continue;
    lines.push(
      ...boardEntryLines<Line>(entry, {
        earlier: (text) => [{ text: `   ${text}` }],
        event: (line, detail) => [
          { text: `   ${SEVERITY_MARKS[line.severity]} ` },
          { text: line.title, style: 'bold' },
          { text: ` · ${safePiece(detail)}` },
        ],
      }),
    );
  }
  return lines;
}

interface Rendered {
  html: string;
  visibleLength: number;
}

function render(lines: Line[]): Rendered {
  return { html: htmlText(lines, '\n'), visibleLength: plainText(lines).length };
}

const fits = (rendered: Rendered) => rendered.visibleLength <= TELEGRAM_TEXT_LIMIT;

/**
 * The board's text in Telegram's HTML within 4,096 visible characters: older
 * event lines give way to "N earlier events" first; when one line per
 * resource is still too much, only the resources' states are listed, and as a
 * last resort the last resources are counted instead of listed.
 */
export function fitTelegramBoardText(resources: readonly BoardResource[]): string {
  const board = describeBoard(resources);
  const fitted = fitBoard(board, (b) => render(telegramBoardLines(b)), fits);
  if (fits(fitted.message)) return fitted.message.html;
  const states = render(telegramBoardLines(board, false));
  if (fits(states)) return states.html;
  let shown = board.resources.length;
  let last = states;
  while (shown > 1 && !fits(last)) {
    shown -= 1;
    const lines = telegramBoardLines({ ...board, resources: board.resources.slice(0, shown) }, false);
    const more = board.resources.length - shown;
    lines.push([{ text: `… and ${more} more resource${more === 1 ? '' : 's'}` }]);
    last = render(lines);
  }
  return last.html;
}

/** Link buttons to the dashboard for the resources that have a link. */
function replyMarkup(resources: readonly BoardResource[]): TelegramReplyMarkup | undefined {
  const entries = describeBoard(resources).resources.filter((entry) => entry.url !== undefined);
  if (entries.length === 0) return undefined;
  return {
    inline_keyboard: entries
      .slice(0, MAX_BUTTONS)
      .map((entry) => [
        { text: `Open ${entry.label.toLowerCase()} ${entry.id}`.slice(0, 64), url: entry.url as string },
      ]),
  };
}

/** Renders a board as the fields of a `sendMessage` or `editMessageText` request. */
export function renderTelegramBoard(resources: readonly BoardResource[], target: TelegramTarget): TelegramBoardMessage {
  const message: TelegramBoardMessage = {
    chat_id: target.chatId,
    text: fitTelegramBoardText(resources),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
  if (target.messageThreadId !== undefined) message.message_thread_id = target.messageThreadId;
  const markup = replyMarkup(resources);
  if (markup) message.reply_markup = markup;
  return message;
}
