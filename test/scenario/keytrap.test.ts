/**
 * KeyTrap (CVE-2023-50387) and NSEC3 closest-encloser exhaustion (CVE-2023-50868) on the scripted network.
 *
 * Each trap zone is signed correctly by test/support/signer.ts and then loaded with what an attacker controls:
 * DNSKEYs forced to share one key tag and algorithm (public key bytes adjusted until the RFC 4034 Appendix B
 * checksum hits the tag), many RRSIGs naming that tag, DS records for every colliding key, and NSEC3 records
 * with many parameter sets. Without MAX_CHECKS_PER_RRSET (verify.ts) and the WorkBudget (budget.ts) each of these asks for
 * thousands of signature checks or hashes. The tests count the verifications and hashes that really ran
 * (a spy around the one crypto module), assert the verdict names the limit, print the CPU time of each trap
 * request (measured, not asserted), and check that the same resolver still answers a secure name afterwards.
 */
import { describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import * as algorithms from '../../resolver/dnssec/algorithms.js';
import { DEFAULT_WORK_LIMITS, MAX_NSEC3_HASH_ROUNDS } from '../../resolver/dnssec/budget.js';
import { encodeMessage } from '../../resolver/wire/message.js';
import { MAX_CHECKS_PER_RRSET } from '../../resolver/dnssec/verify.js';
import { BOGUS_RETRIES } from '../../resolver/dnssec/bogus-retry.js';
import type { Name } from '../../resolver/wire/name.js';
import { RCODE, T, type Message, type RR } from '../../resolver/wire/types.js';
import type { Resolver, ResolveResult } from '../../resolver/api.js';
import {
  ALG, base32hex, generateKey, keyTagOf, makeDs, n, rr, signRrset, type TestKey,
} from '../support/signer.js';
import { buildHierarchy, NOW_S, resolverFor, type Hierarchy, type ZoneDef } from './hierarchy.js';

// Count the work that really runs: every signature verification and every iterated NSEC3 hash of the resolver
// goes through resolver/dnssec/algorithms.ts (the only file importing node:crypto). The signer does not.
vi.mock('../../resolver/dnssec/algorithms.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../resolver/dnssec/algorithms.js')>();
  return { ...real, verifyWithDnskey: vi.fn(real.verifyWithDnskey), sha1Iterated: vi.fn(real.sha1Iterated), dsDigestOf: vi.fn(real.dsDigestOf) };
});
const verifySpy = vi.mocked(algorithms.verifyWithDnskey);
const hashSpy = vi.mocked(algorithms.sha1Iterated);
const digestSpy = vi.mocked(algorithms.dsDigestOf);

const LIMITS = DEFAULT_WORK_LIMITS;
const WINDOW = { inception: NOW_S - 10 * 86400, expiration: NOW_S + 30 * 86400 };
const ADDR = {
  root: '192.0.2.1', com: '192.0.2.10', good: '192.0.2.20', sigtrap: '192.0.2.21', keytrap: '192.0.2.22',
  dstrap: '192.0.2.23', nsec3trap: '192.0.2.24', hashtrap: '192.0.2.25',
} as const;
/** The key of each zone, as buildHierarchy derives it (seeded Ed25519), so trap zones can re-sign RRsets. */
const zoneKey = (apex: string): TestKey => generateKey(n(apex), { algorithm: ALG.ED25519, seed: `scenario ${n(apex)}` });

// ---------------------------------------------------------------------------------------------------------------
// Forging key-tag collisions (RFC 4034 Appendix B: the tag is a 16-bit ones'-complement-style sum of the RDATA)
// ---------------------------------------------------------------------------------------------------------------

/** Sets the 16-bit word at even offset `at` so that the whole RDATA's key tag becomes `tag`. */
function forceTag(rdata: Uint8Array, at: number, tag: number): void {
  for (let w = 0; w < 0x10000; w++) {
    rdata[at] = w >> 8;
    rdata[at + 1] = w & 0xff;
    if (keyTagOf(rdata) === tag) return;
  }
  throw new Error(`no value of the word at ${at} gives key tag ${tag}`);
}

/**
 * `count` distinct DNSKEYs of `base`'s algorithm, all with key tag `tag`: word `vary` holds the key's index and
 * word `fix` is adjusted to hit the tag. For RSA the result is still a usable public key (an odd modulus of the
 * same length), so each verification against it is a real modular exponentiation.
 */
