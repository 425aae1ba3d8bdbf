/**
 * `daneel serve [--config FILE] [--listen ADDR:PORT ...] [flags]`: the validating resolver on UDP and TCP.
 * Every setting is a key of the configuration file and a flag; a flag overrides the file (cli/options/).
 * Logs JSON lines (pino) to stderr. SIGHUP reloads the configuration (a bad one is refused, the running one
 * stays); SIGTERM and SIGINT stop taking queries, let those in flight finish, and exit 0.
 * Usage and configuration errors exit 64; a listen address that cannot be bound exits 1.
 */
import { Command, Option } from 'commander';
import { addResolverOptions } from '../config.js';
import { addHttpOptions } from './serve-http.js';
import { addForwardOptions } from '../forward-options.js';
import { LOG_LEVELS } from '../options/levels.js';
import { addCacheOptions } from '../cache-flags.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

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
    .addOption(new Option('--query-log <yes|no>', 'log one line per query (default: no)').choices(['yes', 'no']))
    .addOption(new Option('--qname-case-randomisation <yes|no>', '0x20: random QNAME case upstream, checked in replies (default: yes)').choices(['yes', 'no']));
  addHttpOptions(cmd);
  addCacheOptions(addForwardOptions(addResolverOptions(cmd))).action(async (o: Record<string, unknown>) => {
    const { serveCommand } = await import('../serve/start.js');
    await serveCommand(o);
  });
}
