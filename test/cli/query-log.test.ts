/** The validation-failure log throttle (cli/serve/query-log.ts): one line per question per interval, counting the rest. */
import { describe, expect, it } from 'vitest';
import { FailureLogThrottle, VALIDATION_LOG_INTERVAL_MS } from '../../cli/serve/query-log.js';

describe('validation failure log lines', () => {
  it('logs a question once per interval and says how many lines were left out', () => {
    let now = 0;
    const t = new FailureLogThrottle(() => now);
    expect(t.admit('a|1')).toBe(0);
    for (let i = 0; i < 500; i++) expect(t.admit('a|1')).toBeUndefined();
    expect(t.admit('b|1')).toBe(0); // another question has its own line
    now += VALIDATION_LOG_INTERVAL_MS;
    expect(t.admit('a|1')).toBe(500);
    expect(t.admit('a|1')).toBeUndefined();
  });
});
