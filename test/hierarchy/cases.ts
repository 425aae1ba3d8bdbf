/**
 * The hierarchy's case table: one query each, with the outcome RFC 4035 / RFC 5155 imply and the
 * Extended DNS Error (RFC 8914 §4) that fits. Zones live in zones/manifest.tsv; build.sh breaks
 * exactly one thing in each bogus zone.
 *
 * `expect` is the RFC's answer and is what daneel must give. `unboundEde` records where Unbound
 * 1.17.1 (the reference) attaches a different EDE code, or none (`null`); rcode and AD never differ.
 * Unbound's EDE can also depend on its cache: a zone whose key already failed is answered with 6.
 */
export type ExpectedRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
export type ExpectedStatus = 'secure' | 'insecure' | 'bogus' | 'indeterminate';

export interface HierarchyCase {
  id: string;
  qname: string;
  qtype: string;
  expect: { rcode: ExpectedRcode; ad: boolean; status: ExpectedStatus; ede?: number };
  /**
   * EDE codes Unbound 1.17.1 is known to attach instead of expect.ede (null: none at all). The
   * reference test accepts expect.ede or one of these; rcode and AD are always exact.
   */
  unboundEde?: Array<number | null>;
  note: string;
}

const SECURE_ANSWER = { rcode: 'NOERROR', ad: true, status: 'secure' } as const;
const INSECURE_ANSWER = { rcode: 'NOERROR', ad: false, status: 'insecure' } as const;

const ALGORITHMS: Array<[number, string, string]> = [
  [5, 'RSASHA1', 'BIND signer, served by BIND'],
  [7, 'RSASHA1-NSEC3-SHA1', 'BIND signer, NSEC3, served by NSD'],
  [8, 'RSASHA256', 'ldns signer, served by BIND'],
  [10, 'RSASHA512', 'BIND signer, served by NSD'],
  [13, 'ECDSAP256SHA256', 'ldns signer, served by NSD'],
  [14, 'ECDSAP384SHA384', 'BIND signer, served by BIND'],
  [15, 'ED25519', 'ldns signer, served by BIND'],
  [16, 'ED448', 'BIND signer, served by NSD'],
];

const algorithmCases: HierarchyCase[] = ALGORITHMS.flatMap(([alg, name, how]) => [
  { id: `alg${alg}-a`, qname: `www.alg${alg}.example.`, qtype: 'A', expect: SECURE_ANSWER,
    note: `DNSKEY algorithm ${alg} (${name}), ${how}; RFC 8624 §3.1 says validate` },
  { id: `alg${alg}-tlsa`, qname: `_443._tcp.www.alg${alg}.example.`, qtype: 'TLSA', expect: SECURE_ANSWER,
    note: `TLSA in the algorithm ${alg} zone` },
]);

