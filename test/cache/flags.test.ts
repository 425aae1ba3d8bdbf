/** The cache flags of `daneel serve`: parsed into CacheOptions, bad values exit 64 naming the flag. */
import { describe, expect, it } from 'vitest';
import { cacheOptionsFromFlags } from '../../cli/cache-flags.js';
import { UsageError } from '../../cli/config.js';
import { DEFAULT_CACHE_OPTIONS } from '../../cache/options.js';
import { daneel } from '../cli/run.js';

describe('cache flags', () => {
  it('defaults when absent; values when given', () => {
    expect(cacheOptionsFromFlags({})).toEqual(DEFAULT_CACHE_OPTIONS);
    const o = cacheOptionsFromFlags({
      cacheMaxBytes: '1048576', cacheMinTtl: '5', cacheMaxTtl: '600', prefetchShare: '0.25', badCacheTtl: '30',
      serveStale: 'yes', serveStaleWindow: '3600', keepWarm: ['js.example:443', 'ns._device.example'],
    });
    expect(o).toMatchObject({ maxBytes: 1048576, minTtlS: 5, maxTtlS: 600, prefetchShare: 0.25, badTtlS: 30, serveStale: true, staleWindowS: 3600 });
    expect(o.keepWarm).toEqual(['js.example:443', 'ns._device.example']);
  });

  it('bad values are usage errors that name the flag', () => {
    const bad: Array<[object, RegExp]> = [
      [{ cacheMaxBytes: 'lots' }, /--cache-max-bytes/],
      [{ cacheMaxBytes: '100' }, /max-bytes/],
      [{ prefetchShare: '2' }, /prefetch-share/],
      [{ badCacheTtl: '3600' }, /bad-cache-ttl/],
      [{ cacheMinTtl: '60', cacheMaxTtl: '30' }, /min-ttl/],
      [{ keepWarm: ['host:99999'] }, /--keep-warm/],
    ];
    for (const [flags, message] of bad) {
      expect(() => cacheOptionsFromFlags(flags)).toThrow(UsageError);
      expect(() => cacheOptionsFromFlags(flags)).toThrow(message);
    }
  });

  it('daneel serve exits 64 on a bad cache flag', async () => {
    const r = await daneel(['serve', '--listen', '127.0.0.1:0', '--root-hints', '/dev/null', '--cache-max-ttl', 'forever']);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(/--cache-max-ttl expects a number/);
  });
});
