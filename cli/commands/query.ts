/**
 * `daneel query NAME TYPE [--root-hints FILE] [--trust-anchor FILE ...] [--qname-minimisation yes|no]
 *  [--do-ip6 yes|no] [--json]`: one validated resolution, printed like dig plus the verdict.
 *
 * Exit codes (public contract): 0 secure or insecure answer (NXDOMAIN and NODATA included), 1 bogus,
 * 2 indeterminate or no answer (SERVFAIL), 64 usage error.
 */
import { rootAnchorKeyTags, SentinelResolver } from '../../resolver/sentinel.js';
import { Command } from 'commander';
import type { Resolver, ResolveResult } from '../../resolver/api.js';
import { addForwardOptions, type ForwardFlags } from '../forward-options.js';
import { Name } from '../../resolver/wire/name.js';
import { CLASS_IN, RCODE, rcodeName, typeName } from '../../resolver/wire/types.js';
import type { Message } from '../../resolver/wire/types.js';
import { typeFromText } from '../../resolver/wire/zonefile.js';
import { messageToText, rrToText } from '../../resolver/wire/present.js';
import { edeName } from '../../resolver/wire/edns.js';
import { addResolverOptions, EXIT_USAGE, NO_ANCHOR_WARNING, resolverConfigFromFlags, UsageError } from '../config.js';
import type { ResolverFlags } from '../config.js';
import { CachingResolver } from '../../cache/caching-resolver.js';
import { DEFAULT_CACHE_OPTIONS } from '../../cache/options.js';

export const QUERY_EXIT = { ANSWER: 0, BOGUS: 1, NO_ANSWER: 2, USAGE: EXIT_USAGE } as const;

export interface QueryArgs extends ResolverFlags, ForwardFlags {
  name: string;
  type: string;
  json?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function exitCodeFor(result: ResolveResult): number {
  if (result.verdict.status === 'bogus') return QUERY_EXIT.BOGUS;
  if (result.verdict.status === 'indeterminate' || result.rcode === RCODE.SERVFAIL) return QUERY_EXIT.NO_ANSWER;
  if (result.rcode !== RCODE.NOERROR && result.rcode !== RCODE.NXDOMAIN) return QUERY_EXIT.NO_ANSWER;
  return QUERY_EXIT.ANSWER;
}

export function parseQuestion(name: string, type: string): { qname: Name; qtype: number } {
  const qtype = typeFromText(type);
  if (qtype === undefined) throw new UsageError(`unknown record type ${JSON.stringify(type)} (use a mnemonic like TLSA or TYPE52)`);
  let qname: Name;
  try {
    qname = Name.parse(name.endsWith('.') ? name : `${name}.`);
  } catch (err) {
    throw new UsageError(`bad name ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
  return { qname, qtype };
}

/** Bogus data is withheld, as the server does (RFC 4035 §5.5): the verdict says why. */
function shownRecords(result: ResolveResult): { answer: typeof result.answer; authority: typeof result.authority } {
  if (result.verdict.status === 'bogus') return { answer: [], authority: [] };
  return { answer: result.answer, authority: result.authority };
}

export function resultToJson(result: ResolveResult): object {
  const shown = shownRecords(result);
  return {
    qname: result.qname.toString(),
    qtype: typeName(result.qtype),
    rcode: rcodeName(result.rcode),
    status: result.verdict.status,
    reason: result.verdict.reason,
    ede: result.verdict.ede ?? null,
    answer: shown.answer.map(rrToText),
    authority: shown.authority.map(rrToText),
  };
}

export function resultToText(result: ResolveResult): string {
  const shown = shownRecords(result);
  const msg: Message = {
    id: 0,
    flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: result.verdict.status === 'secure', cd: false },
    rcode: result.rcode,
    question: [{ name: result.qname, type: result.qtype, class: CLASS_IN }],
    answer: shown.answer,
    authority: shown.authority,
    additional: [],
  };
  const v = result.verdict;
  const lines = [
    messageToText(msg).trimEnd(),
    '',
    `;; STATUS: ${v.status}`,
    `;; REASON: ${v.reason}${v.id ? ` [${v.id}]` : ''}`,
  ];
  if (v.ede !== undefined) lines.push(`;; EDE: ${v.ede} (${edeName(v.ede)})`);
  if (v.status === 'bogus' && result.answer.length > 0) lines.push(';; (bogus data withheld)');
  return lines.join('\n') + '\n';
}

/** Runs one query with the given resolver (tests inject one) or one built from the flags. */
export async function runQuery(args: QueryArgs, resolver?: Resolver): Promise<CommandResult> {
  let owned: Resolver | undefined;
  try {
    const { qname, qtype } = parseQuestion(args.name, args.type);
    let warning = '';
    let r = resolver;
    if (!r) {
      // Loaded only when resolving through flags: the forwarding transports pull in node:tls and node:http2.
      const { createRoutedResolver } = await import('../../resolver/forward/index.js');
      const { forwardingFromFlags } = await import('../forwarding.js');
      const config = resolverConfigFromFlags(args);
      if (config.trustAnchors.length === 0) warning = `daneel query: warning: ${NO_ANCHOR_WARNING}\n`;
      // One lookup: the cache (default settings) is harmless and keeps `query` on the same path as `serve`.
      const cached = new CachingResolver(createRoutedResolver(config, forwardingFromFlags(args)), DEFAULT_CACHE_OPTIONS, { clock: config.clock });
      r = owned = new SentinelResolver(cached, rootAnchorKeyTags(config.trustAnchors));
    }
    const result = await r.resolve(qname, qtype);
    const stdout = args.json ? JSON.stringify(resultToJson(result), null, 2) + '\n' : resultToText(result);
    return { exitCode: exitCodeFor(result), stdout, stderr: warning };
  } catch (err) {
    if (err instanceof UsageError) return { exitCode: QUERY_EXIT.USAGE, stdout: '', stderr: `daneel query: ${err.message}\n` };
    throw err;
  } finally {
    await owned?.close();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('query')
    .description('resolve NAME TYPE with DNSSEC validation; exit 0 secure/insecure, 1 bogus, 2 no answer, 64 usage')
    .argument('<name>', 'domain name, e.g. _443._tcp.www.example.fr')
    .argument('<type>', 'record type, e.g. TLSA, A, TYPE52')
    .option('--json', 'print { qname, qtype, rcode, status, reason, ede, answer, authority } as JSON');
  addForwardOptions(addResolverOptions(cmd)).action(async (name: string, type: string, o: ResolverFlags & ForwardFlags & { json?: boolean }) => {
    const r = await runQuery({ ...o, name, type });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  });
}
