import type { ServerResponse } from 'node:http';

/**
 * One scripted answer: a raw HTTP response, or `'hang'` to never answer (for
 * timeouts). A `Buffer` body is sent byte for byte, so a test can answer with
 * what real servers sometimes send: NUL bytes, invalid UTF-8, binary junk.
 */
export type ScriptedResponse = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/**
 * A queue of answers that take precedence over a fake's normal behaviour,
 * so a test can say "fail the next two requests with 503".
 */
export interface ResponseScript {
  /** Queues `response` for the next `times` requests (default 1). */
  failNext(response: ScriptedResponse, times?: number): void;
  /** Leaves the next `times` requests unanswered (the client times out). */
  hangNext(times?: number): void;
  /** Drops everything queued. */
  reset(): void;
  /** Takes the next queued answer, if any. */
  take(): ScriptedResponse | undefined;
}

/** The part of a script a test drives, as a fake exposes it: its `failNext`, `hangNext` and `reset`. */
export function scriptControls(script: ResponseScript): Pick<ResponseScript, 'failNext' | 'hangNext' | 'reset'> {
  return { failNext: script.failNext, hangNext: script.hangNext, reset: script.reset };
}

export function createResponseScript(): ResponseScript {
  const queue: ScriptedResponse[] = [];
  return {
    failNext(response, times = 1) {
      for (let i = 0; i < times; i++) queue.push(response);
    },
    hangNext(times = 1) {
      for (let i = 0; i < times; i++) queue.push('hang');
    },
    reset() {
      queue.length = 0;
    },
    take: () => queue.shift(),
  };
}

/** Writes a scripted answer; objects and arrays become JSON, strings and buffers are sent as they are. */
export function writeScripted(res: ServerResponse, response: Exclude<ScriptedResponse, 'hang'>): void {
  if (Buffer.isBuffer(response.body)) {
    res.writeHead(response.status, { 'content-type': 'text/plain', ...response.headers });
    res.end(response.body);
    return;
  }
  const isText = typeof response.body === 'string' || response.body === undefined;
  const headers = {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...response.headers,
  };
  res.writeHead(response.status, headers);
  res.end(isText ? ((response.body as string | undefined) ?? '') : JSON.stringify(response.body));
}
