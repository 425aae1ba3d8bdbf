/**
 * The chain of trust (RFC 4035 §5): from a trust anchor, through DS -> DNSKEY at every zone cut, down to the
 * zone that signed an answer. Pure over what it is given: DNSKEY and DS RRsets come from an injected `lookup`,
 * validated keys are kept in an injected `KeyStore`, the clock is a `now()` function. Nothing here knows how the
 * records travel, so the iterative driver (asks each zone's own servers; learns DS from referrals) and a
 * forwarding driver (asks one CD=1 upstream for DS and DNSKEY) share the same checks:
 *
 * - `zoneKeys(zone, trust)`: the zone's DNSKEY RRset authenticated from its parent's validated DS or from
 *   configured anchors (validateZoneKeys), fetched once per store;
 * - `delegation(parent, child, records)`: a referral's or a DS answer's proof for a cut (validateDelegation);
 * - `walk(zone)`: the whole descent for a driver that sees no referrals, one DS query per name between the
 *   closest anchor and `zone`.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { bogus, EDE, indeterminate, insecure, type Verdict } from './verdict.js';
import type { ValidationPolicy } from './policy.js';
import type { WorkBudget } from './budget.js';
import { validateZoneKeys, type ZoneKeys } from './zone-keys.js';
import { validateDelegation, type Delegation } from './delegation.js';
import { groupRrsets, rrsigCovered } from './rrsets.js';
import { collectDenial, proveDenial } from './denial.js';
import { BogusRetry } from './bogus-retry.js';

/** What a lookup returns: the sections of the reply (records of other owners are ignored by the checks). */
export interface LookupAnswer {
  rcode: number;
  answer: RR[];
  authority: RR[];
  /** The server that answered, when the driver asks several: a bogus answer makes the next lookup avoid it. */
  source?: string;
}

/**
 * Fetches one RRset question, from a server not in `avoid` when the driver knows several; rejects when no server
 * could be asked (the driver's operational errors).
 */
export type ChainLookup = (name: Name, type: number, avoid?: ReadonlySet<string>) => Promise<LookupAnswer>;

/**
 * Where authenticated DNSKEY sets live between uses. A shared promise, not a value written later, so two
 * validations needing the same zone at once fetch it once. `get` returns undefined when absent or expired.
 */
export interface KeyStore {
  get(zone: Name): Promise<ZoneKeys> | undefined;
  set(zone: Name, keys: Promise<ZoneKeys>): void;
}

/** A KeyStore that lives as long as one request (the cross-request cache is resolver/cache-stores.ts). */
export class RequestKeyStore implements KeyStore {
  private readonly keys = new Map<string, Promise<ZoneKeys>>();
  get(zone: Name): Promise<ZoneKeys> | undefined {
    return this.keys.get(zone.key);
  }
  set(zone: Name, keys: Promise<ZoneKeys>): void {
    this.keys.set(zone.key, keys);
  }
}

/** The trust a zone inherits: the DS RRset its parent vouched for, and/or anchors configured for it. */
export interface ZoneTrust {
  ds?: RR[];
  anchors?: RR[];
}

export interface ChainOptions {
  /** Every configured trust anchor (DS and/or DNSKEY records, any owner). */
  anchors: readonly RR[];
  lookup: ChainLookup;
  keys: KeyStore;
  policy: ValidationPolicy;
  budget: WorkBudget;
  /** Current time in Unix seconds. */
  now: () => number;
  /** Called once per DNSKEY set validated (for logs). */
  onKeys?: (keys: ZoneKeys) => void;
}

export class ChainOfTrust {
  constructor(private readonly o: ChainOptions) {}

  /** The anchors configured for exactly `zone`. */
  anchorsFor(zone: Name): RR[] {
    return this.o.anchors.filter((rr) => (rr.type === T.DS || rr.type === T.DNSKEY) && rr.name.equals(zone));
  }

  /** The closest ancestor-or-self of `name` with a configured anchor, or undefined (RFC 4035 §4.3: insecure). */
  closestAnchor(name: Name): Name | undefined {
    for (let z: Name | undefined = name; z; z = z.isRoot ? undefined : z.parent()) {
      if (this.anchorsFor(z).length > 0) return z;
    }
    return undefined;
  }

  /** The zone's DNSKEY RRset authenticated from `trust` (RFC 4035 §5.2), fetched at most once per store. */
  zoneKeys(zone: Name, trust: ZoneTrust): Promise<ZoneKeys> {
    const known = this.o.keys.get(zone);
    if (known) return known;
    const pending = this.fetchKeys(zone, trust);
    this.o.keys.set(zone, pending);
    return pending;
  }

  /** A cut's DS proof from a referral or a DS answer, checked with the parent's keys (RFC 4035 §5.2). */
  delegation(parent: ZoneKeys, child: Name, records: { answer: RR[]; authority: RR[] }): Delegation {
    return validateDelegation({ child, parent, answer: records.answer, authority: records.authority, now: this.o.now(), policy: this.o.policy, budget: this.o.budget });
  }

