import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/webhook';
import type { OutboundHttp } from '../outbound/outbound-http';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * A `fetch` for @slack/webhook that goes through the service's outbound
 * client: the same address checks (when `guarded`), body cap and
 * never-follow-redirects rule as every other delivery. A 3xx comes back as a
 * non-ok response, so the library reports it as an HTTP error that is retried.
 */
export function outboundFetch(
  http: OutboundHttp,
  options: { guarded: boolean; timeoutMs: number; userAgent: string },
): FetchFunction {
  return async (url, init) => {
    const response = await http.request(String(url), {
      method: 'POST',
      headers: { ...init?.headers, 'User-Agent': options.userAgent },
      body: typeof init?.body === 'string' ? init.body : undefined,
      timeoutMs: options.timeoutMs,
      guarded: options.guarded,
    });
    const { status, body } = response;
    const result: FetchResponse = {
      ok: status >= 200 && status < 300,
      status,
      statusText: STATUS_CODES[status] ?? '',
      url: String(url),
      headers: {
        get: (name: string) => headerValue(response.headers[name.toLowerCase()]),
        entries: () =>
          Object.entries(response.headers).flatMap(([k, v]) => {
            const text = headerValue(v);
            return text === null ? [] : [[k, text] as [string, string]];
          }),
      },
      arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
      json: async () => JSON.parse(body) as unknown,
      text: async () => body,
    };
    return result;
  };
}
