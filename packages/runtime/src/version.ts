/** The service version, shown in `User-Agent: Wrenn-Webhooks/<version>` and in /health. */
export const SERVICE_VERSION = '0.1.0';