  /**
   * Walks from the closest anchor down to `zone` (a zone apex, e.g. the Signer's Name of an answer's RRSIG),
   * asking DS for each name in between. A name with a signed DS is a cut: its keys are authenticated next.
   * A proven absence of DS at a delegation ends the chain insecure; a name proven to hold no DS and no NS
   * (signed NODATA) is no cut and the walk goes on with the same keys — but `zone` itself must be a secure cut,
   * since an RRSIG names it as signer.
   */
  async walk(zone: Name): Promise<ZoneKeys> {
    const top = this.closestAnchor(zone);
    // RFC 4035 §4.3: no trust anchor above the name, nothing can be proven: insecure.
    if (!top) return notSecure(zone, insecure(`no trust anchor covers ${zone.toString()}`, undefined, 'CH01'));
    let keys = await this.zoneKeys(top, { anchors: this.anchorsFor(top) });
    for (let count = top.labelCount + 1; count <= zone.labelCount; count++) {
      if (keys.verdict.status !== 'secure') return notSecure(zone, keys.verdict);
      const child = zone.suffix(count);
      const reply = await this.o.lookup(child, T.DS);
      const d = this.delegation(keys, child, reply);
      if (d.kind === 'secure') { keys = await this.zoneKeys(child, { ds: d.ds }); continue; }
      if (d.kind === 'insecure') return notSecure(zone, d.verdict);
      if (!child.equals(zone) && this.provesNoCut(keys, child, reply)) continue;
      return notSecure(zone, d.verdict);
    }
    return keys.verdict.status === 'secure' ? keys : notSecure(zone, keys.verdict);
  }

  /**
   * True when the parent's signed NODATA proves `child` has no DS and, since validateDelegation found no proof
   * of an unsigned delegation, no NS either: a name inside the parent zone (an empty non-terminal included,
   * RFC 4035 §3.1.3.2 / RFC 5155 §7.2.3), not a cut. A real cut shows NS (or DS) in its NSEC type map.
   */
  private provesNoCut(parent: ZoneKeys, child: Name, reply: LookupAnswer): boolean {
    const ctx = { zone: parent.zone, keys: parent.keys, now: this.o.now(), policy: this.o.policy, budget: this.o.budget };
    const denial = collectDenial(ctx, groupRrsets([...reply.answer, ...reply.authority]));
    return proveDenial(denial, { kind: 'nodata', qname: child, qtype: T.DS }).verdict.status === 'secure';
  }

  /** The DNSKEY set from the zone's servers; after a bogus one, from another server (see bogus-retry.ts). */
  private async fetchKeys(zone: Name, trust: ZoneTrust): Promise<ZoneKeys> {
    const retry = new BogusRetry<ZoneKeys>();
    for (;;) {
      let reply: LookupAnswer;
      try {
        reply = await this.o.lookup(zone, T.DNSKEY, retry.avoid);
      } catch (e) {
        // No other server left (or the request's limits hit) after bogus keys: the bogus verdict stands.
        if (retry.last) return retry.last;
        throw e;
      }
      const keys = this.keysFrom(zone, trust, reply);
      if (keys.verdict.status !== 'bogus' || reply.source === undefined || !retry.again(reply.source, keys)) {
        this.o.onKeys?.(keys);
        return keys;
      }
    }
  }

  private keysFrom(zone: Name, trust: ZoneTrust, reply: LookupAnswer): ZoneKeys {
    const own = reply.answer.filter((rr) => rr.name.equals(zone));
    const keys = validateZoneKeys({
      zone,
      dnskeys: own.filter((rr) => rr.type === T.DNSKEY),
      rrsigs: own.filter((rr) => rr.type === T.RRSIG && rrsigCovered(rr) === T.DNSKEY),
      now: this.o.now(),
      policy: this.o.policy,
      budget: this.o.budget,
      ...(trust.ds ? { ds: trust.ds } : {}),
      ...(trust.anchors && trust.anchors.length > 0 ? { anchors: trust.anchors } : {}),
    });
    return keys;
  }
}

/** A chain that ended before `zone` was reached secure; bogus and indeterminate stay what they are. */
function notSecure(zone: Name, verdict: Verdict): ZoneKeys {
  const v = verdict.status === 'secure' ? indeterminate(`chain to ${zone.toString()} ended early`, EDE.DNSSEC_INDETERMINATE, 'CH02') : verdict;
  return { zone, verdict: v, keys: [], ttl: 0 };
}

/** A zone whose chain broke: every answer below it is bogus, whatever status the break had. */
export function asBogus(v: Verdict): Verdict {
  return v.status === 'bogus' ? v : bogus(v.reason, v.ede ?? EDE.DNSSEC_BOGUS, v.id);
}
