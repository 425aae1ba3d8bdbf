/**
 * `daneel serve --http ADDR:PORT [--http ...] [--http-cert FILE --http-key FILE]`: the HTTP API and DoH
 * (server/http) beside the DNS sockets, over the same resolver. With a certificate and key it is HTTPS with
 * HTTP/2 and HTTP/1.1 (ALPN); without, plain HTTP/1.1. Bad values are usage errors (exit 64).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Resolver } from '../../resolver/api.js';
import { HttpServer } from '../../server/http/server.js';
import { parseListenAddress, ServerError } from '../../server/listen-address.js';
import type { ListenAddress } from '../../server/listen-address.js';
import type { Logger } from '../../server/logger.js';
import type { DaneelMetrics } from '../../server/metrics/instruments.js';
import { UsageError } from '../config.js';

export interface HttpFlags {
  http: string[];
  httpCert?: string;
  httpKey?: string;
}

export interface HttpStartOptions {
  listen: ListenAddress[];
  tls?: { key: Buffer; cert: Buffer };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addHttpOptions(cmd: Command): Command {
  return cmd
    .option('--http <addr:port>', 'HTTP API and DoH listen address, e.g. 127.0.0.1:8053 or [::1]:8053 (repeatable)', collect, [])
    .option('--http-cert <file>', 'PEM certificate chain: serve HTTPS with HTTP/2 (needs --http-key)')
    .option('--http-key <file>', 'PEM private key of --http-cert');
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(e as Error).message}`);
  }
}

/** Checks the HTTP flags; undefined when no --http was given. Throws UsageError. */
export function httpOptionsFromFlags(flags: HttpFlags): HttpStartOptions | undefined {
  const hasTls = flags.httpCert !== undefined || flags.httpKey !== undefined;
  if (flags.http.length === 0) {
    if (hasTls) throw new UsageError('--http-cert/--http-key need at least one --http ADDR:PORT');
    return undefined;
  }
  if (hasTls && (flags.httpCert === undefined || flags.httpKey === undefined)) throw new UsageError('--http-cert and --http-key go together');
  let listen: ListenAddress[];
  try {
    listen = flags.http.map(parseListenAddress);
  } catch (err) {
    if (err instanceof ServerError) throw new UsageError(`--http: ${err.message}`);
    throw err;
  }
  if (!hasTls) return { listen };
  return { listen, tls: { cert: readPem(flags.httpCert!, '--http-cert'), key: readPem(flags.httpKey!, '--http-key') } };
}

/** Starts the HTTP front end; resolves with its stop function. A bad certificate/key pair is a usage error. */
export async function startHttp(resolver: Resolver, metrics: DaneelMetrics, opts: HttpStartOptions, logger: Logger): Promise<() => Promise<void>> {
  const server = new HttpServer(resolver, { listen: opts.listen, metrics, logger, ...(opts.tls ? { tls: opts.tls } : {}) });
  try {
    await server.start();
  } catch (err) {
    // OpenSSL rejecting the files (not PEM, key and certificate do not match) is a configuration error.
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('ERR_OSSL') || code.startsWith('ERR_SSL') || (err as { library?: unknown }).library !== undefined) {
      throw new UsageError(`--http-cert/--http-key: ${(err as Error).message}`);
    }
    throw err;
  }
  return () => server.close();
}
