/**
 * `daneel tlsa HOST PORT [--proto tcp]` and `daneel tlsa --client-id NAME` [--json] [resolver flags]:
 * looks up the TLSA RRset of a service (RFC 6698 §3, with the CNAME rules of RFC 7671 §7) or of a DANCE client
 * identity, and prints each record with its usability and the lookup verdict.
 *
 * The verdict is the DANE one the lookup alone decides (`insecure`, `bogus`, `no-tlsa`, `no-usable-tlsa`,
 * `lookup-failed`), or `usable-tlsa` when the RRset is DNSSEC-secure and has at least one usable record, so
 * DANE applies to the peer (RFC 7671 §4). `--json` prints the one DANE JSON shape.
 * Exit codes: 0 usable-tlsa, 1 any other verdict, 2 lookup failure, 64 usage error.
 */
import { Command } from 'commander';
import type { Resolver } from '../../resolver/api.js';
import { createResolver } from '../../resolver/resolve.js';
import { clientTlsaOwner, hostText } from '../../dane/owner.js';
import { lookupService, resolveTlsaAt } from '../../dane/lookup.js';
import type { ResolverTlsaResult } from '../../dane/lookup.js';
import { formatTlsa, unusableReason } from '../../dane/tlsa.js';
import type { DaneVerdictJson } from '../../dane/verdict.js';
import { lookupOnlyVerdict } from '../../dane/verify.js';
import { addResolverOptions, EXIT_USAGE, resolverConfigFromFlags, UsageError } from '../config.js';
import type { ResolverFlags } from '../config.js';

export const TLSA_EXIT = { USABLE: 0, OTHER: 1, LOOKUP_FAILED: 2, USAGE: EXIT_USAGE } as const;

/** What to look up: a service (`host`, `port`, `proto`) or a client identity. */
export interface TargetArgs {
  host?: string;
  port?: string;
  proto?: string;
  clientId?: string;
}

