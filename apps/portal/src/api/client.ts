import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Api = ReturnType<typeof createApi>;
export type Schemas = components['schemas'];

/** An error answer of the API: `{"error":{"code","message"}}` with its HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : 'internal';
  const message = typeof error?.message === 'string' ? error.message : `the service answered ${status}`;
  return new ApiError(status, code, message);
}

/**
 * The typed client of the API, generated from its own /openapi.json, with the
 * portal token added to every request. The token is only ever held in memory.
 */
export function createApi(token: string, baseUrl = window.location.origin) {
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  const client = createClient<paths>({ baseUrl });
  client.use(auth);
  return client;
}

/** The data of an openapi-fetch answer, or its error as an {@link ApiError}. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error);
  return data as NonNullable<T>;
}

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;

export type Channel = Json<paths['/v1/channels/{id}']['get']['responses'][200]>;
export type CreatedChannel = Json<paths['/v1/channels']['post']['responses'][201]>;
export type CreateChannelBody = NonNullable<
  paths['/v1/channels']['post']['requestBody']
>['content']['application/json'];
export type DeliveryPage = Json<paths['/v1/channels/{id}/deliveries']['get']['responses'][200]>;
export type Delivery = DeliveryPage['items'][number];
export type AuditLogPage = Json<paths['/v1/audit-logs']['get']['responses'][200]>;
export type AuditEntry = AuditLogPage['items'][number];
export type ProviderList = Json<paths['/v1/providers']['get']['responses'][200]>;
export type ProviderDescription = ProviderList['items'][number];
export type ProviderField = ProviderDescription['fields'][number];
export type EventTypeList = Json<paths['/v1/event-types']['get']['responses'][200]>;
export type EventType = EventTypeList['items'][number];
export type RotatedSecret = Json<paths['/v1/channels/{id}/rotate-secret']['post']['responses'][200]>;
export type RetryFailedResult = Json<paths['/v1/channels/{id}/deliveries/retry']['post']['responses'][202]>;
