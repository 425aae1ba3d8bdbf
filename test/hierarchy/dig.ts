/**
 * Query a name server inside a network namespace with BIND's `dig` and parse what it printed.
 * Used by the reference test (Unbound) and by the differential test (daneel vs Unbound), so it must
 * read both resolvers' answers the same way.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The rcode mnemonic dig prints ('NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', …). */
export type Rcode = string;

export interface DigOptions {
  /** Set RD (default true: the target is a resolver). */
  recurse?: boolean;
  /** Set DO (default true). */
  dnssec?: boolean;
  /** Set AD in the query (dig's default, RFC 6840 §5.7: asks for the AD bit even without DO). */
  adFlag?: boolean;
  /** Set CD: ask the resolver not to validate (default false). */
  checkingDisabled?: boolean;
  /** Query over TCP from the start (default false: UDP, with dig's own retry over TCP on TC=1). */
  tcp?: boolean;
  /** Seconds dig waits per try (default 10: a resolver may itself wait on a silent server). */
  timeoutSeconds?: number;
  /** UDP tries (default 1). */
  tries?: number;
  /** EDNS UDP buffer size advertised (default: dig's 1232). */
  bufsize?: number;
}

export interface DigResult {
  rcode: Rcode;
  /** AD flag of the final answer. */
  ad: boolean;
  /** First Extended DNS Error info code (RFC 8914), when the answer carries one. */
  ede?: number;
  /** Every EDE info code present, in order. */
  edes: number[];
  /** EDE EXTRA-TEXT of the first EDE, when present. */
  edeText?: string;
  /** Answer section, one RR a line, whitespace normalised ("owner ttl class type rdata"). */
  answer: string[];
  /** Authority section, same form. */
  authority: string[];
  /** True when the UDP answer came back truncated and dig retried over TCP. */
  tc?: boolean;
  /** Header flags of the final answer, e.g. ['qr', 'rd', 'ra', 'ad']. */
  flags: string[];
  /** dig's full output, for failure messages. */
  raw: string;
}

/** dig could not get an answer at all (timeout, unreachable, or dig itself failed). */
export class DigError extends Error {
  readonly code = 'DIG_FAILED';
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = 'DigError';
  }
}

/** Build dig's argument list (exported for tests of this module). */
export function digArgs(server: string, qname: string, qtype: string, opts: DigOptions = {}): string[] {
  const args = [`@${server}`, qname, qtype];
  args.push(opts.recurse === false ? '+norec' : '+rec');
  args.push(opts.dnssec === false ? '+nodnssec' : '+dnssec');
  if (opts.checkingDisabled) args.push('+cd');
  if (opts.adFlag === false) args.push('+noadflag');
  if (opts.tcp) args.push('+tcp');
  if (opts.bufsize !== undefined) args.push(`+bufsize=${opts.bufsize}`);
  args.push(`+time=${opts.timeoutSeconds ?? 10}`, `+tries=${opts.tries ?? 1}`);
  // +nocookie keeps answers comparable across resolvers; +nocmd drops the banner
  args.push('+nocookie', '+nocmd', '+nomultiline', '+nottlunits');
  return args;
}

/**
 * Run `ip netns exec NETNS dig @server qname qtype +dnssec …` and parse the answer.
 * Throws DigError when no answer came back (dig exit status 9/10 or no header in its output).
 */
export async function digInNetns(
  netns: string,
  server: string,
  qname: string,
  qtype: string,
  opts: DigOptions = {},
): Promise<DigResult> {
  const args = ['netns', 'exec', netns, 'dig', ...digArgs(server, qname, qtype, opts)];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ip', args, { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }));
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number | string; message: string };
    const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    throw new DigError(`dig @${server} ${qname} ${qtype} in ${netns} failed (${failed.code ?? failed.message})`, output);
  }
  return parseDigOutput(stdout);
}

/** Parse dig's text output. When dig retried over TCP, only the last (TCP) message counts. */
export function parseDigOutput(output: string): DigResult {
  const truncated = /;; Truncated, retrying in TCP mode\./.test(output);
  const headerAt = output.lastIndexOf(';; ->>HEADER<<-');
  if (headerAt < 0) throw new DigError('dig printed no DNS header (no answer)', output);
  const message = output.slice(headerAt);

  const rcode = /status: ([A-Z0-9]+)/.exec(message)?.[1];
  if (rcode === undefined) throw new DigError('dig output has no status', output);
  const flags = (/;; flags:([^;]*);/.exec(message)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

  // "; EDE: 6 (DNSSEC Bogus): (extra text)" — one line per EDE option
  const edeLines = [...message.matchAll(/^; EDE: (\d+)(?: \([^)]*\))?(?:: (.*))?$/gm)];
  const edes = edeLines.map((m) => Number(m[1]));

  const result: DigResult = {
    rcode,
    ad: flags.includes('ad'),
    edes,
    answer: section(message, 'ANSWER'),
    authority: section(message, 'AUTHORITY'),
    flags,
    raw: output,
  };
  if (edes.length > 0) result.ede = edes[0];
  const text = edeLines[0]?.[2];
  if (text !== undefined) result.edeText = text.replace(/^\((.*)\)$/, '$1');
  if (truncated) result.tc = true;
  return result;
}

/** Lines of one section (";; ANSWER SECTION:" up to the next blank line), whitespace normalised. */
function section(message: string, name: string): string[] {
  const start = message.indexOf(`;; ${name} SECTION:\n`);
  if (start < 0) return [];
  const body = message.slice(start).split('\n').slice(1);
  const lines: string[] = [];
  for (const line of body) {
    if (line.trim() === '' || line.startsWith(';;')) break;
    lines.push(line.trim().split(/\s+/).join(' '));
  }
  return lines;
}