export interface TlsaArgs extends ResolverFlags, TargetArgs {
  json?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Target = { kind: 'service'; host: string; port: number; proto: string } | { kind: 'client'; id: string };

/** Checks the positional arguments against --client-id: exactly one of HOST PORT or --client-id. */
export function targetFrom(args: TargetArgs): Target {
  if (args.clientId !== undefined) {
    if (args.host !== undefined || args.port !== undefined) throw new UsageError('give either HOST PORT or --client-id NAME, not both');
    if (args.proto !== undefined && args.proto !== 'tcp') throw new UsageError('--proto applies to HOST PORT, not to --client-id');
    return { kind: 'client', id: args.clientId };
  }
  if (args.host === undefined || args.port === undefined) throw new UsageError('give HOST PORT (e.g. mail.example.com 25) or --client-id NAME');
  if (!/^\d{1,5}$/.test(args.port) || Number(args.port) > 65535) throw new UsageError(`port must be 0-65535, got ${JSON.stringify(args.port)}`);
  return { kind: 'service', host: args.host, port: Number(args.port), proto: args.proto ?? 'tcp' };
}

/** The lookup for a target, and the reference identifiers a certificate is checked against. */
export interface TargetLookup {
  result: ResolverTlsaResult;
  names: string[];
  /** A line saying what was asked, for the text output. */
  summary: string;
}

export async function lookupTarget(resolver: Resolver, target: Target): Promise<TargetLookup> {
  if (target.kind === 'client') {
    let owner;
    try {
      owner = clientTlsaOwner(target.id);
    } catch (e) {
      throw new UsageError(`bad --client-id ${JSON.stringify(target.id)}: ${(e as Error).message}`);
    }
    const result = await resolveTlsaAt(resolver, owner);
    return { result, names: [hostText(owner)], summary: `client identity ${owner.toString()}` };
  }
  let service;
  try {
    service = await lookupService(resolver, target.host, target.port, target.proto);
  } catch (e) {
    if ((e as { code?: string }).code === 'DANE_OWNER_NAME' || (e as { code?: string }).code?.startsWith('NAME_')) {
      throw new UsageError(`bad host ${JSON.stringify(target.host)}: ${(e as Error).message}`);
    }
    throw e;
  }
  const via = service.tried.length > 1 ? ` (tried ${service.tried.join(', ')})` : '';
  return { result: service.result, names: service.names, summary: `service ${service.tried.at(-1)}${via}; names ${service.names.join(', ')}` };
}

/** Builds the resolver from the flags unless one is given (tests inject one). */
export async function withResolver<T>(flags: ResolverFlags, given: Resolver | undefined, work: (r: Resolver) => Promise<T>): Promise<T> {
  const owned = given ? undefined : createResolver(resolverConfigFromFlags(flags));
  try {
    return await work(given ?? owned!);
  } finally {
    await owned?.close();
  }
}

/** The tlsa command's verdict in the one DANE JSON shape; records carry their usability. */
export function tlsaVerdict(result: ResolverTlsaResult): DaneVerdictJson {
  const dnssec = { status: result.status, reason: result.reason };
  const decided = lookupOnlyVerdict(result);
  // Bogus data is withheld, as the DNS front end does (RFC 4035 §5.5): the verdict says why.
  const shown = result.status === 'bogus' ? [] : result.records;
  const records = shown.map((r) => {
    const why = unusableReason(r);
    return { record: formatTlsa(r), usable: why === null, matched: false, depth: null, reason: why ? `unusable: ${why} (RFC 6698 §4.1)` : 'usable' };
  });
  if (decided) return { verdict: decided.verdict, reason: decided.reason, ede: decided.ede, matched: null, records, dnssec };
  const usable = records.filter((r) => r.usable).length;
  if (usable === 0) {
    return { verdict: 'no-usable-tlsa', reason: `none of the ${records.length} TLSA records is usable`, ede: null, matched: null, records, dnssec };
  }
  return {
    verdict: 'usable-tlsa',
    reason: `${usable} of ${records.length} TLSA records usable, DNSSEC-secure: DANE applies to this peer`,
    ede: null,
    matched: null,
    records,
    dnssec,
  };
}

export function exitCodeForTlsa(v: DaneVerdictJson): number {
  if (v.verdict === 'usable-tlsa') return TLSA_EXIT.USABLE;
  if (v.verdict === 'lookup-failed') return TLSA_EXIT.LOOKUP_FAILED;
  return TLSA_EXIT.OTHER;
}

function tlsaText(lookup: TargetLookup, v: DaneVerdictJson): string {
  const owner = lookup.result.cnameTarget ?? lookup.result.owner;
  const lines = [`;; ${lookup.summary}`];
  if (lookup.result.cnameTarget) lines.push(`;; ${lookup.result.owner} is an alias of ${lookup.result.cnameTarget}`);
  for (const r of v.records) lines.push(`${owner}\tTLSA\t${r.record}\t; ${r.reason}`);
  if (lookup.result.status === 'bogus' && lookup.result.records.length > 0) lines.push(';; (bogus data withheld)');
  lines.push(`;; DNSSEC: ${v.dnssec?.status ?? '-'}: ${v.dnssec?.reason ?? ''}`);
  if (v.ede !== null) lines.push(`;; EDE: ${v.ede}`);
  lines.push(`;; VERDICT: ${v.verdict}: ${v.reason}`);
  return lines.join('\n') + '\n';
}

const usage = (message: string): CommandResult => ({ exitCode: TLSA_EXIT.USAGE, stdout: '', stderr: `daneel tlsa: ${message}\n` });

export async function runTlsa(args: TlsaArgs, resolver?: Resolver): Promise<CommandResult> {
  try {
    const target = targetFrom(args);
    const lookup = await withResolver(args, resolver, (r) => lookupTarget(r, target));
    const v = tlsaVerdict(lookup.result);
    const stdout = args.json ? JSON.stringify(v, null, 2) + '\n' : tlsaText(lookup, v);
    return { exitCode: exitCodeForTlsa(v), stdout, stderr: '' };
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    return { exitCode: TLSA_EXIT.LOOKUP_FAILED, stdout: '', stderr: `daneel tlsa: lookup failed: ${(err as Error).message}\n` };
  }
}

/** The positional/target options shared with `daneel verify`. */
export function addTargetArguments(cmd: Command): Command {
  return cmd
    .argument('[host]', 'service host, e.g. js.mtls.example')
    .argument('[port]', 'service port, e.g. 443')
    .option('--proto <label>', 'transport label of the TLSA owner _port._proto.host (default tcp)')
    .option('--client-id <name>', 'a DANCE client identity (e.g. ns._device.mtls.example) instead of HOST PORT');
}

export function register(program: Command): void {
  const cmd = program
    .command('tlsa')
    .description('look up the TLSA RRset of HOST PORT or --client-id NAME; exit 0 usable, 1 other verdict, 2 lookup failure, 64 usage');
  addTargetArguments(cmd).option('--json', 'print the DANE verdict JSON { verdict, reason, ede, matched, records, dnssec }');
  addResolverOptions(cmd).action(async (host: string | undefined, port: string | undefined, o: ResolverFlags & TlsaArgs) => {
    const r = await runTlsa({ ...o, ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}) });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  });
}
