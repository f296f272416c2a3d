// Generated from the API's /openapi.json by `pnpm --filter @wrenn/portal generate:api`; do not edit.

export interface paths {
    "/v1/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the team's channels, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every channel of the team */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @example ch-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            id: string;
                            team_id: string;
                            name: string;
                            /** @enum {string} */
                            provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                            /**
                             * @description Subscribed event types and patterns (`*`, `capsule.*`…), as given.
                             * @example [
                             *       "capsule.*",
                             *       "host.down"
                             *     ]
                             */
                            events: string[];
                            enabled: boolean;
                            /** @description Why the service disabled the channel, if it did. */
                            disabled_reason: string | null;
                            /**
                             * @description `each` (default) or `resource`.
                             * @enum {string}
                             */
                            message_style: "each" | "resource";
                            /** @description The CEL filter over `event`, or null. */
                            filter: string | null;
                            /** @description Quiet hours with their defaults filled in, or null. */
                            quiet_hours: {
                                /** @example Europe/Berlin */
                                timezone: string;
                                /** @example 22:00 */
                                start: string;
                                /** @example 07:00 */
                                end: string;
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                urgent: string[];
                            } | null;
                            /** @description Every stored config key, sorted; never the values (nor a rotated-out secret). */
                            config_fields: string[];
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        }[];
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a channel */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Trimmed, lower-cased, spaces become `-`; then `^[a-z0-9][a-z0-9._-]{0,63}$`. Unique per team (409 `conflict`). */
                        name: string;
                        /**
                         * @description Where notifications go.
                         * @enum {string}
                         */
                        provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                        /** @description Provider settings, a flat object of strings. Values are write-only. discord: `webhook_url` (optional `thread_id`); slack, teams, googlechat: `webhook_url`; telegram: `bot_token`, `chat_id` (optional `message_thread_id`); matrix: `homeserver_url`, `access_token`, `room_id`; webhook: `url` (optional `secret`; generated and returned once when absent). */
                        config: {
                            [key: string]: string;
                        };
                        /** @description Event types or patterns to deliver, returned as given; duplicates are removed. `channel.test` cannot be subscribed. See `GET /v1/event-types`. */
                        events: string[];
                        /**
                         * @description `each`: a message per event (or per burst). `resource`: the first event about a resource posts a message and later events about it update that message; `host.down` and `channel.disabled` always post a new one. Only for providers whose `message_styles` (`GET /v1/providers`) include it.
                         * @enum {string}
                         */
                        message_style?: "each" | "resource";
                        /**
                         * @description A CEL expression over `event` (the webhook JSON: `event.event`, `event.actor.type`, `event.resource.id`, `event.metadata.template`…) that must yield a bool; at most 1,000 characters. An event for which it is false, or whose evaluation errs (a missing key), creates no delivery for the channel. `null`: every subscribed event.
                         * @example event.actor.type != "system" && event.metadata.template.startsWith("python")
                         */
                        filter?: string | null;
                        /** @description During the window (local time in `timezone`, an IANA name) deliveries wait and go out, combined, when it ends; `urgent` event types or patterns go out at once. `days` are the days a window starts (default every day); `urgent` defaults to `host.down` and `channel.disabled`. `end` before `start` spans midnight. `null`: no quiet hours. */
                        quiet_hours?: {
                            timezone: string;
                            start: string;
                            end: string;
                            days?: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                            urgent?: string[];
                        } | null;
                    };
                };
            };
            responses: {
                /** @description The new channel. A webhook channel created without `secret` carries the generated `secret`, shown this once. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @example ch-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            id: string;
                            team_id: string;
                            name: string;
                            /** @enum {string} */
                            provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                            /**
                             * @description Subscribed event types and patterns (`*`, `capsule.*`…), as given.
                             * @example [
                             *       "capsule.*",
                             *       "host.down"
                             *     ]
                             */
                            events: string[];
                            enabled: boolean;
                            /** @description Why the service disabled the channel, if it did. */
                            disabled_reason: string | null;
                            /**
                             * @description `each` (default) or `resource`.
                             * @enum {string}
                             */
                            message_style: "each" | "resource";
                            /** @description The CEL filter over `event`, or null. */
                            filter: string | null;
                            /** @description Quiet hours with their defaults filled in, or null. */
                            quiet_hours: {
                                /** @example Europe/Berlin */
                                timezone: string;
                                /** @example 22:00 */
                                start: string;
                                /** @example 07:00 */
                                end: string;
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                urgent: string[];
                            } | null;
                            /** @description Every stored config key, sorted; never the values (nor a rotated-out secret). */
                            config_fields: string[];
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /** @description Webhook channels only: the generated signing secret, shown this once. */
                            secret?: string;
                        };
                    };
                };
                /** @description Invalid body, config or a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team already has a channel with this name, or already has the maximum number of channels (100 unless configured) (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable, or Slack could not be asked about a Slack app's token and channel; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a channel.test event to an unsaved config */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Where notifications go.
                         * @enum {string}
                         */
                        provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                        /** @description Provider settings, a flat object of strings. Values are write-only. discord: `webhook_url` (optional `thread_id`); slack, teams, googlechat: `webhook_url`; telegram: `bot_token`, `chat_id` (optional `message_thread_id`); matrix: `homeserver_url`, `access_token`, `room_id`; webhook: `url` (optional `secret`; generated and returned once when absent). */
                        config: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description The provider accepted the test event */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @constant */
                            status: "ok";
                        };
                    };
                };
                /** @description Invalid body or config, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made 10 test sends (both test routes together) in the current one-minute window (`rate_limited`, policy `test_sends`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider refused or did not answer; the message summarises its answer without secrets (`delivery_failed`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a channel */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The channel */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @example ch-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            id: string;
                            team_id: string;
                            name: string;
                            /** @enum {string} */
                            provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                            /**
                             * @description Subscribed event types and patterns (`*`, `capsule.*`…), as given.
                             * @example [
                             *       "capsule.*",
                             *       "host.down"
                             *     ]
                             */
                            events: string[];
                            enabled: boolean;
                            /** @description Why the service disabled the channel, if it did. */
                            disabled_reason: string | null;
                            /**
                             * @description `each` (default) or `resource`.
                             * @enum {string}
                             */
                            message_style: "each" | "resource";
                            /** @description The CEL filter over `event`, or null. */
                            filter: string | null;
                            /** @description Quiet hours with their defaults filled in, or null. */
                            quiet_hours: {
                                /** @example Europe/Berlin */
                                timezone: string;
                                /** @example 22:00 */
                                start: string;
                                /** @example 07:00 */
                                end: string;
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                urgent: string[];
                            } | null;
                            /** @description Every stored config key, sorted; never the values (nor a rotated-out secret). */
                            config_fields: string[];
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Malformed channel id (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a channel and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Malformed channel id (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, resubscribe, enable or disable a channel, or change its message style, filter or quiet hours */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Trimmed, lower-cased, spaces become `-`; then `^[a-z0-9][a-z0-9._-]{0,63}$`. Unique per team (409 `conflict`). */
                        name?: string;
                        /** @description Event types or patterns to deliver, returned as given; duplicates are removed. `channel.test` cannot be subscribed. See `GET /v1/event-types`. */
                        events?: string[];
                        /** @description Enabling clears `disabled_reason` and the failure count. */
                        enabled?: boolean;
                        /**
                         * @description `each`: a message per event (or per burst). `resource`: the first event about a resource posts a message and later events about it update that message; `host.down` and `channel.disabled` always post a new one. Only for providers whose `message_styles` (`GET /v1/providers`) include it.
                         * @enum {string}
                         */
                        message_style?: "each" | "resource";
                        /**
                         * @description A CEL expression over `event` (the webhook JSON: `event.event`, `event.actor.type`, `event.resource.id`, `event.metadata.template`…) that must yield a bool; at most 1,000 characters. An event for which it is false, or whose evaluation errs (a missing key), creates no delivery for the channel. `null`: every subscribed event.
                         * @example event.actor.type != "system" && event.metadata.template.startsWith("python")
                         */
                        filter?: string | null;
                        /** @description During the window (local time in `timezone`, an IANA name) deliveries wait and go out, combined, when it ends; `urgent` event types or patterns go out at once. `days` are the days a window starts (default every day); `urgent` defaults to `host.down` and `channel.disabled`. `end` before `start` spans midnight. `null`: no quiet hours. */
                        quiet_hours?: {
                            timezone: string;
                            start: string;
                            end: string;
                            days?: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                            urgent?: string[];
                        } | null;
                    };
                };
            };
            responses: {
                /** @description The updated channel */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @example ch-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            id: string;
                            team_id: string;
                            name: string;
                            /** @enum {string} */
                            provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                            /**
                             * @description Subscribed event types and patterns (`*`, `capsule.*`…), as given.
                             * @example [
                             *       "capsule.*",
                             *       "host.down"
                             *     ]
                             */
                            events: string[];
                            enabled: boolean;
                            /** @description Why the service disabled the channel, if it did. */
                            disabled_reason: string | null;
                            /**
                             * @description `each` (default) or `resource`.
                             * @enum {string}
                             */
                            message_style: "each" | "resource";
                            /** @description The CEL filter over `event`, or null. */
                            filter: string | null;
                            /** @description Quiet hours with their defaults filled in, or null. */
                            quiet_hours: {
                                /** @example Europe/Berlin */
                                timezone: string;
                                /** @example 22:00 */
                                start: string;
                                /** @example 07:00 */
                                end: string;
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                urgent: string[];
                            } | null;
                            /** @description Every stored config key, sorted; never the values (nor a rotated-out secret). */
                            config_fields: string[];
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Malformed id or invalid body (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team already has a channel with this name (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/channels/{id}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace a channel's config (rotate its secrets) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Provider settings, a flat object of strings. Values are write-only. discord: `webhook_url` (optional `thread_id`); slack, teams, googlechat: `webhook_url`; telegram: `bot_token`, `chat_id` (optional `message_thread_id`); matrix: `homeserver_url`, `access_token`, `room_id`; webhook: `url` (optional `secret`; generated and returned once when absent). */
                        config: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description The channel, enabled again. A webhook config without `secret` gets a new generated `secret`, shown this once. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @example ch-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            id: string;
                            team_id: string;
                            name: string;
                            /** @enum {string} */
                            provider: "discord" | "slack" | "teams" | "googlechat" | "telegram" | "matrix" | "webhook";
                            /**
                             * @description Subscribed event types and patterns (`*`, `capsule.*`…), as given.
                             * @example [
                             *       "capsule.*",
                             *       "host.down"
                             *     ]
                             */
                            events: string[];
                            enabled: boolean;
                            /** @description Why the service disabled the channel, if it did. */
                            disabled_reason: string | null;
                            /**
                             * @description `each` (default) or `resource`.
                             * @enum {string}
                             */
                            message_style: "each" | "resource";
                            /** @description The CEL filter over `event`, or null. */
                            filter: string | null;
                            /** @description Quiet hours with their defaults filled in, or null. */
                            quiet_hours: {
                                /** @example Europe/Berlin */
                                timezone: string;
                                /** @example 22:00 */
                                start: string;
                                /** @example 07:00 */
                                end: string;
                                days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
                                urgent: string[];
                            } | null;
                            /** @description Every stored config key, sorted; never the values (nor a rotated-out secret). */
                            config_fields: string[];
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /** @description Webhook channels only: the generated signing secret, shown this once. */
                            secret?: string;
                        };
                    };
                };
                /** @description Malformed id, invalid config for the channel's provider, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable, or Slack could not be asked about a Slack app's token and channel; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a webhook channel's signing secret, the old one signing on for a grace period */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * @description How long the old secret keeps signing (seconds, 0–604800, default 86400 = 24 h). 0 replaces it at once.
                         * @default 86400
                         */
                        grace_period_s?: number;
                    };
                };
            };
            responses: {
                /** @description The new secret, shown this once. Until `previous_secret_expires_at`, `webhook-signature` carries two space-separated `v1,` signatures, the new secret's first; `X-WRENN-SIGNATURE` uses the new secret only. Rotating again during a grace period drops the older secret: only the one being replaced keeps signing. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description The new signing secret, `whsec_` + base64 of 32 random bytes. Shown this once.
                             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                             */
                            secret: string;
                            /**
                             * Format: date-time
                             * @description Until when the old secret also signs (`webhook-signature` then carries both, the new one first); null when it stopped at once.
                             */
                            previous_secret_expires_at: string | null;
                        };
                    };
                };
                /** @description Malformed id or body, `grace_period_s` outside 0–604800, or a channel that is not a webhook (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a channel.test event with the stored config */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The provider accepted the test event */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @constant */
                            status: "ok";
                        };
                    };
                };
                /** @description Malformed id, a refused target address, or a Slack app's token or channel that Slack refuses (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made 10 test sends (both test routes together) in the current one-minute window (`rate_limited`, policy `test_sends`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The provider refused or did not answer; the message summarises its answer without secrets (`delivery_failed`) */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/filter-preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Try a filter on the channel's latest 20 events */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        filter: string;
                    };
                };
            };
            responses: {
                /** @description The channel's latest 20 subscribed events, newest first, each with whether the filter would deliver it */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                event_id: string;
                                event: string;
                                /** Format: date-time */
                                created_at: string;
                                /** @description Whether the filter lets this event through to the channel. */
                                delivered: boolean;
                                /** @description Why the evaluation failed (a missing key…): such an event is not delivered. */
                                error: string | null;
                                /** @description The event as a webhook receives it. */
                                payload: {
                                    [key: string]: unknown;
                                };
                            }[];
                        };
                    };
                };
                /** @description Malformed id, or a filter that does not parse or type-check (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No channel with this id in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a channel's deliveries, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Page size, 1–100 (default 50). */
                    limit?: number;
                    /** @description Cursor: the `next_before` of the previous page (the id of its oldest delivery). Returns older deliveries; an id that is not one of this channel's yields an empty page. Pass the same filters again. */
                    before?: string;
                    /** @description Only deliveries in this status. */
                    status?: "pending" | "succeeded" | "failed";
                    /** @description Only deliveries of this event type, or of the types a pattern (`host.*`, `*`) covers. */
                    event?: string;
                    /** @description Only deliveries created at or after this moment (RFC 3339). */
                    since?: string;
                    /** @description Only deliveries created before this moment (RFC 3339). */
                    until?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of deliveries */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Newest first. */
                            items: {
                                /**
                                 * @description Stable across retries and redeliveries.
                                 * @example dlv-0a1b2c3d4e5f6g7h8i9j0k1l2
                                 */
                                id: string;
                                /** @example evt-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                                event_id: string;
                                /** @example capsule.created */
                                event: string;
                                /** @enum {string} */
                                status: "pending" | "succeeded" | "failed";
                                /** @description Attempts so far, redeliveries included. */
                                attempts: number;
                                /** @description HTTP status of the last attempt; null without an answer. */
                                last_status_code: number | null;
                                /** @description The last failure, summarised; never contains a secret. */
                                last_error: string | null;
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                updated_at: string;
                                /**
                                 * Format: date-time
                                 * @description When an attempt last succeeded.
                                 */
                                delivered_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description A pending delivery is not sent before this time: a retry delay, a rate-limit pause or quiet hours. Null once settled.
                                 */
                                ready_at: string | null;
                            }[];
                            /** @description Pass as `before` for the next page; `null` on the last page. */
                            next_before: string | null;
                        };
                    };
                };
                /** @description Malformed channel id, `limit`, `before`, `status`, `event`, `since` or `until`, or `until` not after `since` (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No such channel in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/deliveries/{dlv}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One delivery with its payload and every attempt */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    dlv: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The delivery, the event it carries and its attempts, oldest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description Stable across retries and redeliveries.
                             * @example dlv-0a1b2c3d4e5f6g7h8i9j0k1l2
                             */
                            id: string;
                            /** @example evt-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            event_id: string;
                            /** @example capsule.created */
                            event: string;
                            /** @enum {string} */
                            status: "pending" | "succeeded" | "failed";
                            /** @description HTTP status of the last attempt; null without an answer. */
                            last_status_code: number | null;
                            /** @description The last failure, summarised; never contains a secret. */
                            last_error: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /**
                             * Format: date-time
                             * @description When an attempt last succeeded.
                             */
                            delivered_at: string | null;
                            /**
                             * Format: date-time
                             * @description A pending delivery is not sent before this time: a retry delay, a rate-limit pause or quiet hours. Null once settled.
                             */
                            ready_at: string | null;
                            /** @description The event as a webhook receives it (the JSON body, before any per-send additions). */
                            payload: {
                                [key: string]: unknown;
                            };
                            /** @description Every attempt, oldest first. A chat message that carried several deliveries shows as an attempt of each. */
                            attempts: {
                                /** @description Its number over the delivery’s whole life, from 1. */
                                attempt: number;
                                /**
                                 * Format: date-time
                                 * @description When the answer (or its absence) was recorded.
                                 */
                                at: string;
                                /**
                                 * @description `retry`: failed, another attempt follows; `rate_limited`: a 429, the destination is paused and no attempt of the schedule is used; `failed`: the delivery’s last attempt of its run, or a permanent failure.
                                 * @enum {string}
                                 */
                                outcome: "succeeded" | "retry" | "rate_limited" | "failed";
                                /** @description HTTP status; null without an answer. */
                                status_code: number | null;
                                latency_ms: number;
                                /** @description The failure, as printable text without secrets. */
                                error: string | null;
                            }[];
                        };
                    };
                };
                /** @description Malformed channel or delivery id (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No such channel in your team, or no such delivery of it (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/deliveries/{dlv}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver that event to that channel again (new attempts on the same delivery id) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    dlv: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued: the delivery is pending again, keeps its id and gets a new set of attempts. An attempt of an earlier run that is still in flight can no longer change it. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * @description Stable across retries and redeliveries.
                             * @example dlv-0a1b2c3d4e5f6g7h8i9j0k1l2
                             */
                            id: string;
                            /** @example evt-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                            event_id: string;
                            /** @example capsule.created */
                            event: string;
                            /** @enum {string} */
                            status: "pending" | "succeeded" | "failed";
                            /** @description Attempts so far, redeliveries included. */
                            attempts: number;
                            /** @description HTTP status of the last attempt; null without an answer. */
                            last_status_code: number | null;
                            /** @description The last failure, summarised; never contains a secret. */
                            last_error: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /**
                             * Format: date-time
                             * @description When an attempt last succeeded.
                             */
                            delivered_at: string | null;
                            /**
                             * Format: date-time
                             * @description A pending delivery is not sent before this time: a retry delay, a rate-limit pause or quiet hours. Null once settled.
                             */
                            ready_at: string | null;
                        };
                    };
                };
                /** @description Malformed channel or delivery id (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No such channel in your team, or no such delivery of it (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The channel is disabled: enable it before redelivering (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/deliveries/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redeliver every failed delivery of a channel since a moment (recovery after an outage) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description Deliveries created at or after this moment (RFC 3339).
                         */
                        since: string;
                        /**
                         * @description Which deliveries: only `failed` (the default).
                         * @default failed
                         * @constant
                         */
                        status?: "failed";
                    };
                };
            };
            responses: {
                /** @description Queued: every `failed` delivery of the channel created at or after `since` is pending again, keeps its id and gets a new set of attempts, exactly as the single retry route does. `count` says how many. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Deliveries that were redelivered (each gets a new set of attempts). */
                            count: number;
                        };
                    };
                };
                /** @description Malformed channel id, a missing or malformed `since`, or a `status` other than `failed` (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description No such channel in your team (`not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The channel is disabled: enable it before redelivering (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 64 KB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List every event a channel can subscribe to, with the JSON Schema of its payload */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every subscribable event, with a one-line description and the JSON Schema of its payload. A channel subscribes to these names or to patterns over them: `*`, or a dotted prefix followed by `.*`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @example capsule.created */
                                name: string;
                                /** @description One line saying when the event is sent. */
                                description: string;
                                /** @description JSON Schema (draft 2020-12) of the event payload, the body a webhook receives. */
                                schema: {
                                    [key: string]: unknown;
                                };
                            }[];
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the team's audit log, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Page size, 1–100 (default 50). */
                    limit?: number;
                    /** @description Cursor: the `next_before` of the previous page (the id of its oldest entry). Returns entries older than that one; an id that is not in your audit log yields an empty page. */
                    before?: string;
                    /** @description Only entries with this resource type (e.g. `channel`, `sandbox`). */
                    resource_type?: string;
                    /** @description Only entries with this action (e.g. `create`, `delete`). */
                    action?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page of entries */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Newest first. */
                            items: {
                                /** @example log-0a1b2c3d4e5f6g7h8i9j0k1l2 */
                                id: string;
                                /** @description `user`, `api_key` or `system` */
                                actor_type: string;
                                /** @description Omitted when empty. */
                                actor_id?: string;
                                /** @description Omitted when empty. */
                                actor_name?: string;
                                resource_type: string;
                                /** @description Omitted when empty. */
                                resource_id?: string;
                                action: string;
                                /**
                                 * @description `admin` entries are listed for owners and admins only.
                                 * @enum {string}
                                 */
                                scope: "team" | "admin";
                                /** @description `success`, `info`, `warning` or `error` */
                                status: string;
                                metadata: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                created_at: string;
                            }[];
                            /** @description Pass as `before` for the next page; `null` on the last page. */
                            next_before: string | null;
                        };
                    };
                };
                /** @description Invalid `limit`, `before` or filter (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record audit entries; lifecycle entries become events delivered to subscribed channels */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes retries safe: a request repeating a key seen in the last 24 hours gets the first answer (`202`, the same `ids`) whatever its body, and stores nothing new. 1–255 visible ASCII characters; a UUID per logical request is a good choice. */
                    "Idempotency-Key"?: string;
                    /** @description W3C Trace Context of the caller. Kept with each event: the ingest, fan-out and delivery spans join this trace, and every webhook request carries a `traceparent` of it. An invalid value is ignored, as the specification asks. */
                    traceparent?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        team_id: string;
                        actor: {
                            /** @enum {string} */
                            type: "user" | "api_key" | "system";
                            /** @description `usr-…` or `key-…`; omitted for the system. */
                            id?: string | null;
                            name?: string | null;
                        };
                        /**
                         * @example sandbox
                         * @example snapshot
                         * @example host
                         */
                        resource_type: string;
                        resource_id?: string | null;
                        /**
                         * @example create
                         * @example pause
                         * @example marked_down
                         */
                        action: string;
                        /** @description Default `team`. */
                        scope?: ("team" | "admin") | null;
                        /** @description Default `success`. */
                        status?: ("success" | "info" | "warning" | "error") | null;
                        metadata?: {
                            [key: string]: unknown;
                        } | null;
                    } | {
                        team_id: string;
                        actor: {
                            /** @enum {string} */
                            type: "user" | "api_key" | "system";
                            /** @description `usr-…` or `key-…`; omitted for the system. */
                            id?: string | null;
                            name?: string | null;
                        };
                        /**
                         * @example sandbox
                         * @example snapshot
                         * @example host
                         */
                        resource_type: string;
                        resource_id?: string | null;
                        /**
                         * @example create
                         * @example pause
                         * @example marked_down
                         */
                        action: string;
                        /** @description Default `team`. */
                        scope?: ("team" | "admin") | null;
                        /** @description Default `success`. */
                        status?: ("success" | "info" | "warning" | "error") | null;
                        metadata?: {
                            [key: string]: unknown;
                        } | null;
                    }[];
                };
            };
            responses: {
                /** @description Every entry is durably stored (audit rows and their events in one transaction); events will be delivered even if Redis is down right now. A repeated `Idempotency-Key` gets the first answer. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The new audit log ids (`log-…`), in input order. */
                            ids: string[];
                        };
                    };
                };
                /** @description Not an entry or an array of 1–500 entries, an invalid entry, or a malformed `Idempotency-Key`; nothing was stored (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing or wrong internal token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is larger than 1 MB (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description PostgreSQL is unreachable; nothing was stored, retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe every provider’s config fields (what the portal builds its forms from) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every provider, its label and its config fields with label, placeholder, help and where to find it */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description The provider name used in `provider`. */
                                name: string;
                                label: string;
                                /** @description The message styles the provider supports (`resource`: one message per resource, kept up to date). */
                                message_styles: ("each" | "resource")[];
                                fields: {
                                    /** @description The config key. */
                                    key: string;
                                    /** @description The form label. */
                                    label: string;
                                    required: boolean;
                                    /** @description A credential: typed into a password field, never shown again. */
                                    secret: boolean;
                                    placeholder: string;
                                    /** @description One line about the value. */
                                    help: string;
                                    /** @description Where to find the value, step by step. */
                                    where: string;
                                    /** @description For a provider whose config comes in alternative forms (Slack: "Incoming webhook" or "Slack app"): the form this field belongs to. Fill in every field of one form and none of another. */
                                    form?: string;
                                }[];
                            }[];
                        };
                    };
                };
                /** @description Missing, malformed, expired or otherwise rejected token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`) */
                429: {
                    headers: {
                        /** @description Seconds until the window ends and requests are accepted again. */
                        "Retry-After"?: number;
                        /** @description IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`. */
                        RateLimit?: string;
                        /** @description IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`. */
                        "RateLimit-Policy"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description PostgreSQL or Redis is unreachable; retry shortly (`unavailable`) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/portal-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Open a portal session for a team member: a link with a one-hour token in its fragment */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        team_id: string;
                        user_id: string;
                        /** @enum {string} */
                        role: "owner" | "admin" | "member";
                        /** @description Shown as `actor_name` of the audit entries the portal causes (e.g. "Ada"). */
                        user_name?: string;
                    };
                };
            };
            responses: {
                /** @description The portal link. Its `#token=` fragment is a JWT with `"typ":"portal"`, valid one hour, accepted by `/v1/*` for that team only. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The portal address with the token in its fragment (`#token=…`). */
                            url: string;
                            /** @description When the token expires (RFC 3339), one hour from now. */
                            expires_at: string;
                        };
                    };
                };
                /** @description Invalid `team_id`, `user_id`, `role` or `user_name` (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Missing or wrong internal token (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description The body is not `application/json` (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                /** @enum {string} */
                                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                                message: string;
                            };
                        };
                    };
                };
                /** @description Error */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness; checks no dependency */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is up */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: PostgreSQL and Redis reachable */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Both reachable */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description A dependency is unreachable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Prometheus text exposition format */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The document */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, never>;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The team portal (static page). Opened with a `#token=` fragment from `POST /internal/v1/portal-sessions`; `Content-Security-Policy` `frame-ancestors` from `WRENN_PORTAL_FRAME_ANCESTORS` */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The portal page */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
                /** @description The portal was not built */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Interactive API documentation (Swagger UI) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An HTML page rendering /openapi.json */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /** @enum {string} */
                code: "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "delivery_failed" | "unavailable" | "internal";
                message: string;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
