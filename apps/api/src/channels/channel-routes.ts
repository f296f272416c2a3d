import type { AuditActor } from '@wrenn/audit';
import { quietWindowEnd } from '@wrenn/channel-rules';
import { generateWebhookSecret, openConfig, sealConfig } from '@wrenn/crypto';
import type { Channel as ChannelRow } from '@wrenn/db';
import { newId, rfc3339 } from '@wrenn/events';
import { isProviderName, messageStyleProblem, type ProviderName } from '@wrenn/providers';
import { queueRedeliveries } from '../deliveries/queue-redeliveries';
import type { ApiDeps } from '../deps';
import { AppError, invalid, notFound } from '../http/app-error';
import type { AuthContext } from '../http/auth';
import { BODY_ROUTE_ERRORS, errorResponse, USER_ROUTE_ERRORS } from '../http/error-response';
import type { RouteRegistry } from '../http/route';
import {
  checkOutboundTargets,
  liveSealedConfig,
  requireWorkingDestination,
  validatedConfig,
  withGeneratedSecret,
} from './channel-config';
import {
  deleteChannel,
  insertChannel,
  listChannels,
  reholdQuietHeld,
  replaceChannelConfig,
  rotateChannelSecret,
  updateChannel,
} from './channel-repository';
import {
  Channel,
  ChannelList,
  ChannelPathParams,
  ChannelWithSecret,
  createChannelBody,
  ReplaceConfigBody,
  RotatedSecret,
  RotateSecretBody,
  TestSendResult,
  testSendBody,
  UpdateChannelBody,
} from './channel-schemas';
import { channelRef, serializeChannel } from './channel-serializer';
import { registerFilterPreviewRoute } from './filter-preview';
import { requireChannel } from './require-channel';
import { sendTestEvent } from './test-send';

const TAG = 'channels';

const CHANNEL_NOT_FOUND = errorResponse('No channel with this id in your team (`not_found`)');
const BAD_ID = errorResponse('Malformed channel id (`invalid_request`)');
const DELIVERY_FAILED = errorResponse(
  'The provider refused or did not answer; the message summarises its answer without secrets (`delivery_failed`)',
);
const DESTINATION_UNAVAILABLE = errorResponse(
  "PostgreSQL or Redis is unreachable, or Slack could not be asked about a Slack app's token and channel; retry shortly (`unavailable`)",
);

/** The audit actor of a user request. */
function actorOf(auth: AuthContext): AuditActor {
  return { type: 'user', id: auth.userId, name: auth.name };
}

function storedProvider(row: ChannelRow): ProviderName {
  if (!isProviderName(row.provider)) throw new Error(`channel ${row.id} has an unknown provider`);
  return row.provider;
}

/**
 * Adds a generated webhook secret when none was given, applies the
 * outbound-safety rule, asks the destination whether the config works (a
 * Slack app's token and channel) and seals the config for storage.
 */
async function prepareConfig(deps: ApiDeps, provider: ProviderName, config: Record<string, string>) {
  const withSecret = withGeneratedSecret(provider, config);
  const target = await checkOutboundTargets(deps.http, deps.providerSettings, provider, withSecret.config);
  if (!target.ok) throw invalid(target.message);
  await requireWorkingDestination(deps.http, deps.providerSettings, provider, withSecret.config);
  return { sealed: sealConfig(deps.secrets, withSecret.config), generatedSecret: withSecret.generatedSecret };
}

async function sendTestOrThrow(
  deps: ApiDeps,
  auth: AuthContext,
  provider: ProviderName,
  config: Record<string, string>,
) {
  const result = await sendTestEvent(deps, auth, provider, config);
  if (result.ok) return;
  throw result.reason === 'delivery_failed' ? new AppError('delivery_failed', result.message) : invalid(result.message);
}

/**
 * Channel CRUD, secret rotation and test sends. Every change
 * commits in one transaction with its audit entry: the entry's write throws,
 * so a change is never stored without it.
 */
