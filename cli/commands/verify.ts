/**
 * `daneel verify HOST PORT --chain chain.pem [--ca-file FILE]` and `daneel verify --client-id NAME --chain
 * chain.pem` [--proto tcp] [--json] [resolver flags]: looks up the TLSA RRset (as `daneel tlsa` does, RFC 7671 §7
 * included) and verifies the chain against it.
 * Exit codes (public contract): 0 dane-valid, 1 any other verdict, 2 lookup failure, 64 usage error.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Resolver } from '../../resolver/api.js';
import { chainCredential, parsePemChain } from '../../dane/certs.js';
import type { PeerCredential } from '../../dane/certs.js';
import { systemTrustStore, trustStoreFromFile } from '../../dane/pkix.js';
import type { TrustStore } from '../../dane/pkix.js';
import { verdictToJson } from '../../dane/verdict.js';
import { verifyLookup } from '../../dane/verify.js';
import { addResolverOptions, EXIT_USAGE, UsageError } from '../config.js';
import type { ResolverFlags } from '../config.js';
import { exitCodeFor, formatVerdict } from './dane-verify.js';
import { addTargetArguments, lookupTarget, targetFrom, withResolver } from './tlsa.js';
import type { CommandResult, TargetArgs } from './tlsa.js';

export const VERIFY_EXIT = { VALID: 0, NOT_VALID: 1, LOOKUP_FAILED: 2, USAGE: EXIT_USAGE } as const;

export interface VerifyArgs extends ResolverFlags, TargetArgs {
  chain?: string;
  caFile?: string;
  json?: boolean;
  /** Time for certificate validity checks (tests); default now. */
  now?: Date;
}

/** Reads the chain and the trust store before any DNS: bad files are usage errors. */
function loadCredential(args: VerifyArgs): { credential: PeerCredential; trustStore: TrustStore } {
  if (!args.chain) throw new UsageError('--chain FILE is required (PEM, leaf first, as the peer sends it)');
  let pem: string;
  try {
    pem = readFileSync(args.chain, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --chain ${args.chain}: ${(e as Error).message}`);
  }
  try {
    const credential = chainCredential(parsePemChain(pem));
    const trustStore = args.caFile ? trustStoreFromFile(args.caFile) : systemTrustStore();
    return { credential, trustStore };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function runVerify(args: VerifyArgs, resolver?: Resolver): Promise<CommandResult> {
  try {
    const target = targetFrom(args);
    const { credential, trustStore } = loadCredential(args);
    const lookup = await withResolver(args, resolver, (r) => lookupTarget(r, target));
    const verdict = await verifyLookup(lookup.result, credential, { names: lookup.names, trustStore, ...(args.now ? { now: args.now } : {}) });
    const stdout = args.json ? JSON.stringify(verdictToJson(verdict), null, 2) + '\n' : `;; ${lookup.summary}\n${formatVerdict(verdict)}`;
    return { exitCode: exitCodeFor(verdict), stdout, stderr: '' };
  } catch (err) {
    if (err instanceof UsageError) return { exitCode: VERIFY_EXIT.USAGE, stdout: '', stderr: `daneel verify: ${err.message}\n` };
    return { exitCode: VERIFY_EXIT.LOOKUP_FAILED, stdout: '', stderr: `daneel verify: lookup failed: ${(err as Error).message}\n` };
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('look up the TLSA RRset of HOST PORT or --client-id NAME and verify --chain against it; exit 0 dane-valid, 1 other verdict, 2 lookup failure, 64 usage');
  addTargetArguments(cmd)
    .option('--chain <file>', 'PEM chain as the peer sends it, leaf first (required)')
    .option('--ca-file <file>', 'PEM trust store for PKIX-TA/PKIX-EE (default: Node bundled roots)')
    .option('--json', 'print the DANE verdict JSON { verdict, reason, ede, matched, records, dnssec }');
  addResolverOptions(cmd).action(async (host: string | undefined, port: string | undefined, o: VerifyArgs) => {
    const r = await runVerify({ ...o, ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}) });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  });
}
