/**
 * `daneel serve --listen ADDR:PORT [--listen ...] [--root-hints FILE] [--trust-anchor FILE ...]
 *  [--qname-minimisation yes|no] [--do-ip6 yes|no] [--log-level LEVEL] [cache flags, cli/cache-flags.ts]`: the
 *  validating resolver on UDP and TCP, behind the cache (cache/).
 * Logs JSON lines (pino) to stderr; SIGINT/SIGTERM close gracefully. Usage errors exit 64.
 */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { createResolver } from '../../resolver/resolve.js';
import { DnsServer } from '../../server/server.js';
import { parseListenAddress, ServerError } from '../../server/listen-address.js';
import type { ListenAddress } from '../../server/listen-address.js';
import { addResolverOptions, EXIT_USAGE, resolverConfigFromFlags, UsageError } from '../config.js';
import type { ResolverFlags } from '../config.js';
import { CachingResolver } from '../../cache/caching-resolver.js';
import { addCacheOptions, cacheOptionsFromFlags, type CacheFlags } from '../cache-flags.js';

export interface ServeFlags extends ResolverFlags, CacheFlags {
  listen: string[];
  logLevel: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseListen(values: string[]): ListenAddress[] {
  if (values.length === 0) throw new UsageError('at least one --listen ADDR:PORT is needed');
  try {
    return values.map(parseListenAddress);
  } catch (err) {
    if (err instanceof ServerError) throw new UsageError(err.message);
    throw err;
  }
}

/** Starts the server; resolves with a stop function. Throws UsageError for bad flags or files. */
export async function startServe(flags: ServeFlags): Promise<{ stop: () => Promise<void>; bound: ListenAddress[] }> {
  const listen = parseListen(flags.listen);
  const logger = pino({ level: flags.logLevel, base: { name: 'daneel' } }, pino.destination(2));
  const cacheOptions = cacheOptionsFromFlags(flags);
  const config = resolverConfigFromFlags(flags);
  if (config.builtinHints) logger.warn({}, 'no --root-hints: using the built-in IANA root servers (public Internet)');
  // Every client question goes through the cache (cache/): answers, negative and bad caches, keep-warm.
  const resolver = new CachingResolver(createResolver({ ...config, logger }), cacheOptions, { clock: config.clock, logger });
  const server = new DnsServer(resolver, { listen, logger });
  let bound: ListenAddress[];
  try {
    bound = await server.start();
  } catch (err) {
    await resolver.close();
    throw err;
  }
  resolver.start();
  logger.info({ anchors: config.trustAnchors.length, rootHints: config.rootHints.length, cacheMaxBytes: cacheOptions.maxBytes, keepWarm: resolver.keepWarm.names() }, 'daneel serving');
  const stop = async (): Promise<void> => {
    await server.close();
    logger.info({ cache: resolver.stats() }, 'cache counters');
    await resolver.close();
    logger.flush();
  };
  return { stop, bound };
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('answer DNS queries over UDP and TCP with DNSSEC validation')
    .option('--listen <addr:port>', 'listen address, e.g. 127.0.0.1:5300 or [::1]:53 (repeatable)', collect, [])
    .addOption(new Option('--log-level <level>', 'pino log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'));
  addCacheOptions(addResolverOptions(cmd)).action(async (o: ServeFlags) => {
    let running: Awaited<ReturnType<typeof startServe>>;
    try {
      running = await startServe(o);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`daneel serve: ${err.message}\n`);
        process.exit(EXIT_USAGE);
      }
      if (err instanceof ServerError) {
        process.stderr.write(`daneel serve: ${err.message}\n`);
        process.exit(1);
      }
      throw err;
    }
    let stopping = false;
    const shutdown = (): void => {
      if (stopping) return;
      stopping = true;
      running.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
