/**
 * Upper bound for any wait a provider asks for (Retry-After, a rate-limit
 * reset): a destination cannot park a delivery for longer than 15 minutes.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60 * 1000;
