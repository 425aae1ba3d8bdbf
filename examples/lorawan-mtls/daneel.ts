/**
 * daneel in-process as both parties' TLSA lookup: a validating resolver on the given root hints and trust
 * anchors (the private test hierarchy here; the built-in IANA root in production), adapted to the DANE
 * helpers' `(owner) => Promise<{ records, rcode, status, reason, ede }>`.
 */
import { parseArgs } from 'node:util';
import type { Resolver } from '../../resolver/api.js';
import { createResolver } from '../../resolver/resolve.js';
import { resolverConfigFromFlags } from '../../cli/config.js';
import { resolverTlsaLookup } from '../../dane/lookup.js';
import type { TlsaLookup } from '../../dane/verify.js';

export interface Daneel {
  readonly resolver: Resolver;
  readonly lookup: TlsaLookup;
}

export function startDaneel(rootHints: string | undefined, trustAnchors: string[]): Daneel {
  const config = resolverConfigFromFlags({
    ...(rootHints ? { rootHints } : {}),
    trustAnchor: trustAnchors,
    qnameMinimisation: 'yes',
    doIp6: 'no',
  });
  const resolver = createResolver(config);
  return { resolver, lookup: resolverTlsaLookup(resolver) };
}

/** Parses `--name value` flags (strings; `--trust-anchor` repeatable); unknown flags are a usage error (exit 64). */
export function flags<K extends string>(names: readonly K[]): Record<K, string | undefined> & { 'trust-anchor': string[] } {
  const options: Record<string, { type: 'string'; multiple?: boolean }> = { 'trust-anchor': { type: 'string', multiple: true } };
  for (const n of names) options[n] = { type: 'string' };
  try {
    const { values } = parseArgs({ options, strict: true, allowPositionals: false });
    return { ...values, 'trust-anchor': (values['trust-anchor'] as string[] | undefined) ?? [] } as Record<K, string | undefined> & { 'trust-anchor': string[] };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(64);
  }
}

/** One JSON line on stdout: what both programs print, and what run.sh and the tests read. */
export function report(obj: object): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}
