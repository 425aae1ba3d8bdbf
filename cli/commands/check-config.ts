/**
 * `daneel check-config FILE`: validates a configuration file as `daneel serve --config FILE` would, including
 * reading the root hints and trust anchor files it names. Prints `FILE: ok` and exits 0, or one line per
 * problem (`daneel.yaml:12: cache.max-bytes: must be ≥ 1 MiB (1048576)`) and exits 64.
 */
import type { Command } from 'commander';
import { EXIT_USAGE, resolverConfig, UsageError } from '../config.js';

export function register(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file (exit 0 when valid, 64 with file:line: key: problem otherwise)')
    .argument('<file>', 'YAML configuration file')
    .action(async (file: string) => {
      // Loaded here: other subcommands and --version need no schema (zod, yaml).
      const { checkConfigFile } = await import('../options/options.js');
      const { ConfigError } = await import('../options/errors.js');
      try {
        const options = checkConfigFile(file);
        const config = resolverConfig(options);
        // Upstream URLs and the CA file of forward-zones / forward-ca, as serve would read them.
        const { forwardingFromOptions } = await import('../forwarding.js');
        forwardingFromOptions(options.forwardZones, options.forwardCa);
        await config.transport.close();
        process.stdout.write(`${file}: ok\n`);
      } catch (err) {
        if (err instanceof ConfigError || err instanceof UsageError) {
          process.stderr.write(err instanceof UsageError ? `${file}: ${err.message}\n` : `${err.message}\n`);
          process.exit(EXIT_USAGE);
        }
        throw err;
      }
    });
}
