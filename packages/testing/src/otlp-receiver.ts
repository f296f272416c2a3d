import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpReceiver {
  /** Give as `OTEL_EXPORTER_OTLP_ENDPOINT` (with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`). */
  url: string;
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

/** A span as OTLP/HTTP JSON carries it, with the service that sent it. */
export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
  status: { code?: number };
  links: Array<{ traceId: string; spanId: string }>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; arrayValue?: { values: OtlpValue[] } };
const attributeValue = (v: OtlpValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.arrayValue?.values.map(attributeValue));

/** An OTLP/HTTP receiver (JSON encoding) keeping every span it is sent. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: OtlpValue }> };
            scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
          }>;
        };
        for (const rs of doc.resourceSpans) {
          const service = String(
            attributeValue(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {}) ?? '',
          );
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const attrs = (s.attributes ?? []) as Array<{ key: string; value: OtlpValue }>;
              spans.push({
                service,
                name: s.name as string,
                traceId: s.traceId as string,
                spanId: s.spanId as string,
                parentSpanId: (s.parentSpanId as string) ?? '',
                attributes: Object.fromEntries(attrs.map((a) => [a.key, attributeValue(a.value)])),
                status: (s.status ?? {}) as { code?: number },
                links: ((s.links ?? []) as Array<{ traceId: string; spanId: string }>).map((l) => ({
                  traceId: l.traceId,
                  spanId: l.spanId,
                })),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
