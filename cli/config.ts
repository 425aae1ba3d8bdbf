/**
 * From command-line flags to a ResolverConfig: root hints, trust anchors and the two switches shared by
 * `daneel query` and `daneel serve`. Bad input is a UsageError (exit 64) whose message names the file/value.
 *
 * The built-in public root hints are used only when --root-hints is absent; the built-in IANA root anchors
 * only when no --trust-anchor is given (a given file replaces them).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { ResolutionLimits, ResolverConfig } from '../resolver/api.js';
import type { WorkLimits } from '../resolver/dnssec/budget.js';
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
  qnameMinimisation?: string;
  doIp6?: string;
  doIp4?: string;
  hardenGlue?: string;
}

/** Said once at start-up when `--trust-anchor none` or only empty files leave no anchor (RFC 4035 §4.3). */
export const NO_ANCHOR_WARNING = 'no trust anchor (--trust-anchor none or empty files): DNSSEC validation is off, every answer is insecure (never AD)';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds --root-hints, --trust-anchor (repeatable), --qname-minimisation, --do-ip6, --do-ip4 and --harden-glue to a command. */
export function addResolverOptions(cmd: Command): Command {
  return cmd
    .option('--root-hints <file>', 'root hints in named.root format (default: the built-in IANA root servers)')
    .option('--trust-anchor <file>', 'DS/DNSKEY zone-file lines or RFC 7958 XML; repeatable; replaces the built-in root anchors; `none` or an empty file: no validation', collect, [])
    // No commander defaults: a flag that is absent must not override the configuration file (defaults: yes).
    .addOption(new Option('--qname-minimisation <yes|no>', 'RFC 9156 QNAME minimisation (default: yes)').choices(['yes', 'no']))
    .addOption(new Option('--do-ip6 <yes|no>', 'query name servers over IPv6 (default: yes)').choices(['yes', 'no']))
    .addOption(new Option('--do-ip4 <yes|no>', 'query name servers over IPv4 (default: yes; no on an IPv6-only host)').choices(['yes', 'no']))
    .addOption(new Option('--harden-glue <yes|no>', 'use only glue inside the delegating zone (default: yes; no also uses out-of-zone glue as server addresses)').choices(['yes', 'no']));
}

/** The resolver's slice of the serve options (cli/options/options.ts): files, switches and limits. */
export interface ResolverSettings {
  rootHints?: string;
  trustAnchors: string[];
  qnameMinimisation: boolean;
  doIp6: boolean;
  /** Query IPv4 name servers (default yes). Turning off both families is a usage error. */
  doIp4?: boolean;
  /** Only in-bailiwick glue (default yes, Unbound's harden-glue). */
  hardenGlue?: boolean;
  /** 0x20 QNAME case randomisation upstream (resolver/iterator/qname-case.ts); default yes. */
  qnameCaseRandomisation?: boolean;
  limits?: { resolution?: Partial<ResolutionLimits>; work?: Partial<WorkLimits> };
}

/** Builds the resolver configuration (reads the hints and anchor files); throws UsageError for bad files. */
export function resolverConfig(settings: ResolverSettings, clock: Clock = systemClock): ResolverConfig {
  if (!settings.doIp6 && settings.doIp4 === false) throw new UsageError('--do-ip4 no and --do-ip6 no together leave no address family to query name servers with');
  try {
    const rootHints = settings.rootHints !== undefined ? loadRootHints(settings.rootHints) : builtinRootHints();
    const trustAnchors = loadTrustAnchors(settings.trustAnchors, clock);
    return {
      rootHints,
      builtinHints: settings.rootHints === undefined,
      trustAnchors,
      qnameMinimisation: settings.qnameMinimisation,
      doIp6: settings.doIp6,
      doIp4: settings.doIp4 ?? true,
      hardenGlue: settings.hardenGlue ?? true,
      qnameCaseRandomisation: settings.qnameCaseRandomisation ?? true,
      transport: new StandardTransport(),
      clock,
      policy: DEFAULT_POLICY,
      workLimits: { ...DEFAULT_WORK_LIMITS, ...settings.limits?.work },
      limits: { ...DEFAULT_LIMITS, ...settings.limits?.resolution },
    };
  } catch (err) {
    if (err instanceof AnchorError) throw new UsageError(err.message);
    throw err;
  }
}

/** Builds the resolver configuration from `daneel query`-style flags; throws UsageError for bad files. */
export function resolverConfigFromFlags(flags: ResolverFlags, clock: Clock = systemClock): ResolverConfig {
  const settings: ResolverSettings = {
    trustAnchors: flags.trustAnchor,
    qnameMinimisation: flags.qnameMinimisation !== 'no',
    doIp6: flags.doIp6 !== 'no',
    doIp4: flags.doIp4 !== 'no',
    hardenGlue: flags.hardenGlue !== 'no',
  };
  if (flags.rootHints !== undefined) settings.rootHints = flags.rootHints;
  return resolverConfig(settings, clock);
}