function collidingKeys(base: RR, count: number, tag: number, vary: number, fix: number): RR[] {
  const out: RR[] = [];
  for (let i = 0; i < count; i++) {
    const data = Uint8Array.from(base.rdata);
    data[vary] = (i + 1) >> 8;
    data[vary + 1] = (i + 1) & 0xff;
    forceTag(data, fix, tag);
    out.push({ ...base, rdata: data });
  }
  return out;
}

/** A signer that claims to be a key of `algorithm` and `tag` but produces garbage of the right length. */
function forger(zone: string, algorithm: number, tag: number, sigLength: number): TestKey {
  const junk = (): Uint8Array => { const s = randomBytes(sigLength); s[0] = 0x01; return s; }; // below any modulus
  return { zone: n(zone), flags: 257, algorithm, keyTag: tag, dnskey: rr(zone, T.DNSKEY, new Uint8Array(4)), signData: junk };
}

/** `count` RRSIGs over `rrset` by the forger: all name the colliding tag, none verifies. */
function forgedSigs(rrset: RR[], key: TestKey, count: number): RR[] {
  return Array.from({ length: count }, (_, i) => signRrset(rrset, key, { ...WINDOW, originalTtl: rrset[0]!.ttl + i }));
}

const isSigOver = (r: RR, owner: Name, type: number): boolean =>
  r.type === T.RRSIG && r.name.equals(owner) && ((r.rdata[0]! << 8) | r.rdata[1]!) === type;

/** Replaces the DNSKEY RRset of a signed zone and its RRSIGs: the zone key still signs the new set. */
function withDnskeys(rrs: RR[], apex: string, extraKeys: RR[], extraSigs: (keys: RR[]) => RR[]): RR[] {
  const owner = n(apex);
  const kept = rrs.filter((r) => !(r.type === T.DNSKEY && r.name.equals(owner)) && !isSigOver(r, owner, T.DNSKEY));
  const keys = [...rrs.filter((r) => r.type === T.DNSKEY && r.name.equals(owner)), ...extraKeys];
  return [...kept, ...keys, ...extraSigs(keys), signRrset(keys, zoneKey(apex), WINDOW)];
}

// ---------------------------------------------------------------------------------------------------------------
// The trap zones
// ---------------------------------------------------------------------------------------------------------------

/** RSA-2048 keys (RSASHA256) sharing one tag: 100 of them make a 28 KB DNSKEY RRset, well under 64 KB. */
const rsaBase = generateKey(n('sigtrap.com.'), { algorithm: ALG.RSASHA256, rsaBits: 2048 }).dnskey;
const RSA_TAG = keyTagOf(rsaBase.rdata);
const rsaColliding = (apex: string, count: number): RR[] => collidingKeys({ ...rsaBase, name: n(apex) }, count, RSA_TAG, 100, 150);
const SIGTRAP_KEYS = rsaColliding('sigtrap.com.', 100);
const DSTRAP_KEYS = rsaColliding('dstrap.com.', 100);
/** Ed25519 keys colliding with keytrap.com.'s real KSK (the one its DS names). */
const KEYTRAP_TAG = zoneKey('keytrap.com.').keyTag;
const KEYTRAP_KEYS = collidingKeys(zoneKey('keytrap.com.').dnskey, 100, KEYTRAP_TAG, 4, 20);
/** HashTrap: 600 Ed25519-sized keys and 600 DS records, all with the tag of hashtrap.com.'s real key. */
const HASHTRAP_TAG = zoneKey('hashtrap.com.').keyTag;
const HASHTRAP_KEYS = collidingKeys(zoneKey('hashtrap.com.').dnskey, 600, HASHTRAP_TAG, 4, 20);

const SOA = (apex: string): string => `@ 3600 SOA ns1.${apex} hostmaster.${apex} 1 7200 3600 1209600 300`;
const leaf = (apex: string, address: string, extra: Partial<ZoneDef> = {}): ZoneDef => ({
  apex, servers: [address], text: `${SOA(apex)}\n@ NS ns1.${apex}\nns1 A ${address}\nwww A 192.0.2.200\n`, ...extra,
});

