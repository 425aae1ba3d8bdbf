/**
 * `daneel dane-verify --chain chain.pem --name HOST --tlsa 'U S M HEX' [--tlsa ...] [--ca-file FILE] [--json]`:
 * verifies a certificate chain against TLSA records given on the command line, with no DNS.
 * Exit codes: 0 dane-valid, 1 any other verdict, 2 lookup failure, 64 usage error (EX_USAGE).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { chainCredential, parsePemChain } from '../../dane/certs.js';
import { systemTrustStore, trustStoreFromFile } from '../../dane/pkix.js';
import { parseTlsa } from '../../dane/tlsa.js';
import type { TlsaRecord } from '../../dane/tlsa.js';
import type { DaneVerdict } from '../../dane/verdict.js';
import { verdictToJson } from '../../dane/verdict.js';
import { verifyTlsa } from '../../dane/verify.js';

export const EXIT = { VALID: 0, NOT_VALID: 1, LOOKUP_FAILED: 2, USAGE: 64 } as const;

export interface DaneVerifyArgs {
  readonly chain: string;
  readonly name: string;
  readonly tlsa: readonly string[];
  readonly caFile?: string;
  readonly json?: boolean;
  readonly now?: Date;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The exit code a verdict maps to. */
export function exitCodeFor(v: DaneVerdict): number {
  if (v.verdict === 'dane-valid') return EXIT.VALID;
  if (v.verdict === 'lookup-failed') return EXIT.LOOKUP_FAILED;
  return EXIT.NOT_VALID;
}

/** Human-readable verdict: one line for the verdict, one per TLSA record. */
export function formatVerdict(v: DaneVerdict): string {
  const lines = [`${v.verdict}: ${v.reason}`];
  for (const r of v.records) lines.push(`  ${r.matched ? '+' : '-'} ${r.record.length > 60 ? `${r.record.slice(0, 57)}...` : r.record}: ${r.reason}`);
  return lines.join('\n') + '\n';
}

const usage = (message: string): CommandResult => ({ exitCode: EXIT.USAGE, stdout: '', stderr: `daneel dane-verify: ${message}\n` });

/** The command's work, without process side effects (tests call this directly). */
export async function runDaneVerify(args: DaneVerifyArgs): Promise<CommandResult> {
  if (args.tlsa.length === 0) return usage('at least one --tlsa "U S M HEX" is required');
  let records: TlsaRecord[];
  try {
    records = args.tlsa.map(parseTlsa);
  } catch (e) {
    return usage((e as Error).message);
  }
  let chainPem: string;
  try {
    chainPem = readFileSync(args.chain, 'utf8');
  } catch (e) {
    return usage(`cannot read --chain ${args.chain}: ${(e as Error).message}`);
  }
  let credential;
  let trustStore;
  try {
    credential = chainCredential(parsePemChain(chainPem));
    trustStore = args.caFile ? trustStoreFromFile(args.caFile) : systemTrustStore();
  } catch (e) {
    return usage((e as Error).message);
  }
  const verdict = await verifyTlsa(records, credential, { names: [args.name], trustStore, ...(args.now ? { now: args.now } : {}) });
  const stdout = args.json ? JSON.stringify(verdictToJson(verdict), null, 2) + '\n' : formatVerdict(verdict);
  return { exitCode: exitCodeFor(verdict), stdout, stderr: '' };
}

/** commander parse errors (unknown or missing options) exit 64; help and version exit 0. */
export function usageExitOverride(err: CommanderError): never {
  const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
  process.exit(ok ? 0 : EXIT.USAGE);
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command('dane-verify')
    .description('verify a certificate chain against TLSA records given on the command line (no DNS)')
    .requiredOption('--chain <file>', 'PEM chain as the peer sends it, leaf first')
    .requiredOption('--name <host>', 'the name the peer must be (reference identifier)')
    .option('--tlsa <record>', 'TLSA RDATA "U S M HEX" (repeatable)', collect, [])
    .option('--ca-file <file>', 'PEM trust store for PKIX-TA/PKIX-EE (default: Node bundled roots)')
    .option('--json', 'print the verdict as JSON')
    .exitOverride(usageExitOverride)
    .action(async (o: { chain: string; name: string; tlsa: string[]; caFile?: string; json?: boolean }) => {
      const r = await runDaneVerify(o);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
