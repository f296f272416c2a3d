/**
 * A Wrenn webhook receiver that keeps working through a secret rotation.
 *
 * Run it with the channel's secret(s), newest first, separated by spaces:
 *
 *   WRENN_WEBHOOK_SECRETS="whsec_new… whsec_old…" PORT=3000 npx tsx docs/receiver-example.ts
 *
 * Each delivery carries two signature schemes; a request is accepted when one
 * of them verifies with one of the secrets:
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
 *   checked by the `standardwebhooks` library. During a rotation's grace period
 *   `webhook-signature` holds two signatures (new secret first, then the old),
 *   so a receiver still holding only the old secret keeps verifying until the
 *   period ends, and one holding only the new secret verifies at once.
 * - The older `X-WRENN-SIGNATURE: sha256=<hex HMAC-SHA256(key, X-Wrenn-Timestamp + "." + body)>`,
 *   signed with the new secret only; the key is the same one the library uses
 *   (for a `whsec_` secret, the bytes its base64 encodes).
 *
 * Rotating: call `POST /v1/channels/{id}/rotate-secret`, put the new secret
 * first in WRENN_WEBHOOK_SECRETS (keep the old one after it), redeploy, and drop
 * the old secret once `previous_secret_expires_at` has passed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** Older timestamps are refused, so a captured request cannot be replayed later. */
const TOLERANCE_S = 5 * 60;

export type Verdict =
  | { ok: true; scheme: 'standard-webhooks' | 'x-wrenn-signature'; secretIndex: number; event: { event: string } }
  | { ok: false; reason: string };

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** The HMAC key of a secret, as the standardwebhooks library derives it. */
function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** The older scheme: `X-WRENN-SIGNATURE` over `X-Wrenn-Timestamp + "." + body`. */
function verifyWrennSignature(secret: string, headers: IncomingHttpHeaders, body: string, now: number): boolean {
  const timestamp = header(headers, 'x-wrenn-timestamp');
  const signature = header(headers, 'x-wrenn-signature');
  const at = Date.parse(timestamp);
  if (Number.isNaN(at) || Math.abs(now - at) / 1000 > TOLERANCE_S) return false;
  const expected = `sha256=${createHmac('sha256', signingKey(secret)).update(`${timestamp}.${body}`).digest('hex')}`;
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

/** Verifies one delivery with any of `secrets` (newest first); says which scheme and secret matched. */
export function verifyDelivery(
  secrets: readonly string[],
  headers: IncomingHttpHeaders,
  body: string,
  now = Date.now(),
): Verdict {
  for (const [secretIndex, secret] of secrets.entries()) {
    try {
      // Checks the timestamp's age and accepts any of the space-separated `v1,` signatures.
      // The raw key: a `whsec_` secret's decoded bytes, any other secret's UTF-8 bytes, as Wrenn signs.
      const event = new Webhook(signingKey(secret), { format: 'raw' }).verify(body, {
        'webhook-id': header(headers, 'webhook-id'),
        'webhook-timestamp': header(headers, 'webhook-timestamp'),
        'webhook-signature': header(headers, 'webhook-signature'),
      }) as { event: string };
      return { ok: true, scheme: 'standard-webhooks', secretIndex, event };
    } catch {
      // Not this secret; try the next one, then the other scheme.
    }
  }
  for (const [secretIndex, secret] of secrets.entries()) {
    if (verifyWrennSignature(secret, headers, body, now)) {
      return { ok: true, scheme: 'x-wrenn-signature', secretIndex, event: JSON.parse(body) as { event: string } };
    }
  }
  return { ok: false, reason: 'no signature verifies with the configured secrets' };
}

export interface ReceiverOptions {
  port: number;
  /** Read for every request, so secrets can change without a restart. */
  secrets: () => readonly string[];
  onDelivery?: (verdict: Verdict, request: { headers: IncomingHttpHeaders; body: string }) => void;
}

/**
 * Answers 204 to a verified delivery (Wrenn then marks it delivered) and 401
 * otherwise (Wrenn retries it, so nothing is lost while a secret is fixed).
 */
export function startReceiver(options: ReceiverOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // Verify the exact bytes received: re-serialised JSON would not match the signature.
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = verifyDelivery(options.secrets(), req.headers, body);
      options.onDelivery?.(verdict, { headers: req.headers, body });
      res.writeHead(verdict.ok ? 204 : 401).end();
    });
  });
  return new Promise((resolve) => server.listen(options.port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secrets = (process.env.WRENN_WEBHOOK_SECRETS ?? '').split(' ').filter(Boolean);
  if (secrets.length === 0) throw new Error('set WRENN_WEBHOOK_SECRETS to the channel secret(s), newest first');
  const port = Number(process.env.PORT ?? 3000);
  await startReceiver({
    port,
    secrets: () => secrets,
    onDelivery: (verdict) =>
      console.log(
        verdict.ok
          ? `${verdict.event.event}: verified (${verdict.scheme}, secret #${verdict.secretIndex + 1})`
          : `rejected: ${verdict.reason}`,
      ),
  });
  console.log(`listening on http://127.0.0.1:${port}`);
}