/** com.: one DS per colliding key of dstrap.com. and hashtrap.com. (the parent is the attacker's too), re-signed. */
function comWithTrapDs(rrs: RR[]): RR[] {
  let out = rrs;
  for (const [zone, keys] of [['dstrap.com.', DSTRAP_KEYS], ['hashtrap.com.', HASHTRAP_KEYS]] as const) {
    const owner = n(zone);
    const real = out.filter((r) => r.type === T.DS && r.name.equals(owner));
    const ds = [...keys.map((k) => makeDs(k)), ...(zone === 'hashtrap.com.' ? real : [])];
    out = [...out.filter((r) => !(r.type === T.DS && r.name.equals(owner)) && !isSigOver(r, owner, T.DS)), ...ds, signRrset(ds, zoneKey('com.'), WINDOW)];
  }
  return out;
}

function trapZones(): ZoneDef[] {
  const delegations = Object.entries(ADDR).filter(([k]) => k !== 'root' && k !== 'com')
    .map(([k, a]) => `${k} NS ns1.${k}.com.\nns1.${k} A ${a}`).join('\n');
  return [
    { apex: '.', servers: [ADDR.root], text: `${SOA('root-servers.')}\n@ NS a.root-servers.\na.root-servers. A ${ADDR.root}\ncom. NS ns1.nic.com.\nns1.nic.com. A ${ADDR.com}\n` },
    { apex: 'com.', servers: [ADDR.com], text: `${SOA('nic.com.')}\n@ NS ns1.nic.com.\nns1.nic A ${ADDR.com}\n${delegations}\n`, mutate: comWithTrapDs },
    leaf('good.com.', ADDR.good),
    // SigJam × LockCram in the answer: 100 colliding RSA keys, 150 forged RRSIGs over www A.
    leaf('sigtrap.com.', ADDR.sigtrap, {
      mutate: (rrs) => {
        const www = rrs.filter((r) => r.type === T.A && r.name.equals(n('www.sigtrap.com.')));
        const rest = withDnskeys(rrs, 'sigtrap.com.', SIGTRAP_KEYS, () => []).filter((r) => !isSigOver(r, n('www.sigtrap.com.'), T.A));
        return [...rest, ...forgedSigs(www, forger('sigtrap.com.', ALG.RSASHA256, RSA_TAG, 256), 150)];
      },
    }),
    // The DNSKEY RRset is the trap: 100 keys collide with the DS-named KSK; 400 forged RRSIGs over the set.
    leaf('keytrap.com.', ADDR.keytrap, {
      mutate: (rrs) => withDnskeys(rrs, 'keytrap.com.', KEYTRAP_KEYS, (keys) => forgedSigs(keys, forger('keytrap.com.', ALG.ED25519, KEYTRAP_TAG, 64), 400)),
    }),
    // HashTrap + KeySigTrap: 100 DS, each matching one of 100 colliding keys, and 100 forged RRSIGs over the set.
    leaf('dstrap.com.', ADDR.dstrap, {
      mutate: (rrs) => withDnskeys(rrs, 'dstrap.com.', DSTRAP_KEYS, (keys) => forgedSigs(keys, forger('dstrap.com.', ALG.RSASHA256, RSA_TAG, 256), 100)),
    }),
    // HashTrap: every DS names the same tag as every DNSKEY; only the zone's real key signs the DNSKEY RRset.
    leaf('hashtrap.com.', ADDR.hashtrap, { mutate: (rrs) => withDnskeys(rrs, 'hashtrap.com.', HASHTRAP_KEYS, () => []) }),
    leaf('nsec3trap.com.', ADDR.nsec3trap, { denial: 'nsec3', nsec3: { iterations: 150, salt: 'aa' } }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// CVE-2023-50868: NSEC3 records in many parameter sets, each forcing a full closest-encloser search
// ---------------------------------------------------------------------------------------------------------------

const NSEC3_SETS = 24;
/** 60 one-letter labels below the zone: each parameter set hashes all 61 candidates before giving up. */
const DEEP_NAME = n(`${Array.from({ length: 60 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('.')}.nsec3trap.com.`);

/** One NSEC3 per salt, iterations 150 (the policy cap, RFC 9276 §3.2), signed by the zone: all verify. */
function nsec3Flood(): RR[] {
  const key = zoneKey('nsec3trap.com.');
  const out: RR[] = [];
  for (let i = 0; i < NSEC3_SETS; i++) {
    const own = randomBytes(20);
    const next = randomBytes(20);
    const rdata = Uint8Array.from([1, 0, 0, 150, 2, 0xbe, i, 20, ...next, 0, 1, 0x40]); // bitmap: A
    const rec = rr(n(`${base32hex(own)}.nsec3trap.com.`), T.NSEC3, rdata, 300);
    out.push(rec, signRrset([rec], key, WINDOW));
  }
  return out;
}

/** The attacker's server answers NXDOMAIN for the deep name with only the flood as its "proof". */
function floodNxdomain(reply: Message, query: Message): Message {
  if (!query.question[0]!.name.equals(DEEP_NAME) || reply.rcode !== RCODE.NXDOMAIN) return reply;
  const soa = reply.authority.filter((r) => r.type === T.SOA || isSigOver(r, n('nsec3trap.com.'), T.SOA));
  return { ...reply, authority: [...soa, ...nsec3Flood()] };
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring one request
// ---------------------------------------------------------------------------------------------------------------

interface Measured { result: ResolveResult; verifications: number; hashes: number; digests: number; cpuMs: number }

async function measure(resolver: Resolver, name: Name | string, type: number): Promise<Measured> {
  verifySpy.mockClear();
  hashSpy.mockClear();
  digestSpy.mockClear();
  const cpu = process.cpuUsage();
  const result = await resolver.resolve(typeof name === 'string' ? n(name) : name, type);
  const used = process.cpuUsage(cpu);
  return { result, verifications: verifySpy.mock.calls.length, hashes: hashSpy.mock.calls.length, digests: digestSpy.mock.calls.length, cpuMs: (used.user + used.system) / 1000 };
}

function report(label: string, m: Measured): void {
  console.log(`${label}: ${m.result.verdict.status} [${m.result.verdict.id}] ${m.verifications} signature checks `
    + `(limit ${LIMITS.maxSignatureChecks}), ${m.hashes} NSEC3 hashes (limit ${LIMITS.maxNsec3Hashes}), ${m.digests} DS digests, CPU ${m.cpuMs.toFixed(1)} ms`);
}

/** Every reply the trap servers send fits a real DNS message over TCP (RFC 1035 §4.2.2: 16-bit length). */
function assertRealisticSizes(h: Hierarchy): void {
  for (const [, zone] of h.zones) {
    const sizeOf = (rrs: RR[]): number => encodeMessage({
      id: 0, flags: { qr: true, opcode: 0, aa: true, tc: false, rd: false, ra: false, ad: false, cd: false },
      rcode: 0, question: [{ name: zone.apex, type: T.DNSKEY, class: 1 }], answer: rrs, authority: [], additional: [],
    }).length;
    const keys = zone.rrs.filter((r) => r.type === T.DNSKEY || isSigOver(r, zone.apex, T.DNSKEY));
    expect(sizeOf(keys), `${zone.apex} DNSKEY reply`).toBeLessThan(65535);
  }
}

/**
 * Bogus at MAX_CHECKS_PER_RRSET (V018), long before the request budget: the first server's reply costs at most
 * that many checks, and each of the BOGUS_RETRIES other servers asked after it at most as many again.
 */
function expectPerRrsetLimit(m: Measured): void {
  expect(m.result.verdict.id, m.result.verdict.reason).toBe('V018');
  expect(m.result.verdict.reason).toMatch(/MAX_CHECKS_PER_RRSET/);
  expect(m.verifications).toBeGreaterThanOrEqual(MAX_CHECKS_PER_RRSET);
  expect(m.verifications).toBeLessThanOrEqual(MAX_CHECKS_PER_RRSET * (1 + BOGUS_RETRIES) + 4);
}

async function expectSecureAfterwards(resolver: Resolver): Promise<void> {
  const m = await measure(resolver, 'www.good.com.', T.A);
  expect([m.result.rcode, m.result.verdict.status], m.result.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
  expect(m.result.answer.some((r) => r.type === T.A)).toBe(true);
}

function setUp(): { h: Hierarchy; resolver: Resolver } {
  const h = buildHierarchy(trapZones());
  h.net.setTamper(ADDR.nsec3trap, floodNxdomain);
  return { h, resolver: resolverFor(h) };
}

// ---------------------------------------------------------------------------------------------------------------

describe('KeyTrap (CVE-2023-50387): colliding keys × many signatures stop at MAX_CHECKS_PER_RRSET', () => {
  const { h, resolver } = setUp();

  it('the forged zones are what they claim: one tag shared by every trap key, replies under 64 KB', () => {
    expect(new Set([...SIGTRAP_KEYS, ...DSTRAP_KEYS].map((k) => keyTagOf(k.rdata)))).toEqual(new Set([RSA_TAG]));
    expect(new Set(SIGTRAP_KEYS.map((k) => Buffer.from(k.rdata).toString('hex'))).size).toBe(100);
    expect(new Set(KEYTRAP_KEYS.map((k) => keyTagOf(k.rdata)))).toEqual(new Set([KEYTRAP_TAG]));
    assertRealisticSizes(h);
  });

  it('a normal secure request succeeds before any trap', async () => {
    await expectSecureAfterwards(resolver);
  });

  it('answer RRset with 150 RRSIGs over 100 colliding keys (15 000 checks unbounded): bogus at the limit', async () => {
    const m = await measure(resolver, 'www.sigtrap.com.', T.A);
    report('sigtrap www A', m);
    expect([m.result.rcode, m.result.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
    expect(m.result.answer).toEqual([]);
    expectPerRrsetLimit(m);
    await expectSecureAfterwards(resolver);
  });

  it('DNSKEY RRset with 100 keys colliding with the DS-named KSK and 400 forged RRSIGs: bogus at the limit', async () => {
    const m = await measure(resolver, 'www.keytrap.com.', T.A);
    report('keytrap DNSKEY (one DS)', m);
    expect([m.result.rcode, m.result.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
    expectPerRrsetLimit(m);
    await expectSecureAfterwards(resolver);
  });

  it('100 DS for 100 colliding keys and 100 forged RRSIGs over the DNSKEY RRset: bogus at the limit', async () => {
    const m = await measure(resolver, 'www.dstrap.com.', T.A);
    report('dstrap DNSKEY (100 DS)', m);
    expect([m.result.rcode, m.result.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
    expectPerRrsetLimit(m);
    await expectSecureAfterwards(resolver);
  });

  it('HashTrap: 601 DS × 601 DNSKEYs sharing one tag cost one digest per key, not one per pair', async () => {
    const m = await measure(resolver, 'www.hashtrap.com.', T.A);
    report('hashtrap DS×DNSKEY', m);
    // The zone is validly signed by its real key, which one of the DS records names: secure.
    expect([m.result.rcode, m.result.verdict.status], m.result.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    // Pairwise matching would compute 601 × 601 = 361 201 digests; per key once per digest type is enough.
    expect(m.digests).toBeLessThanOrEqual(HASHTRAP_KEYS.length + 1 + 20);
    await expectSecureAfterwards(resolver);
  });

  it('the request-wide budget still applies: a configured limit below the per-RRset one stops first', async () => {
    const lowered = resolverFor(h, { workLimits: { ...LIMITS, maxSignatureChecks: 5 } });
    const m = await measure(lowered, 'www.sigtrap.com.', T.A);
    expect(m.result.verdict.id).toBe('V015');
    expect(m.result.verdict.reason).toMatch(/maxSignatureChecks = 5/);
    expect(m.verifications).toBeLessThanOrEqual(5);
  });
});

describe('CVE-2023-50868: NSEC3 closest-encloser proofs stop at MAX_NSEC3_HASH_ROUNDS / maxNsec3Hashes', () => {
  const { resolver } = setUp();

  it(`NXDOMAIN with ${NSEC3_SETS} NSEC3 parameter sets at 150 iterations for a 63-label name: bogus at the limit`, async () => {
    const m = await measure(resolver, DEEP_NAME, T.A);
    report('nsec3trap NXDOMAIN', m);
    // Unbounded this would be NSEC3_SETS × 61 candidate names = 1464 hashes of 151 SHA-1 rounds each.
    expect(NSEC3_SETS * 61).toBeGreaterThan(LIMITS.maxNsec3Hashes);
    expect([m.result.rcode, m.result.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
    expect(m.result.verdict.id).toBe('N3BX');
    expect(m.result.verdict.reason).toContain(`MAX_NSEC3_HASH_ROUNDS = ${MAX_NSEC3_HASH_ROUNDS}`);
    // At 150 iterations the rounds cap binds first: 4096 / 151 = 27 hashes, not the 128 the count allows.
    expect(m.hashes).toBe(Math.floor(MAX_NSEC3_HASH_ROUNDS / 151));
    await expectSecureAfterwards(resolver);
  });

  it('an honest NXDOMAIN in the same zone (150 iterations) is secure with a handful of hashes', async () => {
    const m = await measure(resolver, 'nx.nsec3trap.com.', T.A);
    report('nsec3trap honest NXDOMAIN', m);
    expect([m.result.rcode, m.result.verdict.status], m.result.verdict.reason).toEqual([RCODE.NXDOMAIN, 'secure']);
    expect(m.hashes).toBeLessThan(10);
  });
});
