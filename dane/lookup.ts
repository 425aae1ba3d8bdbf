/**
 * The TLSA lookup on top of daneel's own resolver: the adapter between `Resolver` (resolver/api.ts) and the
 * `TlsaLookup` the DANE helpers take. It decodes the TLSA RDATA of the answer, hands over the DNSSEC verdict
 * (status, reason, EDE) unchanged, and reports the CNAME target and whether the whole chain was secure, which
 * RFC 7671 §7 needs. `lookupService` applies §7 for a service host: TLSA base domains and reference identifiers.
 */
import type { Resolver, ResolveResult } from '../resolver/api.js';
import { Name } from '../resolver/wire/name.js';
import { T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { decodeTargetName, decodeTlsa } from '../resolver/wire/rdata.js';
import { referenceIdentifiers, tlsaBaseDomains, tlsaOwner } from './owner.js';
import type { CnameExpansion } from './owner.js';
import type { TlsaRecord } from './tlsa.js';
import type { TlsaLookup, TlsaLookupResult } from './verify.js';
import { lookupOnlyVerdict } from './verify.js';

/** A lookup result with what RFC 7671 §7 needs beside the records. */
export interface ResolverTlsaResult extends TlsaLookupResult {
  readonly records: readonly TlsaRecord[];
  /** The name asked for (presentation form, trailing dot). */
  readonly owner: string;
  /** Where the CNAME/DNAME chain from `owner` ended, or null when `owner` is not an alias. */
  readonly cnameTarget: string | null;
  /** True when every link and the final RRset were DNSSEC-secure (the resolver's verdict is the weakest link). */
  readonly chainSecure: boolean;
  /** TLSA records of the answer too short to decode (malformed, so unusable: RFC 6698 §4.1), for diagnostics. */
  readonly malformed: number;
}

function absolute(owner: Name | string): Name {
  if (owner instanceof Name) return owner;
  return Name.parse(owner.endsWith('.') ? owner : `${owner}.`);
}

/**
 * Follows the alias links of an answer section from `qname` (CNAME, and DNAME for names it would not also find
 * as a synthesised CNAME, RFC 6672 §5.3.1). Returns the final name; stops at a repeat.
 */
export function finalName(qname: Name, answer: readonly RR[]): Name {
  let current = qname;
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(current.key)) return current;
    seen.add(current.key);
    const cname = answer.find((rr) => rr.type === T.CNAME && rr.name.equals(current));
    if (cname) {
      current = decodeTargetName(cname.rdata);
      continue;
    }
    const dname = answer.find((rr) => rr.type === T.DNAME && current.isStrictSubdomainOf(rr.name));
    if (!dname) return current;
    const keep = current.labelCount - dname.name.labelCount;
    current = new Name([...current.labels.slice(0, keep), ...decodeTargetName(dname.rdata).labels]);
  }
}

/** The TLSA records of a resolution: those at the chain's final name (copies: the answer is not kept). */
export function tlsaRecordsOf(result: ResolveResult): { records: TlsaRecord[]; target: Name; malformed: number } {
  const target = finalName(result.qname, result.answer);
  const records: TlsaRecord[] = [];
  let malformed = 0;
  for (const rr of result.answer) {
    if (rr.type !== T.TLSA || !rr.name.equals(target)) continue;
    try {
      const t = decodeTlsa(rr.rdata);
      records.push({ usage: t.usage, selector: t.selector, mtype: t.mtype, data: Uint8Array.from(t.data) });
    } catch {
      // Shorter than the three fixed octets: malformed, so unusable (RFC 6698 §4.1); counted, not matched.
      malformed++;
    }
  }
  return { records, target, malformed };
}

/** Maps one resolution to the lookup result shape; the verdict's check id, when present, ends the reason. */
export function toLookupResult(owner: Name, result: ResolveResult): ResolverTlsaResult {
  const { records, target, malformed } = tlsaRecordsOf(result);
  const v = result.verdict;
  return {
    owner: owner.toString(),
    records,
    rcode: result.rcode,
    status: v.status,
    reason: v.id ? `${v.reason} [${v.id}]` : v.reason,
    ede: v.ede ?? null,
    cnameTarget: target.equals(owner) ? null : target.toString(),
    chainSecure: v.status === 'secure',
    malformed,
  };
}

/** Looks up the TLSA RRset at `owner` with the resolver. */
export async function resolveTlsaAt(resolver: Resolver, owner: Name | string, signal?: AbortSignal): Promise<ResolverTlsaResult> {
  const name = absolute(owner);
  const result = await resolver.resolve(name, T.TLSA, signal ? { signal } : {});
  return toLookupResult(name, result);
}

/** daneel in-process as the DANE helpers' injected lookup: `(owner) => Promise<{ records, rcode, status, reason, ede }>`. */
export function resolverTlsaLookup(resolver: Resolver): TlsaLookup & ((owner: string) => Promise<ResolverTlsaResult>) {
  return (owner: string) => resolveTlsaAt(resolver, owner);
}

/**
 * The CNAME expansion of a service host (RFC 7671 §7), read from its address lookup: the final target and
 * whether the chain was secure. A host whose address lookup failed or was bogus is taken unexpanded, and
 * not secure, so only the initial name is a TLSA base domain.
 */
export async function expandHost(resolver: Resolver, host: Name | string): Promise<CnameExpansion> {
  const initial = absolute(host);
  const result = await resolver.resolve(initial, T.A);
  if (result.verdict.status === 'bogus' || result.verdict.status === 'indeterminate') return { initial, expanded: initial, secure: false };
  return { initial, expanded: finalName(initial, result.answer), secure: result.verdict.status === 'secure' };
}

/** A service's TLSA lookup after RFC 7671 §7: the result used, at which base domain, and the names to check. */
export interface ServiceTlsa {
  readonly result: ResolverTlsaResult;
  readonly baseDomain: string;
  /** Reference identifiers for the certificate name check (host names without trailing dot). */
  readonly names: string[];
  /** Every TLSA owner asked, in order. */
  readonly tried: string[];
  readonly expansion: CnameExpansion;
}

/**
 * RFC 7671 §7: with a secure CNAME expansion, TLSA records are looked up first at the expanded name and, when
 * they are securely absent there, at the initial name; with an insecure expansion only the initial name is
 * used. A bogus or failed lookup at the expanded name is final (falling back would let an attacker who can
 * break that lookup pick the weaker name).
 */
export async function lookupService(resolver: Resolver, host: Name | string, port: number, proto = 'tcp'): Promise<ServiceTlsa> {
  const expansion = await expandHost(resolver, host);
  const bases = tlsaBaseDomains(expansion);
  const tried: string[] = [];
  let last: { result: ResolverTlsaResult; base: Name } | undefined;
  for (const base of bases) {
    const owner = tlsaOwner(base, port, proto);
    tried.push(owner.toString());
    const result = await resolveTlsaAt(resolver, owner);
    last = { result, base };
    if (lookupOnlyVerdict(result)?.verdict !== 'no-tlsa') break;
  }
  const { result, base } = last!;
  return { result, baseDomain: base.toString(), names: referenceIdentifiers(expansion, base), tried, expansion };
}
