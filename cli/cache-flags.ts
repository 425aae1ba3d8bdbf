/**
 * The cache's `serve` flags (names agreed in the OPTIONS table; YAML keys `cache:` and `keep-warm:`, validated by
 * cli/options/schema.ts, which picks the flags up by their commander attribute names; cli/serve/cache-options.ts
 * maps them to CacheOptions). No commander defaults here: an absent flag must not override the file. Imports
 * only constants: every daneel command loads this file.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_CACHE_OPTIONS } from '../cache/options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addCacheOptions(cmd: Command): Command {
  const d = DEFAULT_CACHE_OPTIONS;
  return cmd
    .option('--cache-max-bytes <bytes>', `memory budget of the cache (default ${d.maxBytes}, 64 MiB)`)
    .option('--cache-min-ttl <s>', `lowest TTL kept, seconds (default ${d.minTtlS})`)
    .option('--cache-max-ttl <s>', `highest TTL kept, seconds (default ${d.maxTtlS})`)
    .option('--prefetch-share <f>', `refresh in the background when less than this share of the TTL is left (default ${d.prefetchShare})`)
    .option('--bad-cache-ttl <s>', `remember a bogus verdict this long, RFC 4035 §4.7 (default ${d.badTtlS}, at most 900)`)
    .addOption(new Option('--serve-stale <yes|no>', 'answer from expired data when a refresh fails, RFC 8767 (default: no)').choices(['yes', 'no']))
    .option('--serve-stale-window <s>', `how long past expiry stale data may be served (default ${d.staleWindowS})`)
    .option('--keep-warm <name>', 'keep a TLSA name warm: _443._tcp.host, host:port or x._device.zone (repeatable)', collect, []);
}
