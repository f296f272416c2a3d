import type { LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import dns from 'node:dns';
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
  /** Never follows redirects. Throws TargetNotAllowedError, AbortError/TimeoutError or network errors. */
  request(url: string, init: OutboundRequest): Promise<OutboundResponse>;
  /** Resolves a user-supplied URL's host and throws TargetNotAllowedError when any address is refused. */
  checkTarget(url: string): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves like dns.lookup but refuses blocked addresses. The socket connects
 * to exactly the address checked here, so DNS rebinding cannot slip past.
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
    if (err) return callback(err, []);
    for (const a of addresses) {
      const reason = blockedAddressReason(a.address);
      if (reason) return callback(new TargetNotAllowedError(a.address, reason) as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
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
export function createOutboundHttp(options: { allowPrivateTargets: boolean; connections?: number }): OutboundHttp {
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
    async request(url, init) {
      const target = new URL(url);
      const isGuarded = (init.guarded ?? true) && !options.allowPrivateTargets;
      if (isGuarded) checkLiteral(target);
      const response = await request(target, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        dispatcher: isGuarded ? guarded : open,
        signal: AbortSignal.timeout(init.timeoutMs),
      });
      const body = await readCapped(response.body);
      return { status: response.statusCode, headers: response.headers, body };
    },

    async checkTarget(url) {
      if (options.allowPrivateTargets) return;
      const target = new URL(url);
      checkLiteral(target);
      if (ipLiteral(target.hostname)) return;
      let addresses: LookupAddress[];
      try {
        addresses = await dns.promises.lookup(target.hostname, { all: true });
      } catch {
        // An unresolvable host is not a private one; delivery will report it.
        return;
      }
      for (const a of addresses) {
        const reason = blockedAddressReason(a.address);
        if (reason) throw new TargetNotAllowedError(a.address, reason);
      }
    },

    async close() {
      await open.close();
      if (guarded !== open) await guarded.close();
    },
  };
}
