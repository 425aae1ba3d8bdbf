/**
 * Interoperability with two independent real signers, BIND's dnssec-signzone and ldns-signzone (Debian packages
 * bind9-utils and ldnsutils), for all eight algorithms. The zone holds mixed-case owners and mixed-case names
 * inside NS, SOA, MX, CNAME, SRV, PTR and DNAME RDATA (lowercased in canonical form) and NSEC next names (not
 * lowercased, RFC 6840 §5.1), a wildcard and a DNAME: every RRset the signers produce must verify, and a
 * wildcard expansion must verify and report its wildcard.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseZone } from '../../../resolver/wire/zonefile.js';
import { T, type RR } from '../../../resolver/wire/types.js';
import { verifyRrset } from '../../../resolver/dnssec/verify.js';
import { n } from './support.js';

const ZONE = `$ORIGIN example.
$TTL 3600
@ IN SOA NS1.Example. HostMaster.EXAMPLE. 1 7200 3600 1209600 300
@ IN NS NS1.Example.
@ IN NS ns2.EXAMPLE.
@ IN MX 10 Mail.Example.
@ IN MX 20 mail2.example.
NS1 IN A 192.0.2.1
ns2 IN A 192.0.2.2
Mail IN A 192.0.2.3
Mail IN A 192.0.2.33
Www IN CNAME Mail.EXAMPLE.
_sip._tcp IN SRV 10 20 5060 SIP.Example.
SIP IN A 192.0.2.4
Ptr IN PTR Host.EXAMPLE.
Dn IN DNAME Target.EXAMPLE.
*.Wild IN TXT "wild Card"
MiXeD IN TXT "Hello" "World"
`;

const NOW = Date.UTC(2026, 10, 26) / 1000;
const work = mkdtempSync(join(tmpdir(), 'daneel-signers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BIND_NAMES: Record<number, string> = { 5: 'RSASHA1', 7: 'NSEC3RSASHA1', 8: 'RSASHA256', 10: 'RSASHA512', 13: 'ECDSAP256SHA256', 14: 'ECDSAP384SHA384', 15: 'ED25519', 16: 'ED448' };
const LDNS_NAMES: Record<number, string> = { ...BIND_NAMES, 7: 'RSASHA1-NSEC3-SHA1' };
const isRsa = (alg: number): boolean => alg <= 10;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function signWithBind(alg: number): string {
  const dir = mkdtempSync(join(work, `bind-${alg}-`));
  writeFileSync(join(dir, 'example.zone'), ZONE);
  const bits = isRsa(alg) ? ['-b', '1024'] : [];
  run('dnssec-keygen', ['-q', '-K', '.', '-f', 'KSK', '-a', BIND_NAMES[alg]!, ...bits, '-n', 'ZONE', 'example.'], dir);
  // -S: find the keys in -K and publish them; -z: the KSK signs everything; -O full: one record per line.
  run('dnssec-signzone', ['-q', '-S', '-z', '-K', '.', '-d', '.', '-O', 'full', '-s', '20240101000000', '-e', '20360101000000',
    '-o', 'example.', '-f', 'signed', 'example.zone'], dir);
  return readFileSync(join(dir, 'signed'), 'utf8');
}

function signWithLdns(alg: number): string {
  const dir = mkdtempSync(join(work, `ldns-${alg}-`));
  writeFileSync(join(dir, 'example.zone'), ZONE);
  const bits = isRsa(alg) ? ['-b', '1024'] : [];
  const base = run('ldns-keygen', ['-a', LDNS_NAMES[alg]!, ...bits, 'example.'], dir).trim();
  // Algorithm 7 announces NSEC3 support; sign with NSEC3 as its users would (-n), the others with NSEC.
  const nsec3 = alg === 7 ? ['-n'] : [];
  run('ldns-signzone', [...nsec3, '-i', '20240101000000', '-e', '20360101000000', '-o', 'example.', '-f', 'signed', 'example.zone', base], dir);
  expect(readdirSync(dir)).toContain('signed');
  return readFileSync(join(dir, 'signed'), 'utf8');
}

/** Groups RRs into RRsets (owner, type, class); RRSIGs are kept aside. */
function rrsets(records: RR[]): { sets: RR[][]; sigs: RR[] } {
  const byKey = new Map<string, RR[]>();
  const sigs: RR[] = [];
  for (const r of records) {
    if (r.type === T.RRSIG) { sigs.push(r); continue; }
    const key = `${r.name.key}/${r.type}/${r.class}`;
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  return { sets: [...byKey.values()], sigs };
}

function verifyZone(text: string): void {
  const records = parseZone(text, { origin: n('example') });
  const { sets, sigs } = rrsets(records);
  const dnskeys = records.filter((r) => r.type === T.DNSKEY);
  expect(dnskeys.length).toBeGreaterThan(0);
  expect(sets.length).toBeGreaterThan(14);
  for (const set of sets) {
    const result = verifyRrset({ rrset: set, rrsigs: sigs, dnskeys, now: NOW });
    expect(result.status, `${set[0]!.name.toString()} type ${set[0]!.type}: ${result.reason}`).toBe('secure');
  }
  // NSEC next names keep their case in signed data (RFC 6840 §5.1); at least one here is mixed case.
  const nsecNext = records.filter((r) => r.type === T.NSEC).map((r) => Buffer.from(r.rdata).toString('latin1'));
  if (nsecNext.length > 0) expect(nsecNext.some((s) => /[A-Z]/.test(s))).toBe(true);
  // A wildcard expansion: the *.Wild TXT set answered for a name below it.
  const wild = sets.find((s) => s[0]!.type === T.TXT && s[0]!.name.isWildcard)!;
  const qname = n('a.b.wild.example');
  const expanded = wild.map((r) => ({ ...r, name: qname }));
  const wildSigs = sigs.filter((s) => s.name.equals(wild[0]!.name)).map((s) => ({ ...s, name: qname }));
  const result = verifyRrset({ rrset: expanded, rrsigs: wildSigs, dnskeys, now: NOW });
  expect(result.status, result.reason).toBe('secure');
  expect(result.wildcard?.toString().toLowerCase()).toBe('*.wild.example.');
  // One flipped RDATA bit in the MX set is bogus.
  const mx = sets.find((s) => s[0]!.type === T.MX)!;
  const broken = mx.map((r, i) => (i === 0 ? { ...r, rdata: Uint8Array.from(r.rdata, (b, j) => (j === 1 ? b ^ 1 : b)) } : r));
  expect(verifyRrset({ rrset: broken, rrsigs: sigs, dnskeys, now: NOW }).status).toBe('bogus');
}

describe.each([5, 7, 8, 10, 13, 14, 15, 16])('algorithm %i', (alg) => {
  test('BIND dnssec-signzone: every RRset verifies', () => verifyZone(signWithBind(alg)));
  test('ldns-signzone: every RRset verifies', () => verifyZone(signWithLdns(alg)));
});
