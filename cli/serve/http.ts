/**
 * The HTTP front end of `daneel serve` (server/http), started from the `http` options beside the DNS sockets,
 * over the same resolver, metrics and client policy. With a certificate and key it is HTTPS with HTTP/2 and
 * HTTP/1.1 (ALPN); without, plain HTTP/1.1. Bad settings are usage errors (exit 64); a busy address exits 1.
 */
import { readFileSync } from 'node:fs';
import type { Resolver } from '../../resolver/api.js';
import type { ClientPolicy } from '../../server/admission.js';
import { policyAccess } from '../../server/http/access.js';
import { HttpServer } from '../../server/http/server.js';
import { ServerError } from '../../server/listen-address.js';
import type { Logger } from '../../server/logger.js';
import type { DaneelMetrics } from '../../server/metrics/instruments.js';
import { UsageError } from '../config.js';
import type { DaneelOptions } from '../options/options.js';

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

/** The TLS files, read; undefined for plain HTTP. Throws UsageError for a half pair or an unreadable file. */
export function httpTls(http: DaneelOptions['http']): { key: Buffer; cert: Buffer } | undefined {
  const hasTls = http.cert !== undefined || http.key !== undefined;
  if (!hasTls) return undefined;
  if (http.listen.length === 0) throw new UsageError('http.cert/http.key (--http-cert/--http-key) need at least one http.listen (--http ADDR:PORT)');
  if (http.cert === undefined || http.key === undefined) throw new UsageError('http.cert and http.key (--http-cert and --http-key) go together');
  return { cert: readPem(http.cert, 'http.cert (--http-cert)'), key: readPem(http.key, 'http.key (--http-key)') };
}

/** Starts the HTTP front end when http.listen has addresses; resolves with its stop function. */
export async function startHttp(
  resolver: Resolver, metrics: DaneelMetrics, http: DaneelOptions['http'], policy: () => ClientPolicy, logger: Logger,
): Promise<() => Promise<void>> {
  const tls = httpTls(http);
  if (http.listen.length === 0) return () => Promise.resolve();
  const server = new HttpServer(resolver, { listen: http.listen, metrics, logger, access: policyAccess(policy), ...(tls ? { tls } : {}) });
  try {
    await server.start();
  } catch (err) {
    if (err instanceof ServerError) throw err;
    // OpenSSL rejecting the files (not PEM, key and certificate do not match) is a configuration error.
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('ERR_OSSL') || code.startsWith('ERR_SSL') || (err as { library?: unknown }).library !== undefined) {
      throw new UsageError(`http.cert/http.key (--http-cert/--http-key): ${(err as Error).message}`);
    }
    throw err;
  }
  return () => server.close();
}
