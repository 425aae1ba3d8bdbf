/**
 * Builds a signed test hierarchy for the scripted network: zone texts in presentation format, signed with
 * test/support/signer.ts (one Ed25519 key per zone, seeded by the zone name so runs repeat), DS records added to
 * each parent for its signed children, and the servers that carry each zone.
 */
import { FixedClock } from '../../resolver/clock.js';
import type { ResolverConfig, ServerHint } from '../../resolver/api.js';
import { createResolver, type ResolverOptions } from '../../resolver/resolve.js';
import { DEFAULT_LIMITS } from '../../resolver/limits.js';
import { DEFAULT_POLICY } from '../../resolver/dnssec/policy.js';
import { DEFAULT_WORK_LIMITS } from '../../resolver/dnssec/budget.js';
import { Name } from '../../resolver/wire/name.js';
import { parseZone } from '../../resolver/wire/zonefile.js';
import { T, type RR } from '../../resolver/wire/types.js';
import type { Resolver } from '../../resolver/api.js';
import { ALG, generateKey, makeDs, n, signZone, type Nsec3Options, type TestKey } from '../support/signer.js';
import type { AuthZone } from './authority.js';
import { ScriptedNetwork, type Behaviour, type ServerSpec } from './network.js';

/** The fixed date of every scenario: 2026-11-26 12:00 UTC. */
export const NOW_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
export const NOW_S = NOW_MS / 1000;
const DAY = 86400;

export interface ZoneDef {
  apex: string;
  /** Zone records in presentation format, relative to the apex; no DNSKEY/RRSIG/NSEC (added by signing). */
  text: string;
  /** Addresses of the servers carrying this zone. */
  servers: string[];
  /** Sign the zone (default true). */
  sign?: boolean;
  denial?: 'nsec' | 'nsec3';
  nsec3?: Nsec3Options;
  /** Publish a DS for this zone in its parent (default: when signed). */
  ds?: boolean;
  /** Signature validity window in Unix seconds (default: ten days before to thirty days after NOW). */
  inception?: number;
  expiration?: number;
  /** The parent publishes a DS for a key the zone does not have (DS matches no DNSKEY). */
  wrongDs?: boolean;
  /** Changes the signed records (break exactly one thing). */
  mutate?: (rrs: RR[]) => RR[];
}

export interface Hierarchy {
  clock: FixedClock;
  net: ScriptedNetwork;
  zones: Map<string, AuthZone>;
  keys: Map<string, TestKey>;
  /** DS for the root key: the trust anchor. */
  rootAnchor: RR[];
  hints: ServerHint[];
}

export function buildHierarchy(defs: ZoneDef[], behaviours: Record<string, Behaviour> = {}): Hierarchy {
  const clock = new FixedClock(NOW_MS);
  const byDepth = [...defs].sort((a, b) => n(b.apex).labelCount - n(a.apex).labelCount);
  const keys = new Map<string, TestKey>();
  const zones = new Map<string, AuthZone>();
  for (const def of byDepth) {
    const apex = n(def.apex);
    const rrs = parseZone(def.text, { origin: apex, defaultTtl: 3600 });
    for (const child of defs) {
      const c = n(child.apex);
      if (!c.isStrictSubdomainOf(apex) || parentDef(defs, c) !== def) continue;
      const childKey = keys.get(c.key);
      if (child.wrongDs) rrs.push(makeDs(generateKey(c, { algorithm: ALG.ED25519, seed: `not the key of ${c}` }).dnskey));
      else if (childKey && (child.ds ?? child.sign !== false)) rrs.push(makeDs(childKey.dnskey));
    }
    let all = rrs;
    const denial = def.denial ?? 'nsec';
    if (def.sign !== false) {
      const key = generateKey(apex, { algorithm: ALG.ED25519, seed: `scenario ${apex}` });
      keys.set(apex.key, key);
      all = signZone(apex, rrs, [key], { inception: def.inception ?? NOW_S - 10 * DAY, expiration: def.expiration ?? NOW_S + 30 * DAY, denial, ...(def.nsec3 ? { nsec3: def.nsec3 } : {}) });
    }
    if (def.mutate) all = def.mutate(all);
    zones.set(apex.key, { apex, rrs: all, denial: def.sign === false ? 'none' : denial, ...(def.nsec3 ? { nsec3: def.nsec3 } : {}) });
  }
  const specs = new Map<string, ServerSpec>();
  for (const def of defs) {
    for (const address of def.servers) {
      const spec = specs.get(address) ?? { address, zones: [], behaviour: behaviours[address] ?? 'normal' };
      spec.zones.push(zones.get(n(def.apex).key)!);
      specs.set(address, spec);
    }
  }
  const net = new ScriptedNetwork(clock, [...specs.values()]);
  const rootKey = keys.get(n('.').key);
  return { clock, net, zones, keys, rootAnchor: rootKey ? [makeDs(rootKey.dnskey)] : [], hints: hintsOf(zones.get(n('.').key)!) };
}

function parentDef(defs: ZoneDef[], child: Name): ZoneDef | undefined {
  let best: ZoneDef | undefined;
  for (const d of defs) {
    const a = n(d.apex);
    if (child.isStrictSubdomainOf(a) && (!best || a.labelCount > n(best.apex).labelCount)) best = d;
  }
  return best;
}

/** Root hints: the root zone's NS names and their addresses, as a named.root file would list them. */
function hintsOf(root: AuthZone): ServerHint[] {
  const nsNames = root.rrs.filter((r) => r.type === T.NS && r.name.isRoot).map((r) => Name.decode(r.rdata, 0).name);
  return nsNames.map((name) => ({
    name,
    addresses: root.rrs.filter((r) => r.type === T.A && r.name.equals(name)).map((r) => Array.from(r.rdata).join('.')),
  }));
}

export function resolverFor(h: Hierarchy, overrides: Partial<ResolverOptions> = {}): Resolver {
  const config: ResolverConfig = {
    rootHints: h.hints,
    builtinHints: false,
    trustAnchors: h.rootAnchor,
    qnameMinimisation: true,
    doIp6: false,
    transport: h.net,
    clock: h.clock,
    policy: DEFAULT_POLICY,
    workLimits: DEFAULT_WORK_LIMITS,
    limits: DEFAULT_LIMITS,
  };
  return createResolver({ ...config, ...overrides });
}
