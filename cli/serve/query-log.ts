/**
 * Per-query log lines for `daneel serve`: one warn line per validation failure (reason, EDE, check id) and,
 * with `log.query-log` on, one info line per answered query. The switch is read at each query, so a reload
 * turns the query log on or off at once.
 */
import type { Logger } from '../../server/logger.js';
import type { QueryContext } from '../../server/handler.js';

export function queryObserver(logger: Logger, queryLog: () => boolean): (client: string, protocol: 'udp' | 'tcp') => QueryContext['onResult'] {
  return (client, protocol) => (question, result) => {
    const qname = question.name.toString();
    const { verdict } = result;
    if (verdict.status === 'bogus') {
      logger.warn({ client, qname, qtype: question.type, reason: verdict.reason, ede: verdict.ede, id: verdict.id }, 'validation failure');
    }
    if (queryLog()) {
      logger.info({ client, protocol, qname, qtype: question.type, rcode: result.rcode, status: verdict.status }, 'query');
    }
  };
}
