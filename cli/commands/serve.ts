/**
 * `daneel serve [--config FILE] [--listen ADDR:PORT ...] [flags]`: the validating resolver on UDP and TCP.
 * Every setting is a key of the configuration file and a flag; a flag overrides the file (cli/options/).
 * Logs JSON lines (pino) to stderr. SIGHUP reloads the configuration (a bad one is refused, the running one
 * stays); SIGTERM and SIGINT stop taking queries, let those in flight finish, and exit 0.
 * Usage and configuration errors exit 64; a listen address that cannot be bound exits 1.
 */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ServerError } from '../../server/listen-address.js';
import { addResolverOptions, EXIT_USAGE, UsageError } from '../config.js';
import { buildOptions } from '../options/options.js';
import { ConfigError } from '../options/errors.js';
import { LOG_LEVELS } from '../options/schema.js';
import { ServeRuntime } from '../serve/runtime.js';
import { addCacheOptions } from '../cache-flags.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Starts the server from a configuration file and/or flags. Throws UsageError/ConfigError or ServerError. */
export async function startServe(flags: Record<string, unknown>): Promise<ServeRuntime> {
  const options = buildOptions(flags['config'] as string | undefined, flags);
  const logger = pino({ level: options.log.level, base: { name: 'daneel' } }, pino.destination(2));
  return ServeRuntime.start(options, flags, logger);
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('answer DNS queries over UDP and TCP with DNSSEC validation')
    .option('--config <file>', 'YAML configuration file (see README "Configuration"); flags override its keys')
    .option('--listen <addr:port>', 'listen address, e.g. 127.0.0.1:5300 or [::1]:53 (repeatable)', collect, [])
    .option('--allow <prefix>', 'answer clients in this prefix, e.g. 192.0.2.0/24 (repeatable; default: loopback only)', collect, [])
    .option('--refuse <prefix>', 'answer REFUSED (EDE 18) to clients in this prefix (repeatable)', collect, [])
    .option('--drop <prefix>', 'ignore clients in this prefix (repeatable)', collect, [])
    .option('--rate-limit <qps>', 'queries per second per client address (IPv6: per /64); 0 = off (default), loopback exempt')
    .addOption(new Option('--log-level <level>', 'pino log level (default: info)').choices([...LOG_LEVELS]))
    .addOption(new Option('--query-log <yes|no>', 'log one line per query (default: no)').choices(['yes', 'no']));
  addCacheOptions(addResolverOptions(cmd)).action(async (o: Record<string, unknown>) => {
    let running: ServeRuntime;
    try {
      running = await startServe(o);
    } catch (err) {
      if (err instanceof UsageError || err instanceof ConfigError) {
        process.stderr.write(`daneel serve: ${err.message.split('\n').join('\ndaneel serve: ')}\n`);
        process.exit(EXIT_USAGE);
      }
      if (err instanceof ServerError) {
        process.stderr.write(`daneel serve: ${err.message}\n`);
        process.exit(1);
      }
      throw err;
    }
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      running.logger.info({ signal }, 'stopping: draining queries in flight');
      running.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGHUP', () => { if (!stopping) running.reload(); });
  });
}
