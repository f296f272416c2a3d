import type { LookupAddress, LookupOptions } from 'node:dns';
import dns from 'node:dns';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { activeTraceparent, withTimeout } from '@wrenn/runtime';
import { Agent, request } from 'undici';
import { blockedAddressReason, ipLiteral } from './address-policy';

/** A user-supplied target resolved to an address that may not be reached. */
export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`target address ${address} is not allowed (${range}); outbound requests may only reach public addresses`);
  }
}

/** The resolver did not answer in time; the next attempt may fare better. */
export class DnsLookupTimeoutError extends Error {
  override readonly name = 'DnsLookupTimeoutError';
  readonly code = 'EDNSTIMEOUT';
  constructor(
    readonly hostname: string,
    readonly timeoutMs: number,
  ) {
    super(`DNS lookup of ${hostname} gave no answer within ${timeoutMs / 1000} s`);
  }
}

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /**
   * `true` (default) for user-supplied URLs: the resolved address is checked
   * and the connection pinned to it. `false` for operator-configured bases.
   */
  guarded?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most 64 KB of the body, as text. */
  body: string;
}

export interface OutboundHttp {
  /**
   * Never follows redirects. Throws TargetNotAllowedError, DnsLookupTimeoutError,
   * AbortError/TimeoutError or network errors.
   */
  request(url: string, init: OutboundRequest): Promise<OutboundResponse>;
  /** Resolves a user-supplied URL's host and throws TargetNotAllowedError when any address is refused. */
  checkTarget(url: string): Promise<void>;
  close(): Promise<void>;
}

/** Every address a host name resolves to, like `dns.promises.lookup(host, {all: true})`. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundHttpOptions {
  /** `WRENN_ALLOW_PRIVATE_TARGETS`: skip the address checks altogether. */
  allowPrivateTargets: boolean;
  /** Connections per origin. */
  connections?: number;
  /** The resolver for guarded requests; the system resolver by default. */
  lookup?: HostLookup;
  /** How long a guarded lookup may take; 5 s by default, well within an attempt's 10 s. */
  dnsTimeoutMs?: number;
}

const MAX_BODY = 64 * 1024;

const tracer = trace.getTracer('wrenn-outbound');
const DEFAULT_DNS_TIMEOUT_MS = 5_000;

const systemLookup: HostLookup = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves a host within `timeoutMs` and refuses it when ANY of its addresses
 * is blocked: a name that mixes public and private addresses is refused as a
 * whole rather than trimmed, so which address is used never depends on order.
 */
async function resolveAllowed(lookup: HostLookup, hostname: string, timeoutMs: number): Promise<LookupAddress[]> {
  const addresses = await withTimeout(
    lookup(hostname),
    timeoutMs,
    () => new DnsLookupTimeoutError(hostname, timeoutMs),
  );
  for (const a of addresses) {
    const reason = blockedAddressReason(a.address);
    if (reason) throw new TargetNotAllowedError(a.address, reason);
  }
  return addresses;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

/** Keep-alive HTTP client for outbound deliveries with the outbound-safety rule built in. */
export function createOutboundHttp(options: OutboundHttpOptions): OutboundHttp {
  const lookup = options.lookup ?? systemLookup;
  const dnsTimeoutMs = options.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;

  /**
   * The socket connects to exactly the addresses checked here, so DNS
   * rebinding between a check and the connection cannot slip past.
   */
  function guardedLookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void {
    resolveAllowed(lookup, hostname, dnsTimeoutMs).then(
      (all) => {
        const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const addresses = family ? all.filter((a) => a.family === family) : all;
        if (lookupOptions.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) {
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
        }
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  }

  const common = { keepAliveTimeout: 30_000, connections: options.connections ?? 256 };
  const open = new Agent(common);
  const guarded = options.allowPrivateTargets
    ? open
    : new Agent({ ...common, connect: { lookup: guardedLookup as never } });

  function checkLiteral(url: URL): void {
    const literal = ipLiteral(url.hostname);
    if (!literal) return;
    const reason = blockedAddressReason(literal);
    if (reason) throw new TargetNotAllowedError(literal, reason);
  }

  return {
    // A client span per request, child of the caller's (an attempt's) span. The
    // URL is not recorded: user-supplied URLs carry credentials in their paths.
    request: (url, init) =>
      tracer.startActiveSpan(
        `${init.method}`,
        { kind: SpanKind.CLIENT, attributes: { 'http.request.method': init.method } },
        async (span) => {
          try {
            const target = new URL(url);
            span.setAttribute('server.address', target.hostname);
            const isGuarded = (init.guarded ?? true) && !options.allowPrivateTargets;
            if (isGuarded) checkLiteral(target);
            // A propagated trace context names this request's span, so the receiver's spans nest under it.
            const headers =
              init.headers.traceparent === undefined
                ? init.headers
                : { ...init.headers, traceparent: activeTraceparent(init.headers.traceparent) ?? '' };
            const response = await request(target, {
              method: init.method,
              headers,
              body: init.body,
              dispatcher: isGuarded ? guarded : open,
              signal: AbortSignal.timeout(init.timeoutMs),
            });
            const body = await readCapped(response.body);
            span.setAttribute('http.response.status_code', response.statusCode);
            if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
            return { status: response.statusCode, headers: response.headers, body };
          } catch (err) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'error' });
            throw err;
          } finally {
            span.end();
          }
        },
      ),

    async checkTarget(url) {
      if (options.allowPrivateTargets) return;
      const target = new URL(url);
      checkLiteral(target);
      if (ipLiteral(target.hostname)) return;
      try {
        await resolveAllowed(lookup, target.hostname, dnsTimeoutMs);
      } catch (err) {
        if (err instanceof TargetNotAllowedError) throw err;
        // An unresolvable or slow host is not a private one; delivery checks again and reports it.
      }
    },

    async close() {
      await open.close();
      if (guarded !== open) await guarded.close();
    },
  };
}
