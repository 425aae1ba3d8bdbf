/**
 * The HTTP flags of `daneel serve` (OPTIONS.md: `--http ADDR:PORT` repeatable, `--http-cert FILE`, `--http-key
 * FILE`; YAML `http: {listen, cert, key}`). Only the commander options live here, so other subcommands do not
 * load the HTTP server; cli/options/flags.ts maps them onto the configuration keys and cli/serve/http.ts
 * starts the front end.
 */
import type { Command } from 'commander';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addHttpOptions(cmd: Command): Command {
  return cmd
    .option('--http <addr:port>', 'HTTP API and DoH listen address, e.g. 127.0.0.1:8053 or [::1]:8053 (repeatable)', collect, [])
    .option('--http-cert <file>', 'PEM certificate chain: serve HTTPS with HTTP/2 (needs --http-key)')
    .option('--http-key <file>', 'PEM private key of --http-cert');
}
