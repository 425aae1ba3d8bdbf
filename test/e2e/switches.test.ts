/**
 * The resolver switches of the public contract against the real signed hierarchy: `--do-ip6 yes|no`, `--do-ip4 no`,
 * `--qname-minimisation yes|no` (RFC 9156) and an IPv6 listen address (`--listen [::1]:53`).
 * v6only.example.'s only name server is NSD on fd53::1 inside the namespace, delegated with AAAA glue only.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CASES, type HierarchyCase } from '../hierarchy/cases.js';
import { digInNetns, type DigResult } from '../hierarchy/dig.js';
import { runDaneelInNetns, startDaneel, type RunningDaneel } from './daneel-process.js';

const hierarchy = inject('hierarchy');
// One daneel per switch setting; the default one also listens on IPv6 loopback (dig cannot poll "[::1]",
// so startDaneel waits on the IPv4 address of the same process).
const DEFAULTS = '127.53.0.61';
const DEFAULTS_V6 = '::1';
const NO_IP6 = '127.53.0.62';
const NO_QMIN = '127.53.0.63';

const V6_TLSA = '_443._tcp.www.v6only.example.';
const V6_A = 'www.v6only.example.';

/** Cases re-asked with the switches off: secure, NXDOMAIN (NSEC, NSEC3, opt-out), insecure, bogus, CNAME, DNAME, wildcard, TLSA. */
const SAMPLE_IDS = [
  'alg13-a', 'ds-digest-4', 'nsec-nxdomain', 'nsec3-nxdomain', 'optout-covered-nxdomain', 'unsigned-child',
  'cname-secure-to-insecure', 'mtls-alias-a', 'dname-secure', 'nsec-wildcard', 'nsec3-wildcard', 'bogus-expired',
  'bogus-altered', 'tlsa-443-www', 'tlsa-large-tcp', 'ns-without-glue',
];
const SAMPLE: HierarchyCase[] = SAMPLE_IDS.map((id) => {
  const found = CASES.find((c) => c.id === id);
  if (!found) throw new Error(`case ${id} is not in cases.ts`);
  return found;
});

const daneels: RunningDaneel[] = [];

beforeAll(async () => {
  const started = await Promise.all([
    startDaneel(hierarchy, DEFAULTS, ['--listen', `[${DEFAULTS_V6}]:53`]),
    startDaneel(hierarchy, NO_IP6, ['--do-ip6', 'no']),
    startDaneel(hierarchy, NO_QMIN, ['--qname-minimisation', 'no']),
  ]);
  daneels.push(...started);
});

afterAll(async () => {
  await Promise.all(daneels.map((d) => d.stop()));
});

function expectCase(answer: DigResult, c: HierarchyCase, who: string): void {
  const context = `${who}: ${c.id} (${c.note})\n${answer.raw}`;
  expect(answer.rcode, context).toBe(c.expect.rcode);
  expect(answer.ad, context).toBe(c.expect.ad);
  if (c.expect.ede !== undefined) expect(answer.ede, context).toBe(c.expect.ede);
  if (c.expect.status === 'secure') expect(answer.ede, context).toBeUndefined();
}

describe('--do-ip6 (name servers reachable only over IPv6)', () => {
  it('default (yes): the IPv6-only zone validates, A and TLSA with AD', async () => {
    for (const [qname, qtype] of [[V6_A, 'A'], [V6_TLSA, 'TLSA']] as const) {
      const r = await digInNetns(hierarchy.netns, DEFAULTS, qname, qtype);
      expect(r.rcode, r.raw).toBe('NOERROR');
      expect(r.ad, r.raw).toBe(true);
      expect(r.answer.some((rr) => rr.includes(` IN ${qtype} `)), r.raw).toBe(true);
    }
  });

  it('no: the IPv6-only zone has no reachable authority: SERVFAIL with EDE 22 (RFC 8914 §4.23)', async () => {
    const r = await digInNetns(hierarchy.netns, NO_IP6, V6_TLSA, 'TLSA');
    expect(r.rcode, r.raw).toBe('SERVFAIL');
    expect(r.ad, r.raw).toBe(false);
    expect(r.ede, r.raw).toBe(22);
    expect(r.answer, r.raw).toHaveLength(0);
  });

  it('no: zones with IPv4 servers are answered as the case table says', async () => {
    for (const c of SAMPLE) expectCase(await digInNetns(hierarchy.netns, NO_IP6, c.qname, c.qtype), c, '--do-ip6 no');
  });
});

