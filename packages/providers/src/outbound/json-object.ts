/**
 * A provider's JSON error body as an object whose fields are still to be
 * checked; `{}` when the body is not a JSON object (an HTML error page, a proxy's text).
 */
export function jsonObject<T extends object>(body: string): T {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as T) : ({} as T);
  } catch {
    return {} as T;
  }
}
