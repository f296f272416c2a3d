import type { EventPayload } from '@wrenn/events';
import { describeEvent } from '../render/describe-event';
import { describeDigest, fitDigest } from '../render/digest';
import { escapeHtml } from '../render/escape-entities';
import { type ResourceLink, resourceLinks } from '../render/links';
import { digestLines, htmlText, type Line, notificationLines, PIECE_LIMIT_STEPS, plainText } from '../render/rich-text';
import { utf8Length } from '../render/truncate';

/**
 * Budget for the serialized content. A whole event, with the fields the
 * server adds (ids, signatures, hashes), must stay under 65,536 bytes.
 */
export const MATRIX_CONTENT_BUDGET_BYTES = 48 * 1024;

/** `m.room.message` content of a notice with an HTML body. */
export interface MatrixMessageContent {
  msgtype: 'm.notice';
  body: string;
  format: 'org.matrix.custom.html';
  formatted_body: string;
  /** Empty: the notice mentions nobody, so no push rule turns it into a ping. */
  'm.mentions': Record<string, never>;
}

/**
 * Renders an event as an `m.notice`: plain `body` and the same text as HTML,
 * built from the same truncated pieces, shrunk until the content fits the budget.
 */
export function renderMatrixContent(event: EventPayload): MatrixMessageContent {
  const description = describeEvent(event);
  let content: MatrixMessageContent | undefined;
  for (const limits of PIECE_LIMIT_STEPS) {
    const lines = notificationLines(description, limits);
    content = noticeOf(lines, resourceLinks([event]));
    if (utf8Length(JSON.stringify(content)) <= MATRIX_CONTENT_BUDGET_BYTES) break;
  }
  return content as MatrixMessageContent;
}

/**
 * The lines as plain text and HTML; dashboard links follow on a last line, as
 * `label: URL` in the body and as `<a href>` links in the HTML.
 */
function noticeOf(lines: readonly Line[], links: readonly ResourceLink[]): MatrixMessageContent {
  const plainLinks = links.map((link) => `${link.label}: ${link.url}`).join('\n');
  const htmlLinks = links.map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>`).join(' · ');
  return {
    msgtype: 'm.notice',
    body: plainText(lines) + (plainLinks ? `\n${plainLinks}` : ''),
    format: 'org.matrix.custom.html',
    formatted_body: htmlText(lines, '<br>') + (htmlLinks ? `<br>${htmlLinks}` : ''),
    'm.mentions': {},
  };
}

/** Several events as one notice: the digest's lines as plain text and HTML. */
export function renderMatrixDigest(events: readonly EventPayload[]): MatrixMessageContent {
  return noticeOf(digestLines(describeDigest(events)), resourceLinks(events));
}

/** The content of one notice carrying the leading `events`, and how many it carries. */
export function renderMatrixContents(events: readonly EventPayload[]): {
  message: MatrixMessageContent;
  carried: number;
} {
  return fitDigest(events, {
    single: renderMatrixContent,
    digest: renderMatrixDigest,
    fits: (content) => utf8Length(JSON.stringify(content)) <= MATRIX_CONTENT_BUDGET_BYTES,
  });
}
