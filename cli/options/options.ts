/**
 * DaneelOptions: the one typed options object `daneel serve` runs from, built from the configuration file and
 * the flags (a flag overrides the file). Components take their slice of it: the resolver (hints, anchors,
 * switches, limits), the DNS server (listen, ACL, rate limit), the logger, and — wired where those features
 * live — the HTTP front end (`http`), the answer cache (`cache`, `keepWarm`), forwarding (`forwardZones`,
 * `forwardCa`) and 0x20 hardening (`qnameCaseRandomisation`). Defaults live here and in the named limits.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ResolutionLimits } from '../../resolver/api.js';
import type { WorkLimits } from '../../resolver/dnssec/budget.js';
import type { ServerLimits } from '../../server/limits.js';
import type { AclRule } from '../../server/acl.js';
import type { RateLimitOptions } from '../../server/rate-limit.js';
import { parseListenAddress } from '../../server/listen-address.js';
import type { ListenAddress } from '../../server/listen-address.js';
import { configSchema } from './schema.js';
import type { RawConfig } from './schema.js';
import { ConfigError } from './errors.js';
import { problemsOf, readConfigFile } from './yaml-file.js';
import { flagOverlay, mergeConfig } from './flags.js';

export interface DaneelOptions {
  /** The configuration file these options came from, if any (SIGHUP reads it again). */
  configFile?: string;
  listen: ListenAddress[];
  /** Root hints file; undefined means the built-in public root servers. */
  rootHints?: string;
  /** Trust anchor files (`none` = no validation); empty means the built-in IANA root anchors. */
  trustAnchors: string[];
  qnameMinimisation: boolean;
  doIp6: boolean;
  doIp4: boolean;
  hardenGlue: boolean;
  /** Carried for the hardening component; undefined = its default. */
  qnameCaseRandomisation?: boolean;
  accessControl: AclRule[];
  rateLimit: Required<RateLimitOptions>;
  log: { level: string; queryLog: boolean };
  http: { listen: ListenAddress[]; cert?: string; key?: string };
  cache: { maxBytes?: number; minTtl?: number; maxTtl?: number; prefetchShare?: number; badTtl?: number; serveStale?: boolean; staleWindow?: number };
  keepWarm: { names: string[]; learnMax?: number; learnMinQueries?: number };
  forwardZones: Record<string, string[]>;
  forwardCa?: string;
  limits: { resolution: Partial<ResolutionLimits>; work: Partial<WorkLimits>; server: Partial<ServerLimits> };
}

/** Keys naming files: relative paths in a configuration file are taken from the file's own directory. */
const FILE_KEYS: ReadonlyArray<readonly string[]> = [['root-hints'], ['forward-ca'], ['http', 'cert'], ['http', 'key']];

