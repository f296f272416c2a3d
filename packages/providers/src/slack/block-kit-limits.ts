import type { SlackMessage } from './render';

/** Slack's Block Kit limits (header 150, section text 3,000, 50 blocks…): a message over any is refused. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
} as const;

/** Whether a message stays within Block Kit's limits (blocks per message, text per header, section and field). */
export function slackMessageFits(message: SlackMessage): boolean {
  if (message.blocks.length > SLACK_LIMITS.blocks) return false;
  return message.blocks.every((block) => {
    if (block.type === 'header') return block.text.text.length <= SLACK_LIMITS.headerText;
    if (block.type === 'section') {
      const fields = block.fields ?? [];
      return (
        (block.text?.text.length ?? 0) <= SLACK_LIMITS.sectionText &&
        fields.length <= SLACK_LIMITS.sectionFields &&
        fields.every((field) => field.text.length <= SLACK_LIMITS.fieldText)
      );
    }
    if (block.type === 'context') return block.elements.length <= SLACK_LIMITS.contextElements;
    return true;
  });
}
