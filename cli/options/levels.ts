/** pino's levels, accepted by --log-level and log.level (kept apart from the schema so flag help loads no zod). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
