/**
 * The cache's command-line flags (names agreed in the brief's OPTIONS table; YAML keys under `cache:` and
 * `keep-warm:`): parsed into CacheOptions, a bad value is a UsageError (exit 64) naming the flag.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { CacheOptionError, checkCacheOptions, DEFAULT_CACHE_OPTIONS, type CacheOptions } from '../cache/options.js';
import { keepWarmOwner } from '../cache/keep-warm.js';
import { UsageError } from './config.js';

export interface CacheFlags {
  cacheMaxBytes?: string;
  cacheMinTtl?: string;
  cacheMaxTtl?: string;
  prefetchShare?: string;
  badCacheTtl?: string;
  serveStale?: string;
  serveStaleWindow?: string;
  keepWarm?: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addCacheOptions(cmd: Command): Command {
  const d = DEFAULT_CACHE_OPTIONS;
  return cmd
    .option('--cache-max-bytes <bytes>', `memory budget of the cache (default ${d.maxBytes}, 64 MiB)`)
    .option('--cache-min-ttl <s>', `lowest TTL kept, seconds (default ${d.minTtlS})`)
    .option('--cache-max-ttl <s>', `highest TTL kept, seconds (default ${d.maxTtlS})`)
    .option('--prefetch-share <f>', `refresh in the background when less than this share of the TTL is left (default ${d.prefetchShare})`)
    .option('--bad-cache-ttl <s>', `remember a bogus verdict this long, RFC 4035 §4.7 (default ${d.badTtlS}, at most 900)`)
    .addOption(new Option('--serve-stale <yes|no>', 'answer from expired data when a refresh fails (RFC 8767)').choices(['yes', 'no']).default('no'))
    .option('--serve-stale-window <s>', `how long past expiry stale data may be served (default ${d.staleWindowS})`)
    .option('--keep-warm <name>', 'keep a TLSA name warm: _443._tcp.host, host:port or x._device.zone (repeatable)', collect, []);
}

function num(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new UsageError(`${flag} expects a number, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** CacheOptions from the flags; throws UsageError for a bad value. */
export function cacheOptionsFromFlags(flags: CacheFlags): CacheOptions {
  const d = DEFAULT_CACHE_OPTIONS;
  try {
    const opts: CacheOptions = {
      ...d,
      maxBytes: num(flags.cacheMaxBytes, '--cache-max-bytes', d.maxBytes),
      minTtlS: num(flags.cacheMinTtl, '--cache-min-ttl', d.minTtlS),
      maxTtlS: num(flags.cacheMaxTtl, '--cache-max-ttl', d.maxTtlS),
      prefetchShare: num(flags.prefetchShare, '--prefetch-share', d.prefetchShare),
      badTtlS: num(flags.badCacheTtl, '--bad-cache-ttl', d.badTtlS),
      serveStale: flags.serveStale === 'yes',
      staleWindowS: num(flags.serveStaleWindow, '--serve-stale-window', d.staleWindowS),
      keepWarm: flags.keepWarm ?? [],
    };
    for (const name of opts.keepWarm) keepWarmOwner(name);
    return checkCacheOptions(opts);
  } catch (err) {
    if (err instanceof CacheOptionError) throw new UsageError(err.message);
    throw err;
  }
}
