import { type EventPayload, linkResource, parseLinkTemplates } from '@wrenn/events';
import { describe, expect, it } from 'vitest';
import { slackBlockProblem } from '../../testing/src/fakes/slack';
import { parseTelegramHtml } from '../../testing/src/fakes/telegram-html';
import { renderDiscordDigest, renderDiscordEmbed } from '../src/discord/render';
import { renderGoogleChatDigest, renderGoogleChatMessage } from '../src/googlechat/render';
import { renderMatrixContent, renderMatrixDigest } from '../src/matrix/render';
import { resourceLinks } from '../src/render';
import { renderSlackDigest, renderSlackMessage } from '../src/slack/render';
import { renderTeamsDigest, renderTeamsMessage } from '../src/teams/render';
import { renderTelegramMessage, renderTelegramMessages } from '../src/telegram/render';
import { sampleEvent } from './support/sample-events';

const templates = parseLinkTemplates(
  'sandbox=https://app.wrenn.dev/capsules/{id}?a=1&b="x",host=https://app.wrenn.dev/admin/hosts/{id}',
);
const capsule = sampleEvent('capsule.created');
const host = sampleEvent('host.down');
const linkedCapsule = linkResource(capsule, templates);
const linkedHost = linkResource(host, templates);
const capsuleUrl = linkedCapsule.resource.url as string;
const hostUrl = linkedHost.resource.url as string;
const target = { chatId: 42 };

function withUrl(event: EventPayload, url: string): EventPayload {
  return { ...event, resource: { ...event.resource, url } };
}

describe('dashboard links in chat messages', () => {
  it('come from resource.url: once per resource, http(s) only', () => {
    expect(capsuleUrl).toBe(`https://app.wrenn.dev/capsules/${encodeURIComponent(capsule.resource.id)}?a=1&b="x"`);
    const links = resourceLinks([
      linkedCapsule,
      linkedCapsule,
      linkedHost,
      withUrl(capsule, 'javascript:alert(1)'),
      withUrl(capsule, 'data:text/html,x'),
    ]);
    expect(links.map((link) => link.url)).toEqual([capsuleUrl, hostUrl]);
    expect(links[0]?.label).toBe(`Open Capsule ${capsule.resource.id}`);
    expect(resourceLinks([capsule, host])).toEqual([]);
  });

  it('Discord: the embed url for one event, markdown links in a digest', () => {
    expect(renderDiscordEmbed(linkedCapsule).url).toBe(capsuleUrl);
    expect(renderDiscordEmbed(capsule).url).toBeUndefined();
    const odd = withUrl(host, 'https://app.wrenn.dev/h/(x)[y]');
    const [digest] = renderDiscordDigest([linkedCapsule, odd]);
    expect(digest?.description).toContain(`](${capsuleUrl})`);
    expect(digest?.description).toContain('](https://app.wrenn.dev/h/%28x%29%5By%5D)');
    expect(renderDiscordDigest([capsule, host])[0]?.description).not.toContain('](');
  });

  it('Slack: an actions block with a url button per resource, valid Block Kit', () => {
    const single = renderSlackMessage(linkedCapsule);
    const actions = single.blocks.find((block) => block.type === 'actions');
    expect(actions).toMatchObject({ elements: [{ type: 'button', url: capsuleUrl }] });
    expect(slackBlockProblem(single.blocks)).toBeNull();
    const digest = renderSlackDigest([linkedCapsule, linkedHost]);
    const buttons = digest.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : []));
    expect(buttons.map((button) => (button as { url: string }).url)).toEqual([capsuleUrl, hostUrl]);
    expect(slackBlockProblem(digest.blocks)).toBeNull();
    expect(renderSlackMessage(capsule).blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(renderSlackDigest([capsule, host]).blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it('Teams: Action.OpenUrl on the card', () => {
    const card = (message: ReturnType<typeof renderTeamsMessage>) =>
      message.attachments[0]?.content as Record<string, unknown>;
    expect(card(renderTeamsMessage(linkedCapsule)).actions).toEqual([
      { type: 'Action.OpenUrl', title: `Open Capsule ${capsule.resource.id}`, url: capsuleUrl },
    ]);
    expect(card(renderTeamsDigest([linkedCapsule, linkedHost])).actions).toHaveLength(2);
    expect(card(renderTeamsMessage(capsule))).not.toHaveProperty('actions');
    expect(card(renderTeamsDigest([capsule, host]))).not.toHaveProperty('actions');
  });

  it('Google Chat: a buttonList opening each link', () => {
    const urls = (message: ReturnType<typeof renderGoogleChatMessage>) =>
      (message.cardsV2[0]?.card?.sections ?? [])
        .flatMap((section) => section.widgets ?? [])
        .flatMap((widget) => widget.buttonList?.buttons ?? [])
        .map((button) => button.onClick?.openLink?.url);
    expect(urls(renderGoogleChatMessage(linkedCapsule))).toEqual([capsuleUrl]);
    expect(urls(renderGoogleChatDigest([linkedCapsule, linkedHost]))).toEqual([capsuleUrl, hostUrl]);
    expect(urls(renderGoogleChatMessage(capsule))).toEqual([]);
    expect(urls(renderGoogleChatDigest([capsule, host]))).toEqual([]);
  });

  it('Telegram: an inline keyboard url button per resource, text unchanged', () => {
    const single = renderTelegramMessage(linkedCapsule, target);
    expect(single.reply_markup).toEqual({
      inline_keyboard: [[{ text: `Open Capsule ${capsule.resource.id}`, url: capsuleUrl }]],
    });
    expect(single.text).toBe(renderTelegramMessage(capsule, target).text);
    expect(() => parseTelegramHtml(single.text)).not.toThrow();
    const { message } = renderTelegramMessages([linkedCapsule, linkedHost], target);
    expect(message.reply_markup?.inline_keyboard.map(([button]) => button?.url)).toEqual([capsuleUrl, hostUrl]);
    expect(renderTelegramMessage(capsule, target)).not.toHaveProperty('reply_markup');
  });

  it('Matrix: an <a href> with the URL attribute-escaped, the URL in the plain body', () => {
    const content = renderMatrixContent(linkedCapsule);
    const escaped = capsuleUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    expect(content.formatted_body).toContain(`<a href="${escaped}">Open Capsule ${capsule.resource.id}</a>`);
    expect(content.body).toContain(capsuleUrl);
    const digest = renderMatrixDigest([linkedCapsule, linkedHost]);
    expect(digest.formatted_body).toContain(`<a href="${hostUrl}">`);
    expect(renderMatrixContent(capsule).formatted_body).not.toContain('<a ');
    expect(renderMatrixDigest([capsule, host]).formatted_body).not.toContain('<a ');
  });
});
