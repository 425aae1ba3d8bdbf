/**
 * `daneel serve --listen ADDR:PORT [--listen ...] [--root-hints FILE] [--trust-anchor FILE ...]
 *  [--qname-minimisation yes|no] [--do-ip6 yes|no] [--log-level LEVEL]`: the validating resolver on UDP and TCP.
 * Logs JSON lines (pino) to stderr; SIGINT/SIGTERM close gracefully. Usage errors exit 64.
 */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { createResolver } from '../../resolver/resolve.js';
import { DnsServer } from '../../server/server.js';
import { parseListenAddress, ServerError } from '../../server/listen-address.js';
import type { ListenAddress } from '../../server/listen-address.js';
import { addResolverOptions, EXIT_USAGE, NO_ANCHOR_WARNING, resolverConfigFromFlags, UsageError } from '../config.js';
import type { ResolverFlags } from '../config.js';

export interface ServeFlags extends ResolverFlags {
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
  const config = resolverConfigFromFlags(flags);
  if (config.builtinHints) logger.warn({}, 'no --root-hints: using the built-in IANA root servers (public Internet)');
  if (config.trustAnchors.length === 0) logger.warn({}, NO_ANCHOR_WARNING);
  const resolver = createResolver({ ...config, logger });
  const server = new DnsServer(resolver, { listen, logger });
  let bound: ListenAddress[];
  try {
    bound = await server.start();
  } catch (err) {
    await resolver.close();
    throw err;
  }
  logger.info({ anchors: config.trustAnchors.length, rootHints: config.rootHints.length }, 'daneel serving');
  const stop = async (): Promise<void> => {
    await server.close();
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
  addResolverOptions(cmd).action(async (o: ServeFlags) => {
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
