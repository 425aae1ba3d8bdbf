/**
 * Zones signed by two independent real signers (BIND dnssec-signzone and ldns-signzone, test/fixtures/sign.sh) for
 * algorithms 5, 7, 8, 10, 13, 14, 15, 16 must verify RRset by RRset through verifyRrset, and each mutation of one
 * thing must give the verdict RFC 4035 §5.3 implies. DS records from the signers' own DS tools must match their
 * DNSKEYs for digest types 1, 2 and 4 (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §2).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { T, type RR } from '../../resolver/wire/types.js';
import { parseZone } from '../../resolver/wire/zonefile.js';
import { decodeRrsig } from '../../resolver/wire/dnssec-rdata.js';
import { groupRrsets, type RrsetGroup } from '../../resolver/dnssec/rrsets.js';
import { verifyRrset } from '../../resolver/dnssec/verify.js';
import { dsMatchesDnskey } from '../../resolver/dnssec/ds.js';
import { keyTag } from '../../resolver/dnssec/keytag.js';
import { EDE } from '../../resolver/dnssec/verdict.js';

const DIR = new URL('../fixtures/signed/', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, DIR), 'utf8');

interface Fixture {
  signer: string;
  algorithm: number;
  zone: Name;
  file: string;
  dsFile: string;
  dnskeyFile: string;
  denial: string;
}

function loadManifest(): Fixture[] {
  const [header, ...rows] = read('manifest.tsv').trim().split('\n');
  const cols = header!.split('\t');
  return rows.map((row) => {
    const f = Object.fromEntries(row.split('\t').map((v, i) => [cols[i]!, v]));
    return {
      signer: f.signer!, algorithm: Number(f.algorithm), zone: Name.parse(f.zone!), file: f.file!,
      dsFile: f.ds!, dnskeyFile: f.dnskey!, denial: f.denial!,
    };
  });
}

const FIXTURES = loadManifest();
const ALGORITHMS = [5, 7, 8, 10, 13, 14, 15, 16];
/** 2027-01-15, inside the fixed window 2024-01-01 .. 2036-01-01. */
const NOW = 1_800_000_000;
const INCEPTION = 1704067200; // 2024-01-01T00:00:00Z
const EXPIRATION = 2082758400; // 2036-01-01T00:00:00Z

/** Owner and type of the RRsets that must stay unsigned: delegation NS sets and glue (RFC 4035 §2.2). */
// Compared lowercased: BIND's default text style prints a node's owner once, in the spelling seen first, so
// `ns.Sub AAAA` comes back as `ns.sub AAAA` (same name, RFC 4343); the full style and ldns keep each spelling.
const UNSIGNED = ['sub.example./NS', 'nods.example./NS', 'ns.sub.example./A', 'ns.sub.example./AAAA', 'ns.nods.example./A'];
const label = (g: { name: Name; type: number }): string => `${g.name.toString()}/${typeLabel(g.type)}`;
const lowerLabel = (g: { name: Name; type: number }): string => label({ name: g.name.toLowerCase(), type: g.type });
const typeLabel = (t: number): string => Object.entries(T).find(([, v]) => v === t)?.[0] ?? `TYPE${t}`;

// ---- mutation helpers: each changes exactly one thing -------------------------------------------------------------

const flipBit = (bytes: Uint8Array, index: number, mask = 0x01): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[index]! ^= mask;
  return out;
};

/** Swaps ASCII letter case in every label: same name under DNS comparison, different bytes. */
const swapCase = (name: Name): Name =>
  new Name(name.labels.map((l) => Uint8Array.from(l, (b) => ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ? b ^ 0x20 : b))));

function withSigner(sig: RR, signer: Name): RR {
  const parsed = decodeRrsig(sig.rdata);
  const rdata = new Uint8Array(18 + signer.wire.length + parsed.signature.length);
  rdata.set(sig.rdata.subarray(0, 18), 0);
  rdata.set(signer.wire, 18);
  rdata.set(parsed.signature, 18 + signer.wire.length);
  return { ...sig, rdata };
}

function withKeyTag(sig: RR, tag: number): RR {
  const rdata = Uint8Array.from(sig.rdata);
  rdata[16] = tag >> 8;
  rdata[17] = tag & 0xff;
  return { ...sig, rdata };
}

interface Loaded {
  fixture: Fixture;
  records: RR[];
  groups: RrsetGroup[];
  dnskeys: RR[];
}

