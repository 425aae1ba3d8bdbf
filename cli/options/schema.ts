/**
 * The one schema of daneel's configuration: the YAML file (`daneel serve --config FILE`) and the serve flags both
 * end up as this raw, kebab-case object (flags override file values key by key), validated here once.
 * Objects are strict: an unknown key is an error, never silently ignored (a typo must not weaken a setting).
 *
 * Keys whose feature lives on another branch (http, cache, keep-warm, forward-zones, forward-ca,
 * qname-case-randomisation) are validated and carried in DaneelOptions; the consuming component reads them there.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseListenAddress } from '../../server/listen-address.js';
import { parsePrefix } from '../../server/acl.js';
import { LOG_LEVELS } from './levels.js';

const MIB = 1024 * 1024;
/** Longest TTL that DNS can carry (RFC 2181 §8: 2^31 - 1 seconds). */
const MAX_TTL_SECONDS = 2 ** 31 - 1;

/** A string checked by a parser that throws a descriptive error (its message becomes the problem's text). */
const parsedBy = (parse: (s: string) => unknown) => z.string().superRefine((s, ctx) => {
  try { parse(s); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); }
});

const listenAddress = parsedBy(parseListenAddress);
const prefix = parsedBy(parsePrefix);

const seconds = z.number().int().min(0, { error: 'must be ≥ 0 seconds' }).max(MAX_TTL_SECONDS, { error: `must be ≤ ${MAX_TTL_SECONDS} seconds` });
const positiveInt = z.number().int().min(1, { error: 'must be ≥ 1' });
const file = z.string().min(1, { error: 'must name a file' });
/** Absolute zone names, or relative ones taken as absolute: `example.`, `example`, `.`. */
const zoneName = z.string().regex(/^(\.|([^.\s]{1,63}\.)*[^.\s]{1,63}\.?)$/, { error: 'must be a domain name' });

export const ACL_ACTIONS = ['allow', 'refuse', 'drop'] as const;

export const configSchema = z.strictObject({
  listen: z.array(listenAddress).min(1, { error: 'must list at least one ADDR:PORT' }).optional(),
  'root-hints': file.optional(),
  /** `none` (or an empty file) means no validation, with one warning (semantics: the conformance branch). */
  'trust-anchors': z.array(file).optional(),
  'qname-minimisation': z.boolean().optional(),
  'do-ip6': z.boolean().optional(),
  'do-ip4': z.boolean().optional(),
  'harden-glue': z.boolean().optional(),
  'qname-case-randomisation': z.boolean().optional(),
  'access-control': z.array(z.strictObject({ prefix, action: z.enum(ACL_ACTIONS) })).optional(),
  'rate-limit': z.strictObject({
    qps: z.number().min(0, { error: 'must be ≥ 0 (0 = off)' }).optional(),
    burst: positiveInt.optional(),
    'exempt-loopback': z.boolean().optional(),
  }).optional(),
  log: z.strictObject({
    level: z.enum(LOG_LEVELS).optional(),
    'query-log': z.boolean().optional(),
  }).optional(),
  http: z.strictObject({
    listen: z.array(listenAddress).optional(),
    cert: file.optional(),
    key: file.optional(),
  }).optional(),
  cache: z.strictObject({
    'max-bytes': z.number().int().min(MIB, { error: 'must be ≥ 1 MiB (1048576)' }).optional(),
    'min-ttl': seconds.optional(),
    'max-ttl': seconds.optional(),
    'prefetch-share': z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }).optional(),
    'bad-ttl': seconds.optional(),
    'serve-stale': z.boolean().optional(),
    'stale-window': seconds.optional(),
  }).optional(),
  'keep-warm': z.strictObject({
    names: z.array(z.string().min(1)).optional(),
    'learn-max': z.number().int().min(0).optional(),
    'learn-min-queries': positiveInt.optional(),
  }).optional(),
  'forward-zones': z.record(zoneName, z.array(z.url({ error: 'must be a URL' })).min(1, { error: 'must list at least one URL' })).optional(),
  'forward-ca': file.optional(),
  /** resolver/limits.ts, resolver/dnssec/budget.ts and server/limits.ts, kebab-case. */
  limits: z.strictObject({
    'max-referral-depth': positiveInt.optional(),
    'max-cname-chain': positiveInt.optional(),
    'max-upstream-queries': positiveInt.optional(),
    'initial-timeout-ms': positiveInt.optional(),
    'max-timeout-ms': positiveInt.optional(),
    'request-timeout-ms': positiveInt.optional(),
    'max-glueless-depth': positiveInt.optional(),
    'max-signature-checks': positiveInt.optional(),
    'max-nsec3-hashes': positiveInt.optional(),
    'max-concurrent-requests': positiveInt.optional(),
    'max-tcp-connections': positiveInt.optional(),
    'tcp-idle-timeout-ms': positiveInt.optional(),
    'max-pipelined-per-connection': positiveInt.optional(),
    'close-grace-ms': positiveInt.optional(),
  }).optional(),
}).superRefine((c, ctx) => {
  if (c['do-ip4'] === false && c['do-ip6'] === false) {
    ctx.addIssue({ code: 'custom', path: ['do-ip4'], message: 'do-ip4 and do-ip6 cannot both be false: no address family would be left' });
  }
  const cache = c.cache;
  if (cache?.['min-ttl'] !== undefined && cache['max-ttl'] !== undefined && cache['min-ttl'] > cache['max-ttl']) {
    ctx.addIssue({ code: 'custom', path: ['cache', 'min-ttl'], message: `must be ≤ cache.max-ttl (${cache['max-ttl']})` });
  }
  const l = c.limits;
  if (l?.['initial-timeout-ms'] !== undefined && l['max-timeout-ms'] !== undefined && l['initial-timeout-ms'] > l['max-timeout-ms']) {
    ctx.addIssue({ code: 'custom', path: ['limits', 'initial-timeout-ms'], message: `must be ≤ limits.max-timeout-ms (${l['max-timeout-ms']})` });
  }
  for (const [i, name] of (c['keep-warm']?.names ?? []).entries()) {
    if (isIP(name) !== 0) ctx.addIssue({ code: 'custom', path: ['keep-warm', 'names', i], message: 'must be a TLSA owner, host:port or x._device.zone, not an address' });
  }
});

/** The configuration as written (kebab-case keys), after validation. */
export type RawConfig = z.infer<typeof configSchema>;
