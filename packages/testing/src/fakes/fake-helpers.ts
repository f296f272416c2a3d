import type { ServerResponse } from 'node:http';
import { type ResponseScript, writeScripted } from './scripted-responses';

/**
 * Answers from the script when something is queued: `true` when the request
 * was handled (a `'hang'` is handled by never answering).
 */
export function answerFromScript(script: ResponseScript, res: ServerResponse): boolean {
  const next = script.take();
  if (next === undefined) return false;
  if (next !== 'hang') writeScripted(res, next);
  return true;
}

/** Parses a JSON body, or `undefined` when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The query string of a request URL as parameters. */
export function queryOf(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}

/** The path of a request URL without its query. */
export function pathOf(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}