function load(fixture: Fixture): Loaded {
  const records = parseZone(read(fixture.file), { file: fixture.file, origin: fixture.zone });
  const groups = groupRrsets(records);
  const dnskeys = records.filter((r) => r.type === T.DNSKEY && r.name.equals(fixture.zone));
  return { fixture, records, groups, dnskeys };
}

describe('signed fixture set', () => {
  it('has both signers for all eight algorithms, NSEC and NSEC3 from each', () => {
    for (const signer of ['bind', 'ldns']) {
      expect(FIXTURES.filter((f) => f.signer === signer).map((f) => f.algorithm).sort((a, b) => a - b)).toEqual(ALGORITHMS);
      expect(new Set(FIXTURES.filter((f) => f.signer === signer).map((f) => f.denial))).toEqual(new Set(['nsec', 'nsec3']));
    }
  });
});

describe.each(FIXTURES.map((f) => [`${f.signer} algorithm ${f.algorithm} (${f.denial})`, f] as const))('%s', (_title, fixture) => {
  const z = load(fixture);
  const signed = z.groups.filter((g) => g.sigs.length > 0);

  it('has a KSK and a ZSK of the algorithm at the apex, the same as the key files', () => {
    expect(z.dnskeys.map((k) => (k.rdata[0]! << 8) | k.rdata[1]!).sort()).toEqual([256, 257]);
    expect(z.dnskeys.every((k) => k.rdata[3] === fixture.algorithm)).toBe(true);
    const files = parseZone(read(fixture.dnskeyFile), { defaultTtl: 3600, origin: fixture.zone });
    expect(files.map((k) => keyTag(k.rdata)).sort()).toEqual(z.dnskeys.map((k) => keyTag(k.rdata)).sort());
  });

  it('leaves exactly the delegation NS sets and glue unsigned', () => {
    expect(z.groups.filter((g) => g.sigs.length === 0).map(lowerLabel).sort()).toEqual([...UNSIGNED].sort());
  });

  it('signs every other RRset with the fixed window 2024-01-01 .. 2036-01-01', () => {
    expect(signed.length).toBeGreaterThan(25);
    for (const g of signed) {
      for (const s of g.sigs) {
        const sig = decodeRrsig(s.rdata);
        expect([sig.inception, sig.expiration, sig.algorithm]).toEqual([INCEPTION, EXPIRATION, fixture.algorithm]);
      }
    }
  });

  it('verifies every signed RRset as secure, through each of its RRSIGs', () => {
    let verified = 0;
    for (const g of signed) {
      for (const sig of g.sigs) {
        const r = verifyRrset({ rrset: g.rrs, rrsigs: [sig], dnskeys: z.dnskeys, now: NOW });
        expect({ rrset: label(g), status: r.status, reason: r.reason }).toEqual({ rrset: label(g), status: 'secure', reason: r.reason });
        expect(r.signer?.equals(fixture.zone)).toBe(true);
        expect(r.wildcard).toBeUndefined();
        verified++;
      }
    }
    expect(verified).toBeGreaterThanOrEqual(signed.length);
  });

  it('bogus (EDE 6) when one RDATA bit is flipped', () => {
    for (const g of signed) {
      const [first, ...rest] = g.rrs;
      const mutated = { ...first!, rdata: flipBit(first!.rdata, first!.rdata.length - 2) };
      const r = verifyRrset({ rrset: [mutated, ...rest], rrsigs: g.sigs, dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: r.status, ede: r.ede }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.DNSSEC_BOGUS });
    }
  });

  it('bogus (EDE 6) when one signature bit is flipped', () => {
    for (const g of signed) {
      const sigs = g.sigs.map((s) => ({ ...s, rdata: flipBit(s.rdata, s.rdata.length - 5, 0x10) }));
      const r = verifyRrset({ rrset: g.rrs, rrsigs: sigs, dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: r.status, ede: r.ede, id: r.id }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V014' });
    }
  });

  it('bogus when the signer name changes: EDE 6 outside the owner\'s ancestry, EDE 6 (no such key, RFC 8914 §4.7) for the root', () => {
    for (const g of signed) {
      const foreign = verifyRrset({ rrset: g.rrs, rrsigs: g.sigs.map((s) => withSigner(s, Name.parse('example.net.'))), dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: foreign.status, ede: foreign.ede, id: foreign.id }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V005' });
      const root = verifyRrset({ rrset: g.rrs, rrsigs: g.sigs.map((s) => withSigner(s, Name.ROOT)), dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: root.status, ede: root.ede, id: root.id }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V011' });
    }
  });

  it('still secure with the signer name in other letter case (signed in canonical form, RFC 4034 §3.1.8.1)', () => {
    for (const g of signed) {
      const r = verifyRrset({ rrset: g.rrs, rrsigs: g.sigs.map((s) => withSigner(s, swapCase(fixture.zone))), dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: r.status }).toEqual({ rrset: label(g), status: 'secure' });
    }
  });

  it('bogus (EDE 6: RFC 8914 keeps EDE 9 for DS without DNSKEY) when the key tag changes', () => {
    const tags = new Set(z.dnskeys.map((k) => keyTag(k.rdata)));
    for (const g of signed) {
      const sigs = g.sigs.map((s) => {
        let tag = (decodeRrsig(s.rdata).keyTag + 1) & 0xffff;
        while (tags.has(tag)) tag = (tag + 1) & 0xffff;
        return withKeyTag(s, tag);
      });
      const r = verifyRrset({ rrset: g.rrs, rrsigs: sigs, dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: r.status, ede: r.ede, id: r.id }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V011' });
    }
  });

  it('bogus with EDE 7 after expiration and EDE 8 before inception (RFC 4035 §5.3.1)', () => {
    for (const g of signed) {
      const late = verifyRrset({ rrset: g.rrs, rrsigs: g.sigs, dnskeys: z.dnskeys, now: EXPIRATION + 1 });
      expect({ rrset: label(g), status: late.status, ede: late.ede }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.SIGNATURE_EXPIRED });
      const early = verifyRrset({ rrset: g.rrs, rrsigs: g.sigs, dnskeys: z.dnskeys, now: INCEPTION - 1 });
      expect({ rrset: label(g), status: early.status, ede: early.ede }).toEqual({ rrset: label(g), status: 'bogus', ede: EDE.SIGNATURE_NOT_YET_VALID });
    }
  });

  it('still secure with the owner name in other letter case (RFC 4034 §6.2) and a lower TTL (RFC 4035 §5.3.3)', () => {
    for (const g of signed) {
      const owner = swapCase(g.name);
      const recased = verifyRrset({
        rrset: g.rrs.map((rr) => ({ ...rr, name: owner })), rrsigs: g.sigs.map((s) => ({ ...s, name: owner })), dnskeys: z.dnskeys, now: NOW,
      });
      expect({ rrset: label(g), status: recased.status }).toEqual({ rrset: label(g), status: 'secure' });
      // Halved TTL (BIND publishes NSEC3PARAM with TTL 0, which stays 0).
      const lowered = Math.floor(g.rrs[0]!.ttl / 2);
      const lower = verifyRrset({ rrset: g.rrs.map((rr) => ({ ...rr, ttl: lowered })), rrsigs: g.sigs, dnskeys: z.dnskeys, now: NOW });
      expect({ rrset: label(g), status: lower.status }).toEqual({ rrset: label(g), status: 'secure' });
      expect(lower.ttl).toBeLessThanOrEqual(lowered);
    }
  });

  it('verifies a wildcard expansion of *.Wild and reports the wildcard (RFC 4035 §5.3.4)', () => {
    const wild = signed.find((g) => g.type === T.A && g.name.isWildcard)!;
    const expanded = Name.parse('Some.Host.wild.example.');
    const r = verifyRrset({
      rrset: wild.rrs.map((rr) => ({ ...rr, name: expanded })), rrsigs: wild.sigs.map((s) => ({ ...s, name: expanded })), dnskeys: z.dnskeys, now: NOW,
    });
    expect(r.status).toBe('secure');
    expect(r.wildcard?.equals(Name.parse('*.wild.example.'))).toBe(true);
  });

  it('has DS digests 1, 2 and 4 from the signer\'s DS tool that match the KSK, and not after a bit flip', () => {
    const dss = parseZone(read(fixture.dsFile), { defaultTtl: 3600, origin: fixture.zone });
    expect(dss.map((d) => d.rdata[3]).sort()).toEqual([1, 2, 4]);
    const ksk = z.dnskeys.find((k) => k.rdata[1] === 1)!;
    for (const ds of dss) {
      expect(dsMatchesDnskey(ds, ksk)).toBe('match');
      expect(dsMatchesDnskey({ ...ds, rdata: flipBit(ds.rdata, ds.rdata.length - 1) }, ksk)).toBe('mismatch');
      const zsk = z.dnskeys.find((k) => k.rdata[1] === 0)!;
      expect(dsMatchesDnskey(ds, zsk)).toBe('mismatch');
    }
  });
});
