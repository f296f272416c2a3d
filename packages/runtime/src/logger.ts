import { type DestinationStream, type Logger, pino } from 'pino';
import { redactText } from './redact';

export type { DestinationStream, Logger } from 'pino';

/**
 * JSON logs; credential-bearing fields are censored and message text is
 * scrubbed. An `err` keeps its stack (scrubbed too): an error line without
 * it cannot be traced to its cause.
 */
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
            const stack = err.stack === undefined ? undefined : redactText(err.stack);
            // Without a prototype, pino's error serializer (which runs after this) keeps `type`
            // instead of naming the plain object's constructor.
            const scrubbed = Object.assign(Object.create(null), {
              type: err.name,
              message: redactText(err.message),
              stack,
            });
            return { ...object, err: scrubbed };
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
