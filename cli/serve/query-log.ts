/**
 * Per-query log lines for `daneel serve`: a warn line per validation failure (reason, EDE, check id) and,
 * with `log.query-log` on, one info line per answered query. The switch is read at each query, so a reload
 * turns the query log on or off at once.
 *
 * A bogus name asked in a flood (served from the bad cache in microseconds) would write a line per query: the
 * failure of one question is logged at most once per VALIDATION_LOG_INTERVAL_MS, and the next line says how
 * many were left out. At most VALIDATION_LOG_MAX_QUESTIONS questions are remembered (oldest forgotten).
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../server/logger.js';
import type { QueryContext } from '../../server/handler.js';

export const VALIDATION_LOG_INTERVAL_MS = 60_000;
export const VALIDATION_LOG_MAX_QUESTIONS = 10_000;

/** When each question's failure was last logged, and how many were left out since. */
export class FailureLogThrottle {
  private readonly seen = new LRUCache<string, { at: number; suppressed: number }>({ max: VALIDATION_LOG_MAX_QUESTIONS });

  constructor(private readonly now: () => number = Date.now) {}

  /** undefined: leave this one out; a number: log it, with that many left out before it. */
  admit(key: string): number | undefined {
    const t = this.now();
    const e = this.seen.get(key);
    if (e && t - e.at < VALIDATION_LOG_INTERVAL_MS) {
      e.suppressed++;
      return undefined;
    }
    this.seen.set(key, { at: t, suppressed: 0 });
    return e?.suppressed ?? 0;
  }
}

export function queryObserver(logger: Logger, queryLog: () => boolean, throttle = new FailureLogThrottle()): (client: string, protocol: 'udp' | 'tcp') => QueryContext['onResult'] {
  return (client, protocol) => (question, result) => {
    const qname = question.name.toString();
    const { verdict } = result;
    if (verdict.status === 'bogus') {
      const suppressed = throttle.admit(`${question.name.key}|${question.type}`);
      if (suppressed !== undefined) {
        const line = { client, qname, qtype: question.type, reason: verdict.reason, ede: verdict.ede, id: verdict.id };
        logger.warn(suppressed > 0 ? { ...line, suppressed } : line, 'validation failure');
      }
    }
    if (queryLog()) {
      logger.info({ client, protocol, qname, qtype: question.type, rcode: result.rcode, status: verdict.status }, 'query');
    }
  };
}