function relativeTo(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

function anchorFilesRelative(raw: RawConfig, dir: string): RawConfig {
  const out = structuredClone(raw) as Record<string, unknown>;
  for (const path of FILE_KEYS) {
    const parent = path.length === 1 ? out : (out[path[0]!] as Record<string, unknown> | undefined);
    const key = path[path.length - 1]!;
    if (parent && typeof parent[key] === 'string') parent[key] = relativeTo(dir, parent[key]);
  }
  if (Array.isArray(out['trust-anchors'])) {
    out['trust-anchors'] = (out['trust-anchors'] as string[]).map((f) => (f === 'none' ? f : relativeTo(dir, f)));
  }
  return out as RawConfig;
}

/** Drops undefined values so optional fields stay absent (clean logs, exact comparisons). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** From the validated raw configuration to the typed options, with defaults. */
export function toOptions(raw: RawConfig, configFile?: string): DaneelOptions {
  const qps = raw['rate-limit']?.qps ?? 0;
  const l = raw.limits ?? {};
  const options: DaneelOptions = {
    listen: (raw.listen ?? []).map(parseListenAddress),
    trustAnchors: raw['trust-anchors'] ?? [],
    qnameMinimisation: raw['qname-minimisation'] ?? true,
    doIp6: raw['do-ip6'] ?? true,
    doIp4: raw['do-ip4'] ?? true,
    hardenGlue: raw['harden-glue'] ?? true,
    accessControl: raw['access-control'] ?? [],
    rateLimit: { qps, burst: raw['rate-limit']?.burst ?? Math.max(1, Math.ceil(2 * qps)), exemptLoopback: raw['rate-limit']?.['exempt-loopback'] ?? true },
    log: { level: raw.log?.level ?? 'info', queryLog: raw.log?.['query-log'] ?? false },
    http: defined({ listen: (raw.http?.listen ?? []).map(parseListenAddress), cert: raw.http?.cert, key: raw.http?.key }),
    cache: defined({
      maxBytes: raw.cache?.['max-bytes'], minTtl: raw.cache?.['min-ttl'], maxTtl: raw.cache?.['max-ttl'], prefetchShare: raw.cache?.['prefetch-share'],
      badTtl: raw.cache?.['bad-ttl'], serveStale: raw.cache?.['serve-stale'], staleWindow: raw.cache?.['stale-window'],
    }),
    keepWarm: defined({ names: raw['keep-warm']?.names ?? [], learnMax: raw['keep-warm']?.['learn-max'], learnMinQueries: raw['keep-warm']?.['learn-min-queries'] }),
    forwardZones: raw['forward-zones'] ?? {},
    limits: {
      resolution: defined({
        maxReferralDepth: l['max-referral-depth'], maxCnameChain: l['max-cname-chain'], maxUpstreamQueries: l['max-upstream-queries'],
        initialTimeoutMs: l['initial-timeout-ms'], maxTimeoutMs: l['max-timeout-ms'], requestTimeoutMs: l['request-timeout-ms'],
        maxGluelessDepth: l['max-glueless-depth'],
      }),
      work: defined({ maxSignatureChecks: l['max-signature-checks'], maxNsec3Hashes: l['max-nsec3-hashes'] }),
      server: defined({
        maxConcurrentRequests: l['max-concurrent-requests'], maxTcpConnections: l['max-tcp-connections'], tcpIdleTimeoutMs: l['tcp-idle-timeout-ms'],
        maxPipelinedPerConnection: l['max-pipelined-per-connection'], closeGraceMs: l['close-grace-ms'],
      }),
    },
  };
  if (configFile !== undefined) options.configFile = configFile;
  if (raw['root-hints'] !== undefined) options.rootHints = raw['root-hints'];
  if (raw['qname-case-randomisation'] !== undefined) options.qnameCaseRandomisation = raw['qname-case-randomisation'];
  if (raw['forward-ca'] !== undefined) options.forwardCa = raw['forward-ca'];
  return options;
}

/** Validates a configuration file alone (`daneel check-config`). Throws ConfigError. */
export function checkConfigFile(file: string): DaneelOptions {
  const { raw } = readConfigFile(file);
  return toOptions(anchorFilesRelative(raw, dirname(resolve(file))), file);
}

/**
 * The options for `daneel serve`: the file (if any) with the flags on top, validated as one. Problems name the
 * file and line, or the flag, that set the bad value. Throws ConfigError.
 */
export function buildOptions(configFile: string | undefined, flags: Record<string, unknown>): DaneelOptions {
  let fileRaw: Record<string, unknown> = {};
  let locate: (path: ReadonlyArray<PropertyKey>, key?: string) => string = () => '(defaults)';
  if (configFile !== undefined) {
    const read = readConfigFile(configFile);
    fileRaw = anchorFilesRelative(read.raw, dirname(resolve(configFile))) as Record<string, unknown>;
    locate = read.locate;
  }
  const { overlay, source } = flagOverlay(flags);
  const merged = configSchema.safeParse(mergeConfig(fileRaw, overlay));
  if (!merged.success) {
    const where = (path: ReadonlyArray<PropertyKey>, key?: string): string => {
      for (let n = path.length; n > 0; n--) {
        const flag = source.get(path.slice(0, n).filter((p) => typeof p === 'string').join('.'));
        if (flag) return flag;
      }
      return locate(path, key);
    };
    throw new ConfigError(problemsOf(merged.error.issues, where));
  }
  const options = toOptions(merged.data, configFile);
  if (options.listen.length === 0) {
    const message = 'at least one --listen ADDR:PORT is needed (or listen: in the configuration file)';
    throw new ConfigError([configFile === undefined ? { where: '--listen', key: '', message } : { where: configFile, key: 'listen', message }]);
  }
  return options;
}