const digestCases: HierarchyCase[] = [
  { id: 'ds-digest-1', qname: 'www.ds1.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'parent publishes only a SHA-1 DS (digest 1); RFC 4034 §5.1.4' },
  { id: 'ds-digest-2', qname: 'www.ds2.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'parent publishes only a SHA-256 DS (digest 2); RFC 4509' },
  { id: 'ds-digest-4', qname: 'www.ds4.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'parent publishes only a SHA-384 DS (digest 4); RFC 6605' },
];

const denialCases: HierarchyCase[] = [
  { id: 'nsec-nxdomain', qname: 'nx.nsec.example.', qtype: 'A',
    expect: { rcode: 'NXDOMAIN', ad: true, status: 'secure' }, note: 'NSEC name error proof, RFC 4035 §5.4' },
  { id: 'nsec-nodata', qname: 'www.nsec.example.', qtype: 'TXT', expect: SECURE_ANSWER,
    note: 'NSEC NODATA: type bitmap lacks TXT, RFC 4035 §5.4' },
  { id: 'nsec-wildcard', qname: 'host.wild.nsec.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'wildcard expansion (RRSIG labels < owner labels) plus NSEC proving no closer match, RFC 4035 §5.3.4' },
  { id: 'nsec-wildcard-nodata', qname: 'host.wild.nsec.example.', qtype: 'TXT', expect: SECURE_ANSWER,
    note: 'wildcard NODATA under NSEC, RFC 4035 §3.1.3.4' },
  { id: 'nsec3-nxdomain', qname: 'nx.nsec3.example.', qtype: 'A',
    expect: { rcode: 'NXDOMAIN', ad: true, status: 'secure' },
    note: 'NSEC3 closest encloser proof (salt ab12cd34, 5 iterations), RFC 5155 §8.4' },
  { id: 'nsec3-nodata', qname: 'www.nsec3.example.', qtype: 'TXT', expect: SECURE_ANSWER,
    note: 'NSEC3 NODATA, RFC 5155 §8.5' },
  { id: 'nsec3-wildcard', qname: 'host.wild.nsec3.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'wildcard answer under NSEC3: next closer name covered, RFC 5155 §8.8' },
  { id: 'nsec3-wildcard-nodata', qname: 'host.wild.nsec3.example.', qtype: 'TXT', expect: SECURE_ANSWER,
    note: 'wildcard NODATA under NSEC3, RFC 5155 §8.7' },
  { id: 'optout-unsigned-delegation', qname: 'www.unsigned.optout.fr.', qtype: 'A', expect: INSECURE_ANSWER,
    note: 'unsigned delegation covered by an Opt-Out NSEC3 span, RFC 5155 §8.9 / §9.2' },
  { id: 'optout-secure-nxdomain', qname: 'nx1.optout.fr.', qtype: 'A',
    expect: { rcode: 'NXDOMAIN', ad: true, status: 'secure' },
    note: 'opt-out zone, but the NSEC3 covering the next closer name has Opt-Out clear: secure, RFC 5155 §8.4' },
  { id: 'optout-covered-nxdomain', qname: 'nx2.optout.fr.', qtype: 'A',
    expect: { rcode: 'NXDOMAIN', ad: false, status: 'insecure' },
    note: 'NSEC3 covering the next closer name has Opt-Out set: AD MUST NOT be set, RFC 5155 §9.2' },
  { id: 'iter200-nxdomain', qname: 'nx.iter200.example.', qtype: 'A',
    expect: { rcode: 'NXDOMAIN', ad: false, status: 'insecure', ede: 27 },
    note: 'NSEC3 with 200 iterations (ldns-signzone): above the cap, RFC 9276 §3.2 -> insecure, EDE 27; Unbound 1.17 answers insecure but attaches no EDE',
    unboundEde: [null] },
  { id: 'iter200-answer', qname: 'www.iter200.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'a positive answer in the 200-iteration zone needs no NSEC3 and stays secure' },
];

const insecureCases: HierarchyCase[] = [
  { id: 'unsigned-child', qname: 'www.unsigned.example.', qtype: 'A', expect: INSECURE_ANSWER,
    note: 'no DS at the signed parent, proven by NSEC: RFC 4035 §5.2' },
  { id: 'cname-secure-to-insecure', qname: 'to-insecure.nsec.example.', qtype: 'A', expect: INSECURE_ANSWER,
    note: 'signed CNAME into an unsigned zone: AD only if every RRset is secure, RFC 4035 §3.2.3' },
  { id: 'cname-insecure-to-secure', qname: 'to-secure.unsigned.example.', qtype: 'A', expect: INSECURE_ANSWER,
    note: 'unsigned CNAME into a signed zone: the chain is not secure throughout' },
  { id: 'alg253-private', qname: 'www.alg253.example.', qtype: 'A',
    expect: { rcode: 'NOERROR', ad: false, status: 'insecure', ede: 1 },
    note: 'DS and DNSKEY of private algorithm 253 only: no supported algorithm, RFC 4035 §5.2 -> insecure; Unbound 1.17 attaches no EDE to insecure answers',
    unboundEde: [null] },
  { id: 'ds-unknown-digest', qname: 'www.unknown-digest.example.', qtype: 'A',
    expect: { rcode: 'NOERROR', ad: false, status: 'insecure', ede: 2 },
    note: 'the only DS has unassigned digest type 200: RFC 4035 §5.2 / RFC 6840 §5.2 -> insecure; Unbound 1.17 attaches no EDE to insecure answers',
    unboundEde: [null] },
];

const bogusCases: HierarchyCase[] = [
  { id: 'bogus-keytrap', qname: 'www.keytrap.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 6 },
    note: 'KeyTrap, CVE-2023-50387 (build-lib.sh forge_keytrap_*): 100 DNSKEYs share one key tag and www A carries 150 forged RRSIGs naming it; validation stops at the work limit (daneel: MAX_CHECKS_PER_RRSET, within maxSignatureChecks) -> bogus, RFC 4035 §5.3.3' },
  { id: 'bogus-expired', qname: 'www.expired.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 7 },
    note: 'every signature expired 2023-01-01 (RFC 4035 §5.3.1); Unbound gives 7 on the first query, 6 once the failed key is cached',
    unboundEde: [6] },
  { id: 'bogus-not-yet-valid', qname: 'www.future.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 8 },
    note: 'every signature has inception 2030-01-01 (RFC 4035 §5.3.1); Unbound gives 6 once the failure is cached',
    unboundEde: [6] },
  { id: 'bogus-ds-mismatch', qname: 'www.dsmismatch.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 9 },
    note: 'the parent DS matches no DNSKEY of the child (RFC 4035 §5.2); Unbound gives 6 once the failure is cached',
    unboundEde: [6] },
  { id: 'bogus-missing-rrsig', qname: 'www.nosig.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 10 },
    note: 'the answer RRset has no RRSIG in a signed zone (RFC 4035 §5.3); Unbound gives 6 once the failure is cached',
    unboundEde: [6] },
  { id: 'bogus-altered', qname: 'www.altered.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 6 },
    note: 'A record changed after signing: the signature does not verify (RFC 4035 §5.3.3)' },
  { id: 'bogus-unknown-key', qname: 'www.wrongkey.example.', qtype: 'A',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 6 },
    note: 'RRSIG made by a key absent from the DNSKEY RRset (RFC 4035 §5.3.1 key tag/algorithm match fails); Unbound 1.17 says 9 (DNSKEY Missing), text "signatures from unknown keys"; 6 once cached',
    unboundEde: [9, 6] },
];

const transportCases: HierarchyCase[] = [
  { id: 'dname-secure', qname: 'www.dname.nsec.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'signed DNAME nsec.example. -> nsec3.example., synthesised CNAME (RFC 6672 §5.3.1)' },
  { id: 'tlsa-large-tcp', qname: '_443._tcp.big.iot.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: '24 TLSA records (~2 kB): truncated over UDP at 1232 bytes, fetched again over TCP' },
  { id: 'halfdead-closed-port', qname: 'www.halfdead-closed.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'ns1 is a closed port (ICMP port unreachable), ns2 (BIND) answers' },
  { id: 'halfdead-silent', qname: 'www.halfdead-silent.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'ns1 is bound but never answers (silent.mjs), ns2 (NSD) answers after the timeout' },
  { id: 'ns-without-glue', qname: 'www.noglue.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'delegated to ns-noglue.lab. (out of bailiwick, no glue): the NS address needs its own lookup' },
  { id: 'ipv6-only-a', qname: 'www.v6only.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'the only NS of v6only.example. has AAAA glue only (NSD on fd53::1 inside the namespace): reached over IPv6' },
  { id: 'ipv6-only-tlsa', qname: '_443._tcp.www.v6only.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: 'TLSA in the IPv6-only zone; with --do-ip6 no it is SERVFAIL, EDE 22 (test/e2e/switches.test.ts)' },
];

const daneCases: HierarchyCase[] = [
  { id: 'tlsa-443-www', qname: '_443._tcp.www.iot.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: 'server TLSA RRset (3 1 1 and 2 0 1) for DANE tests' },
  { id: 'tlsa-device', qname: 'ns._device.iot.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: 'client-identity TLSA under _device for DANE client authentication tests' },
  // The mtls zones carry the TLSA records of certificates made per run (dane-fixtures.ts, HIER_EXTRA_RECORDS).
  { id: 'mtls-js-tlsa', qname: '_443._tcp.js.mtls.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: 'Join Server TLSA (DANE-TA) of the mutual-TLS tests, secure zone' },
  { id: 'mtls-ns-tlsa', qname: 'ns._device.mtls.example.', qtype: 'TLSA', expect: SECURE_ANSWER,
    note: 'Network Server client-identity TLSA (DANE-EE) of the mutual-TLS tests, secure zone' },
  { id: 'mtls-alias-a', qname: 'alias.mtls.example.', qtype: 'A', expect: SECURE_ANSWER,
    note: 'secure CNAME alias.mtls.example. -> js.mtls.example. for RFC 7671 §7 tests' },
  { id: 'mtls-bogus-tlsa', qname: 'ns._device.mtls-bogus.example.', qtype: 'TLSA',
    expect: { rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 7 },
    note: 'TLSA in a zone whose signatures expired 2023-01-01 (RFC 4035 §5.3.1); Unbound gives 6 once the failure is cached',
    unboundEde: [6] },
  { id: 'mtls-insecure-tlsa', qname: 'ns._device.mtls-insecure.example.', qtype: 'TLSA', expect: INSECURE_ANSWER,
    note: 'TLSA in an unsigned zone under a signed parent (no DS, RFC 4035 §5.2): never used for DANE (RFC 6698 §4.1)' },
];

export const CASES: HierarchyCase[] = [
  ...algorithmCases,
  ...digestCases,
  ...denialCases,
  ...insecureCases,
  ...bogusCases,
  ...transportCases,
  ...daneCases,
];

export default CASES;
