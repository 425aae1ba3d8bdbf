/**
 * What `daneel serve` does once its flags are parsed: build the options, start the runtime, handle signals.
 * Loaded on demand by cli/commands/serve.ts, so `daneel --version` and other subcommands do not load the
 * configuration schema (zod, yaml) or the server.
 */
import { pino } from 'pino';
import { ServerError } from '../../server/listen-address.js';
import { EXIT_USAGE, UsageError } from '../config.js';
import { buildOptions } from '../options/options.js';
import { ConfigError } from '../options/errors.js';
import { ServeRuntime } from './runtime.js';

/** Starts the server from a configuration file and/or flags. Throws UsageError/ConfigError or ServerError. */
export async function startServe(flags: Record<string, unknown>): Promise<ServeRuntime> {
  const options = buildOptions(flags['config'] as string | undefined, flags);
  const logger = pino({ level: options.log.level, base: { name: 'daneel' } }, pino.destination(2));
  return ServeRuntime.start(options, flags, logger);
}

/** The serve action: exit 64 on usage/configuration errors, 1 when a listener cannot open; signals wired. */
export async function serveCommand(flags: Record<string, unknown>): Promise<void> {
  let running: ServeRuntime;
  try {
    running = await startServe(flags);
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
}
