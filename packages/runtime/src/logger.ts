import { type DestinationStream, type Logger, pino } from 'pino';
import { redactText } from './redact';

export type { Logger } from 'pino';

/** JSON logs; credential-bearing fields are censored and message text is scrubbed. */
export function createLogger(options: { name: string; level?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: {
        paths: [
          'config',
          '*.config',
          'secret',
          '*.secret',
          'token',
          '*.token',
          'access_token',
          '*.access_token',
          'bot_token',
          '*.bot_token',
          'webhook_url',
          '*.webhook_url',
          'url',
          '*.url',
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
        ],
        censor: '[redacted]',
      },
      formatters: {
        log(object) {
          const err = object.err;
          if (err instanceof Error) {
            return { ...object, err: { type: err.name, message: redactText(err.message) } };
          }
          return object;
        },
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination,
  );
}
