/**
 * From command-line flags to a ResolverConfig: root hints, trust anchors and the two switches shared by
 * `daneel query` and `daneel serve`. Bad input is a UsageError (exit 64) whose message names the file/value.
 *
 * The built-in public root hints are used only when --root-hints is absent; the built-in IANA root anchors
 * only when no --trust-anchor is given (a given file replaces them).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ResolverConfig } from '../resolver/api.js';
import { systemClock } from '../resolver/clock.js';
import type { Clock } from '../resolver/clock.js';
import { StandardTransport } from '../resolver/transport/standard.js';
import { DEFAULT_POLICY } from '../resolver/dnssec/policy.js';
import { DEFAULT_WORK_LIMITS } from '../resolver/dnssec/budget.js';
import { DEFAULT_LIMITS } from '../resolver/limits.js';
import { builtinRootHints } from '../anchors/builtin.js';
import { loadRootHints } from '../anchors/root-hints.js';
import { loadTrustAnchors } from '../anchors/trust-anchors.js';
import { AnchorError } from '../anchors/errors.js';

/** EX_USAGE from sysexits.h: bad flags, bad values, unreadable configuration files. */
export const EXIT_USAGE = 64;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The resolver flags as commander hands them over. */
export interface ResolverFlags {
  rootHints?: string;
  trustAnchor: string[];
  qnameMinimisation: string;
  doIp6: string;
}

/** Said once at start-up when `--trust-anchor none` or only empty files leave no anchor (RFC 4035 §4.3). */
export const NO_ANCHOR_WARNING = 'no trust anchor (--trust-anchor none or empty files): DNSSEC validation is off, every answer is insecure (never AD)';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds --root-hints, --trust-anchor (repeatable), --qname-minimisation and --do-ip6 to a command. */
export function addResolverOptions(cmd: Command): Command {
  return cmd
    .option('--root-hints <file>', 'root hints in named.root format (default: the built-in IANA root servers)')
    .option('--trust-anchor <file>', 'DS/DNSKEY zone-file lines or RFC 7958 XML; repeatable; replaces the built-in root anchors; `none` or an empty file: no validation', collect, [])
    .addOption(new Option('--qname-minimisation <yes|no>', 'RFC 9156 QNAME minimisation').choices(['yes', 'no']).default('yes'))
    .addOption(new Option('--do-ip6 <yes|no>', 'query name servers over IPv6').choices(['yes', 'no']).default('yes'));
}

/** Builds the resolver configuration; throws UsageError for unreadable or malformed files. */
export function resolverConfigFromFlags(flags: ResolverFlags, clock: Clock = systemClock): ResolverConfig {
  try {
    const rootHints = flags.rootHints !== undefined ? loadRootHints(flags.rootHints) : builtinRootHints();
    const trustAnchors = loadTrustAnchors(flags.trustAnchor, clock);
    return {
      rootHints,
      builtinHints: flags.rootHints === undefined,
      trustAnchors,
      qnameMinimisation: flags.qnameMinimisation !== 'no',
      doIp6: flags.doIp6 !== 'no',
      transport: new StandardTransport(),
      clock,
      policy: DEFAULT_POLICY,
      workLimits: DEFAULT_WORK_LIMITS,
      limits: DEFAULT_LIMITS,
    };
  } catch (err) {
    if (err instanceof AnchorError) throw new UsageError(err.message);
    throw err;
  }
}