export function registerChannelRoutes(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'post',
    path: '/v1/channels',
    summary: 'Create a channel',
    tag: TAG,
    auth: 'user',
    body: createChannelBody(deps.providerSettings),
    responses: {
      201: {
        description:
          'The new channel. A webhook channel created without `secret` carries the generated `secret`, shown this once.',
        schema: ChannelWithSecret,
      },
      400: errorResponse(
        "Invalid body, config or a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`)",
      ),
      409: errorResponse(
        'The team already has a channel with this name, or already has the maximum number of channels (100 unless configured) (`conflict`)',
      ),
      ...BODY_ROUTE_ERRORS,
      503: DESTINATION_UNAVAILABLE,
    },
    async handler({ body, auth, res }) {
      const { sealed, generatedSecret } = await prepareConfig(deps, body.provider, body.config);
      const { id, uuid } = newId('channel');
      const row = await deps.db.transaction().execute(async (trx) => {
        const result = await insertChannel(
          trx,
          {
            id: uuid,
            teamId: auth.teamUuid,
            name: body.name,
            provider: body.provider,
            sealedConfig: sealed,
            events: body.events,
            rules: { messageStyle: body.message_style, filter: body.filter, quietHours: body.quiet_hours },
          },
          deps.limits.maxChannelsPerTeam,
        );
        if (result.kind === 'name_taken')
          throw new AppError('conflict', `a channel named "${body.name}" already exists in this team`);
        if (result.kind === 'limit_reached') {
          throw new AppError(
            'conflict',
            `a team can have at most ${result.limit} channels; delete one before creating another`,
          );
        }
        await deps.audit
          .within(trx)
          .channelCreate(actorOf(auth), auth.teamId, { id, name: body.name, provider: body.provider });
        return result.row;
      });
      const channel: ChannelWithSecret = serializeChannel(row);
      if (generatedSecret !== undefined) channel.secret = generatedSecret;
      res.status(201).json(channel);
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/channels',
    summary: "List the team's channels, newest first",
    tag: TAG,
    auth: 'user',
    responses: { 200: { description: 'Every channel of the team', schema: ChannelList }, ...USER_ROUTE_ERRORS },
    async handler({ auth, res }) {
      const rows = await listChannels(deps.db, auth.teamUuid);
      res.json(rows.map(serializeChannel));
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/channels/test',
    summary: 'Send a channel.test event to an unsaved config',
    tag: TAG,
    auth: 'user',
    rateLimit: 'test_sends',
    body: testSendBody(deps.providerSettings),
    responses: {
      200: { description: 'The provider accepted the test event', schema: TestSendResult },
      400: errorResponse(
        "Invalid body or config, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`)",
      ),
      502: DELIVERY_FAILED,
      ...BODY_ROUTE_ERRORS,
    },
    async handler({ body, auth, res }) {
      await sendTestOrThrow(deps, auth, body.provider, body.config);
      res.json({ status: 'ok' });
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/channels/:id',
    summary: 'Get a channel',
    tag: TAG,
    auth: 'user',
    params: ChannelPathParams,
    responses: {
      200: { description: 'The channel', schema: Channel },
      400: BAD_ID,
      404: CHANNEL_NOT_FOUND,
      ...USER_ROUTE_ERRORS,
    },
    async handler({ params, auth, res }) {
      const row = await requireChannel(deps.db, auth.teamUuid, params.id);
      res.json(serializeChannel(row));
    },
  });

  registry.add({
    method: 'patch',
    path: '/v1/channels/:id',
    summary: 'Rename, resubscribe, enable or disable a channel, or change its message style, filter or quiet hours',
    tag: TAG,
    auth: 'user',
    params: ChannelPathParams,
    body: UpdateChannelBody,
    responses: {
      200: { description: 'The updated channel', schema: Channel },
      400: errorResponse('Malformed id or invalid body (`invalid_request`)'),
      404: CHANNEL_NOT_FOUND,
      409: errorResponse('The team already has a channel with this name (`conflict`)'),
      ...BODY_ROUTE_ERRORS,
    },
    async handler({ params, body, auth, res }) {
      const changed = (['name', 'events', 'enabled', 'message_style', 'filter', 'quiet_hours'] as const).filter(
        (key) => body[key] !== undefined,
      );
      // A style is checked against the stored config's form (a Slack webhook cannot edit its messages).
      if (body.message_style !== undefined) {
        const existing = await requireChannel(deps.db, auth.teamUuid, params.id);
        const problem = messageStyleProblem(storedProvider(existing), existing.config, body.message_style);
        if (problem) throw invalid(problem);
      }
      let reheld: Array<{ id: string; channel_id: string }> = [];
      const row = await deps.db.transaction().execute(async (trx) => {
        const rules = { messageStyle: body.message_style, filter: body.filter, quietHours: body.quiet_hours };
        const result = await updateChannel(trx, auth.teamUuid, params.id, { ...body, rules });
        if (result.kind === 'not_found') throw notFound('channel');
        if (result.kind === 'name_taken')
          throw new AppError('conflict', `a channel named "${body.name}" already exists in this team`);
        await deps.audit.within(trx).channelUpdate(actorOf(auth), auth.teamId, channelRef(result.row), [...changed]);
        // What quiet hours held follows the new ones: out now when they are off or over, else at the new end.
        if (body.quiet_hours !== undefined) {
          const end = body.quiet_hours ? quietWindowEnd(body.quiet_hours, Date.now()) : null;
          reheld = await reholdQuietHeld(trx, result.row.id, end === null ? null : new Date(end));
        }
        return result.row;
      });
      // Their drain may sleep until the old end: it looks again now.
      await queueRedeliveries(deps, reheld);
      res.json(serializeChannel(row));
    },
  });

  registry.add({
    method: 'put',
    path: '/v1/channels/:id/config',
    summary: "Replace a channel's config (rotate its secrets)",
    tag: TAG,
    auth: 'user',
    params: ChannelPathParams,
    body: ReplaceConfigBody,
    responses: {
      200: {
        description:
          'The channel, enabled again. A webhook config without `secret` gets a new generated `secret`, shown this once.',
        schema: ChannelWithSecret,
      },
      400: errorResponse(
        "Malformed id, invalid config for the channel's provider, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`)",
      ),
      404: CHANNEL_NOT_FOUND,
      ...BODY_ROUTE_ERRORS,
      503: DESTINATION_UNAVAILABLE,
    },
    async handler({ params, body, auth, res }) {
      const existing = await requireChannel(deps.db, auth.teamUuid, params.id);
      const provider = storedProvider(existing);
      const config = validatedConfig(deps.providerSettings, provider, body.config);
      const styleProblem =
        existing.message_style === 'resource' ? messageStyleProblem(provider, config, 'resource') : undefined;
      if (styleProblem) throw invalid(`${styleProblem}; change message_style to "each" first`);
      const { sealed, generatedSecret } = await prepareConfig(deps, provider, config);
      const row = await deps.db.transaction().execute(async (trx) => {
        const replaced = await replaceChannelConfig(trx, auth.teamUuid, params.id, sealed);
        if (!replaced) throw notFound('channel');
        await deps.audit.within(trx).channelRotateConfig(actorOf(auth), auth.teamId, channelRef(replaced));
        return replaced;
      });
      const channel: ChannelWithSecret = serializeChannel(row);
      if (generatedSecret !== undefined) channel.secret = generatedSecret;
      res.json(channel);
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/channels/:id/rotate-secret',
    summary: "Rotate a webhook channel's signing secret, the old one signing on for a grace period",
    tag: TAG,
    auth: 'user',
    params: ChannelPathParams,
    body: RotateSecretBody,
    bodyOptional: true,
    responses: {
      200: {
        description:
          'The new secret, shown this once. Until `previous_secret_expires_at`, `webhook-signature` carries two ' +
          "space-separated `v1,` signatures, the new secret's first; `X-WRENN-SIGNATURE` uses the new secret only. " +
          'Rotating again during a grace period drops the older secret: only the one being replaced keeps signing.',
        schema: RotatedSecret,
      },
      400: errorResponse(
        'Malformed id or body, `grace_period_s` outside 0–604800, or a channel that is not a webhook (`invalid_request`)',
      ),
      404: CHANNEL_NOT_FOUND,
      ...BODY_ROUTE_ERRORS,
    },
    async handler({ params, body, auth, res }) {
      const secret = generateWebhookSecret();
      const rotation = {
        sealedSecret: deps.secrets.encrypt(secret),
        gracePeriodS: body.grace_period_s,
        now: new Date(),
      };
      const expiresAt = await deps.db.transaction().execute(async (trx) => {
        const result = await rotateChannelSecret(trx, auth.teamUuid, params.id, rotation);
        if (result.kind === 'not_found') throw notFound('channel');
        if (result.kind === 'not_webhook') {
          throw invalid(
            `only webhook channels have a signing secret to rotate; this is a ${result.row.provider} channel (replace its config with PUT /v1/channels/{id}/config)`,
          );
        }
        const until = result.previousSecretExpiresAt ? rfc3339(result.previousSecretExpiresAt) : null;
        await deps.audit
          .within(trx)
          .channelRotateSecret(actorOf(auth), auth.teamId, channelRef(result.row), body.grace_period_s, until);
        return until;
      });
      const answer: RotatedSecret = { secret, previous_secret_expires_at: expiresAt };
      res.json(answer);
    },
  });

  registry.add({
    method: 'delete',
    path: '/v1/channels/:id',
    summary: 'Delete a channel and its delivery log',
    tag: TAG,
    auth: 'user',
    params: ChannelPathParams,
    responses: { 204: { description: 'Deleted' }, 400: BAD_ID, 404: CHANNEL_NOT_FOUND, ...USER_ROUTE_ERRORS },
    async handler({ params, auth, res }) {
      await deps.db.transaction().execute(async (trx) => {
        const row = await deleteChannel(trx, auth.teamUuid, params.id);
        if (!row) throw notFound('channel');
        await deps.audit.within(trx).channelDelete(actorOf(auth), auth.teamId, channelRef(row));
      });
      res.status(204).end();
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/channels/:id/test',
    summary: 'Send a channel.test event with the stored config',
    tag: TAG,
    auth: 'user',
    rateLimit: 'test_sends',
    params: ChannelPathParams,
    responses: {
      200: { description: 'The provider accepted the test event', schema: TestSendResult },
      400: errorResponse(
        "Malformed id, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`)",
      ),
      404: CHANNEL_NOT_FOUND,
      502: DELIVERY_FAILED,
      ...USER_ROUTE_ERRORS,
    },
    async handler({ params, auth, res }) {
      const row = await requireChannel(deps.db, auth.teamUuid, params.id);
      await sendTestOrThrow(deps, auth, storedProvider(row), openConfig(deps.secrets, liveSealedConfig(row)));
      res.json({ status: 'ok' });
    },
  });

  registerFilterPreviewRoute(registry, deps);
}
