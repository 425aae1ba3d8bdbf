/**
 * Serve flags as configuration keys: each flag sets one key of the YAML schema, and a flag given on the command
 * line overrides that key from the file (lists are replaced, not appended; nested mappings are merged key by key).
 * The table covers every agreed flag (OPTIONS.md); flags another component registers on `serve` are picked up
 * here by their commander attribute name.
 */
import type { AclAction } from '../../server/acl.js';

/** How a flag's string value(s) become the key's value. */
type Convert = 'string' | 'list' | 'yesno' | 'number';

interface FlagKey {
  /** commander's attribute name (`--cache-max-bytes` → cacheMaxBytes). */
  attr: string;
  flag: string;
  path: string[];
  convert: Convert;
}

export const FLAG_KEYS: readonly FlagKey[] = [
  { attr: 'listen', flag: '--listen', path: ['listen'], convert: 'list' },
  { attr: 'rootHints', flag: '--root-hints', path: ['root-hints'], convert: 'string' },
  { attr: 'trustAnchor', flag: '--trust-anchor', path: ['trust-anchors'], convert: 'list' },
  { attr: 'qnameMinimisation', flag: '--qname-minimisation', path: ['qname-minimisation'], convert: 'yesno' },
  { attr: 'doIp6', flag: '--do-ip6', path: ['do-ip6'], convert: 'yesno' },
  { attr: 'doIp4', flag: '--do-ip4', path: ['do-ip4'], convert: 'yesno' },
  { attr: 'hardenGlue', flag: '--harden-glue', path: ['harden-glue'], convert: 'yesno' },
  { attr: 'qnameCaseRandomisation', flag: '--qname-case-randomisation', path: ['qname-case-randomisation'], convert: 'yesno' },
  { attr: 'rateLimit', flag: '--rate-limit', path: ['rate-limit', 'qps'], convert: 'number' },
  { attr: 'logLevel', flag: '--log-level', path: ['log', 'level'], convert: 'string' },
  { attr: 'queryLog', flag: '--query-log', path: ['log', 'query-log'], convert: 'yesno' },
  { attr: 'http', flag: '--http', path: ['http', 'listen'], convert: 'list' },
  { attr: 'httpCert', flag: '--http-cert', path: ['http', 'cert'], convert: 'string' },
  { attr: 'httpKey', flag: '--http-key', path: ['http', 'key'], convert: 'string' },
  { attr: 'cacheMaxBytes', flag: '--cache-max-bytes', path: ['cache', 'max-bytes'], convert: 'number' },
  { attr: 'cacheMinTtl', flag: '--cache-min-ttl', path: ['cache', 'min-ttl'], convert: 'number' },
  { attr: 'cacheMaxTtl', flag: '--cache-max-ttl', path: ['cache', 'max-ttl'], convert: 'number' },
  { attr: 'prefetchShare', flag: '--prefetch-share', path: ['cache', 'prefetch-share'], convert: 'number' },
  { attr: 'badCacheTtl', flag: '--bad-cache-ttl', path: ['cache', 'bad-ttl'], convert: 'number' },
  { attr: 'serveStale', flag: '--serve-stale', path: ['cache', 'serve-stale'], convert: 'yesno' },
  { attr: 'serveStaleWindow', flag: '--serve-stale-window', path: ['cache', 'stale-window'], convert: 'number' },
  { attr: 'keepWarm', flag: '--keep-warm', path: ['keep-warm', 'names'], convert: 'list' },
  { attr: 'forwardCa', flag: '--forward-ca', path: ['forward-ca'], convert: 'string' },
];

/** The ACL flags, repeatable, together forming `access-control`. */
const ACL_FLAGS: ReadonlyArray<{ attr: string; flag: string; action: AclAction }> = [
  { attr: 'allow', flag: '--allow', action: 'allow' },
  { attr: 'refuse', flag: '--refuse', action: 'refuse' },
  { attr: 'drop', flag: '--drop', action: 'drop' },
];

function convert(value: unknown, how: Convert): unknown {
  switch (how) {
    case 'list': return Array.isArray(value) ? value : [value];
    case 'yesno': return value === 'yes' ? true : value === 'no' ? false : value;
    // Not a number stays a string, so the schema reports it against the flag.
    case 'number': return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    default: return value;
  }
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * The configuration keys set by flags, and which flag set each (`cache.max-bytes` → `--cache-max-bytes`) so
 * that a bad value is reported against the flag. Empty repeatable flags (commander's []) set nothing.
 */
export function flagOverlay(flags: Record<string, unknown>): { overlay: Record<string, unknown>; source: Map<string, string> } {
  const overlay: Record<string, unknown> = {};
  const source = new Map<string, string>();
  for (const f of FLAG_KEYS) {
    const v = flags[f.attr];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    setIn(overlay, f.path, convert(v, f.convert));
    source.set(f.path.join('.'), f.flag);
  }
  const acl = ACL_FLAGS.flatMap((a) => ((flags[a.attr] as string[] | undefined) ?? []).map((prefix) => ({ prefix, action: a.action })));
  if (acl.length > 0) {
    overlay['access-control'] = acl;
    source.set('access-control', '--allow/--refuse/--drop');
  }
  const forward = flags['forward'] as string[] | undefined;
  if (forward && forward.length > 0) {
    overlay['forward-zones'] = Object.fromEntries(forward.map((spec) => {
      const eq = spec.indexOf('=');
      return eq < 0 ? [spec, []] : [spec.slice(0, eq), spec.slice(eq + 1).split(',').filter((u) => u !== '')];
    }));
    source.set('forward-zones', '--forward');
  }
  return { overlay, source };
}

/** `file` with `overlay` on top: mappings merge key by key, every other value (lists included) is replaced. */
export function mergeConfig(file: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(overlay)) {
    const base = out[k];
    const bothMaps = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof base === 'object' && base !== null && !Array.isArray(base);
    out[k] = bothMaps && k !== 'forward-zones' ? mergeConfig(base as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
