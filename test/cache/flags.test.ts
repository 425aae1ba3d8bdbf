/**
 * The cache settings of `daneel serve`: flags and YAML keys (cli/options) mapped to CacheOptions; bad values
 * exit 64 naming the flag or key.
 */
import { describe, expect, it } from 'vitest';
import { cacheOptionsFrom } from '../../cli/serve/cache-options.js';
import { UsageError } from '../../cli/config.js';
import { DEFAULT_CACHE_OPTIONS } from '../../cache/options.js';
import { daneel } from '../cli/run.js';

describe('cache settings', () => {
  it('defaults when absent; values when given', () => {
    expect(cacheOptionsFrom({ cache: {}, keepWarm: { names: [] } })).toEqual(DEFAULT_CACHE_OPTIONS);
    const o = cacheOptionsFrom({
      cache: { maxBytes: 2 << 20, minTtl: 5, maxTtl: 600, prefetchShare: 0.25, badTtl: 30, serveStale: true, staleWindow: 3600 },
      keepWarm: { names: ['js.example:443', 'ns._device.example'], learnMax: 7, learnMinQueries: 2 },
    });
    expect(o).toEqual({
      maxBytes: 2 << 20, minTtlS: 5, maxTtlS: 600, prefetchShare: 0.25, badTtlS: 30, serveStale: true, staleWindowS: 3600,
      keepWarm: ['js.example:443', 'ns._device.example'], learnMax: 7, learnMinQueries: 2,
    });
  });

  it('values the cache cannot take are usage errors naming the setting', () => {
    expect(() => cacheOptionsFrom({ cache: { badTtl: 3600 }, keepWarm: { names: [] } })).toThrow(/bad-cache-ttl/);
    expect(() => cacheOptionsFrom({ cache: {}, keepWarm: { names: ['host:99999'] } })).toThrow(UsageError);
    expect(() => cacheOptionsFrom({ cache: {}, keepWarm: { names: ['a..b'] } })).toThrow(/--keep-warm/);
  });

  it('daneel serve exits 64 on a bad cache flag, naming it', async () => {
    for (const [flag, value] of [['--cache-max-ttl', 'forever'], ['--prefetch-share', '2'], ['--bad-cache-ttl', '3600'], ['--keep-warm', 'host:99999']]) {
      const r = await daneel(['serve', '--listen', '127.0.0.1:0', '--root-hints', '/dev/null', flag!, value!]);
      expect(r.code, r.stderr).toBe(64);
      expect(r.stderr, r.stderr).toMatch(flag === '--bad-cache-ttl' ? /bad-cache-ttl|bad-ttl/ : flag === '--keep-warm' ? /keep-warm/ : new RegExp(flag!));
    }
  });
});
