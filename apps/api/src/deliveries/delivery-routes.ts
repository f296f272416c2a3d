import { requireChannel } from '../channels/require-channel';
import type { ApiDeps } from '../deps';
import { AppError, notFound } from '../http/app-error';
import { BODY_ROUTE_ERRORS, errorResponse, USER_ROUTE_ERRORS } from '../http/error-response';
import { toPage } from '../http/page';
import type { RouteRegistry } from '../http/route';
import { findDelivery, listDeliveries, markFailedSinceForRedelivery, markForRedelivery } from './delivery-repository';
import {
  BulkRetryBody,
  BulkRetryResult,
  ChannelDeliveriesParams,
  Delivery,
  DeliveryDetail,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
} from './delivery-schemas';
import { serializeDelivery, serializeDeliveryDetail } from './delivery-serializer';
import { queueRedeliveries } from './queue-redeliveries';

/** A channel's delivery log (newest first, paged) and redelivery of failed deliveries. */
export function registerDeliveryRoutes(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'get',
    path: '/v1/channels/:id/deliveries',
    summary: "List a channel's deliveries, newest first",
    tag: 'deliveries',
    auth: 'user',
    params: ChannelDeliveriesParams,
    query: DeliveryListQuery,
    responses: {
      200: { description: 'One page of deliveries', schema: DeliveryPage },
      400: errorResponse(
        'Malformed channel id, `limit`, `before`, `status`, `event`, `since` or `until`, or `until` not after `since` (`invalid_request`)',
      ),
      404: errorResponse('No such channel in your team (`not_found`)'),
      ...USER_ROUTE_ERRORS,
    },
    async handler({ params, query, auth, res }) {
      const channel = await requireChannel(deps.db, auth.teamUuid, params.id);
      const rows = await listDeliveries(deps.db, { channelId: channel.id, ...query });
      const body: DeliveryPage = toPage(rows, query.limit, serializeDelivery);
      res.json(body);
    },
  });

  registry.add({
    method: 'get',
    path: '/v1/channels/:id/deliveries/:dlv',
    summary: 'One delivery with its payload and every attempt',
    tag: 'deliveries',
    auth: 'user',
    params: DeliveryParams,
    responses: {
      200: { description: 'The delivery, the event it carries and its attempts, oldest first', schema: DeliveryDetail },
      400: errorResponse('Malformed channel or delivery id (`invalid_request`)'),
      404: errorResponse('No such channel in your team, or no such delivery of it (`not_found`)'),
      ...USER_ROUTE_ERRORS,
    },
    async handler({ params, auth, res }) {
      const channel = await requireChannel(deps.db, auth.teamUuid, params.id);
      const found = await findDelivery(deps.db, channel.id, params.dlv);
      if (!found) throw notFound('delivery');
      const body: DeliveryDetail = serializeDeliveryDetail(found);
      res.json(body);
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/channels/:id/deliveries/:dlv/retry',
    summary: 'Deliver that event to that channel again (new attempts on the same delivery id)',
    tag: 'deliveries',
    auth: 'user',
    params: DeliveryParams,
    responses: {
      202: {
        description:
          'Queued: the delivery is pending again, keeps its id and gets a new set of attempts. An attempt of an ' +
          'earlier run that is still in flight can no longer change it.',
        schema: Delivery,
      },
      400: errorResponse('Malformed channel or delivery id (`invalid_request`)'),
      404: errorResponse('No such channel in your team, or no such delivery of it (`not_found`)'),
      409: errorResponse('The channel is disabled: enable it before redelivering (`conflict`)'),
      ...USER_ROUTE_ERRORS,
    },
    async handler({ params, auth, res }) {
      const channel = await requireChannel(deps.db, auth.teamUuid, params.id);
      if (!channel.enabled) throw new AppError('conflict', 'the channel is disabled; enable it before redelivering');
      // A new generation, pending, then its channel's drain: an attempt of the earlier
      // generation (even one running right now) can no longer record anything on it.
      const row = await markForRedelivery(deps.db, channel.id, params.dlv);
      if (!row) throw notFound('delivery');
      await queueRedeliveries(deps, [row]);
      res.status(202).json(serializeDelivery(row));
    },
  });

  registry.add({
    method: 'post',
    path: '/v1/channels/:id/deliveries/retry',
    summary: 'Redeliver every failed delivery of a channel since a moment (recovery after an outage)',
    tag: 'deliveries',
    auth: 'user',
    params: ChannelDeliveriesParams,
    body: BulkRetryBody,
    responses: {
      202: {
        description:
          'Queued: every `failed` delivery of the channel created at or after `since` is pending again, keeps its id ' +
          'and gets a new set of attempts, exactly as the single retry route does. `count` says how many.',
        schema: BulkRetryResult,
      },
      400: errorResponse(
        'Malformed channel id, a missing or malformed `since`, or a `status` other than `failed` (`invalid_request`)',
      ),
      404: errorResponse('No such channel in your team (`not_found`)'),
      409: errorResponse('The channel is disabled: enable it before redelivering (`conflict`)'),
      ...BODY_ROUTE_ERRORS,
    },
    async handler({ params, body, auth, res }) {
      const channel = await requireChannel(deps.db, auth.teamUuid, params.id);
      if (!channel.enabled) throw new AppError('conflict', 'the channel is disabled; enable it before redelivering');
      const rows = await markFailedSinceForRedelivery(deps.db, channel.id, body.since);
      await queueRedeliveries(deps, rows);
      const answer: BulkRetryResult = { count: rows.length };
      res.status(202).json(answer);
    },
  });
}
