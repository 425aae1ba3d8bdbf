/**
 * `daneel tlsa-record --cert cert.pem [--usage 3 --selector 1 --mtype 1] [--owner NAME]`: prints the TLSA RDATA
 * `U S M HEX` for the first certificate in the file, or a full zone line when an owner is given.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parsePemChain } from '../../dane/certs.js';
import { Name } from '../../resolver/wire/name.js';
import { computeTlsa, formatTlsa, unusableReason } from '../../dane/tlsa.js';
import type { CommandResult } from './dane-verify.js';
import { EXIT, usageExitOverride } from './dane-verify.js';

export interface TlsaRecordArgs {
  readonly cert: string;
  readonly usage?: string | number;
  readonly selector?: string | number;
  readonly mtype?: string | number;
  readonly owner?: string;
}

const usage = (message: string): CommandResult => ({ exitCode: EXIT.USAGE, stdout: '', stderr: `daneel tlsa-record: ${message}\n` });

function field(v: string | number | undefined, dflt: number, what: string, max: number): number {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${what} must be an integer 0-${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** The TLSA line for a certificate PEM text (pure; the CLI reads the file). */
export function tlsaRecordLine(certPem: string, args: Omit<TlsaRecordArgs, 'cert'>): string {
  const cert = parsePemChain(certPem)[0]!;
  const u = field(args.usage, 3, 'usage', 3);
  const s = field(args.selector, 1, 'selector', 1);
  const m = field(args.mtype, 1, 'mtype', 2);
  const rec = computeTlsa(cert, u, s, m);
  const why = unusableReason(rec);
  if (why) throw new Error(why);
  const rdata = formatTlsa(rec);
  if (args.owner === undefined) return rdata;
  const owner = Name.parse(args.owner.endsWith('.') ? args.owner : `${args.owner}.`).toString();
  return `${owner} IN TLSA ${rdata}`;
}

export function runTlsaRecord(args: TlsaRecordArgs): CommandResult {
  let pem: string;
  try {
    pem = readFileSync(args.cert, 'utf8');
  } catch (e) {
    return usage(`cannot read --cert ${args.cert}: ${(e as Error).message}`);
  }
  try {
    return { exitCode: 0, stdout: tlsaRecordLine(pem, args) + '\n', stderr: '' };
  } catch (e) {
    return usage((e as Error).message);
  }
}

export function register(program: Command): void {
  program
    .command('tlsa-record')
    .description('print the TLSA record for a certificate')
    .requiredOption('--cert <file>', 'PEM certificate (the first one in the file is used)')
    .option('--usage <n>', 'certificate usage 0-3', '3')
    .option('--selector <n>', 'selector 0 (Cert) or 1 (SPKI)', '1')
    .option('--mtype <n>', 'matching type 0 (Full), 1 (SHA2-256), 2 (SHA2-512)', '1')
    .option('--owner <name>', 'print a full zone line with this owner, e.g. _443._tcp.www.example.com')
    .exitOverride(usageExitOverride)
    .action((o: TlsaRecordArgs) => {
      const r = runTlsaRecord(o);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