describe('--do-ip4 no (an IPv6-only host)', () => {
  const flags = ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];
  it('the root servers of these hints have IPv4 addresses only: no reachable authority (EDE 22), exit 2', async () => {
    const r = await runDaneelInNetns(hierarchy, ['query', V6_TLSA, 'TLSA', ...flags, '--do-ip4', 'no', '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ rcode: 'SERVFAIL', ede: 22 });
  });

  it('refuses to run with no address family left (exit 64)', async () => {
    const r = await runDaneelInNetns(hierarchy, ['query', V6_A, 'A', ...flags, '--do-ip4', 'no', '--do-ip6', 'no']);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toContain('no address family');
  });
});

describe('--qname-minimisation no', () => {
  it('answers a dozen-plus cases with the rcode, AD and EDE of the case table', async () => {
    for (const c of SAMPLE) expectCase(await digInNetns(hierarchy.netns, NO_QMIN, c.qname, c.qtype), c, '--qname-minimisation no');
  });

  it('reaches the IPv6-only zone too (IPv6 stays on)', async () => {
    const r = await digInNetns(hierarchy.netns, NO_QMIN, V6_TLSA, 'TLSA');
    expect(r.rcode, r.raw).toBe('NOERROR');
    expect(r.ad, r.raw).toBe(true);
  });
});

describe('--listen [::1]:53 (IPv6 listener)', () => {
  it('answers a TLSA query over IPv6 UDP with AD', async () => {
    const r = await digInNetns(hierarchy.netns, DEFAULTS_V6, '_443._tcp.www.iot.example.', 'TLSA');
    expect(r.rcode, r.raw).toBe('NOERROR');
    expect(r.ad, r.raw).toBe(true);
    expect(r.answer.some((rr) => rr.includes(' IN TLSA ')), r.raw).toBe(true);
  });

  it('answers over IPv6 TCP, and the large TLSA RRset is truncated over UDP then complete over TCP', async () => {
    const tcp = await digInNetns(hierarchy.netns, DEFAULTS_V6, V6_TLSA, 'TLSA', { tcp: true });
    expect(tcp.rcode, tcp.raw).toBe('NOERROR');
    expect(tcp.ad, tcp.raw).toBe(true);
    const big = await digInNetns(hierarchy.netns, DEFAULTS_V6, '_443._tcp.big.iot.example.', 'TLSA');
    expect(big.tc, big.raw).toBe(true);
    expect(big.ad, big.raw).toBe(true);
    expect(big.answer.filter((rr) => rr.includes(' IN TLSA '))).toHaveLength(24);
  });
});

/** Lines of the root's dnstap query log ("QNAME<TAB>QTYPE") that contain MARK, polled until WANT of them or a deadline. */
async function rootQueriesWith(mark: string, want: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Lowercased: daneel randomises the QNAME case on the wire (0x20, README "Spoofing resistance").
    const lines = (await readFile(hierarchy.rootQueryLog, 'utf8')).toLowerCase().split('\n').filter((l) => l.includes(mark));
    if (lines.length >= want || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('QNAME minimisation on the wire (root NSD dnstap log)', () => {
  // A one-shot `daneel query` starts with an empty cache, so it must ask the root. The random labels tell these
  // queries apart from everything else the root sees.
  const flags = ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];
  it('with minimisation the root sees only the TLD; without it the root sees the full name (RFC 9156 §2)', async () => {
    const minimised = `qmin-${randomBytes(6).toString('hex')}`;
    const full = `qfull-${randomBytes(6).toString('hex')}`;
    const on = await runDaneelInNetns(hierarchy, ['query', `_443._tcp.${minimised}.www.iot.example.`, 'TLSA', ...flags]);
    expect(on.code, on.stderr).toBe(0);
    const off = await runDaneelInNetns(hierarchy, ['query', `_443._tcp.${full}.www.iot.example.`, 'TLSA', ...flags,
      '--qname-minimisation', 'no']);
    expect(off.code, off.stderr).toBe(0);
    // NSD (one server process) hands its dnstap messages over in order: once the later query shows up,
    // the earlier one would have too.
    const seenFull = await rootQueriesWith(full, 1, 20_000);
    expect(seenFull).toContain(`_443._tcp.${full}.www.iot.example.\t52`);
    expect(await rootQueriesWith(minimised, 1, 0)).toEqual([]);
  });
});
