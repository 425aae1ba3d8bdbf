/**
 * Differential test: daneel (`daneel serve`, driven by dig) and Unbound 1.17 answer every case of the signed test
 * hierarchy with the same rcode and AD bit, and daneel gives the EDE code the RFC implies (RFC 8914 §4).
 * Both resolvers run in the hierarchy's namespace with the same root hints and trust anchor.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CASES } from '../hierarchy/cases.js';
import { digInNetns } from '../hierarchy/dig.js';
import { startDaneel, runDaneelInNetns, type RunningDaneel } from './daneel-process.js';

const hierarchy = inject('hierarchy');
const DANEEL = '127.53.0.54';
let daneel: RunningDaneel;

beforeAll(async () => {
  daneel = await startDaneel(hierarchy, DANEEL);
});

afterAll(async () => {
  await daneel?.stop();
});

describe('daneel agrees with Unbound on the signed hierarchy', () => {
  for (const c of CASES) {
    it(`${c.id}: ${c.qname} ${c.qtype} -> ${c.expect.rcode} ad=${c.expect.ad}`, async () => {
      const [ours, reference] = await Promise.all([
        digInNetns(hierarchy.netns, DANEEL, c.qname, c.qtype),
        digInNetns(hierarchy.netns, hierarchy.unbound, c.qname, c.qtype),
      ]);
      const context = `${c.id} (${c.note})\n--- daneel:\n${ours.raw}\n--- unbound:\n${reference.raw}`;
      expect(ours.rcode, context).toBe(reference.rcode);
      expect(ours.ad, context).toBe(reference.ad);
      expect(ours.rcode, context).toBe(c.expect.rcode);
      expect(ours.ad, context).toBe(c.expect.ad);
      // Bogus answers carry the EDE the RFC implies (RFC 8914 §4); secure/insecure ones carry none of 6–10.
      if (c.expect.ede !== undefined) expect(ours.ede, context).toBe(c.expect.ede);
      if (c.expect.status === 'secure') expect(ours.ede, context).toBeUndefined();
      if (c.expect.rcode === 'NOERROR' && c.expect.status !== 'bogus') {
        expect(ours.answer.length + ours.authority.length, context).toBeGreaterThan(0);
      }
    });
  }
});

describe('the DNS socket semantics (RFC 4035 §3.2, RFC 6840 §5.7)', () => {
  it('sets AD only when the query had DO or AD', async () => {
    const noDo = await digInNetns(hierarchy.netns, DANEEL, '_443._tcp.www.iot.example.', 'TLSA', { dnssec: false, adFlag: false });
    expect(noDo.rcode).toBe('NOERROR');
    expect(noDo.ad).toBe(false);
    expect(noDo.answer.some((rr) => rr.includes(' RRSIG '))).toBe(false);
    const adOnly = await digInNetns(hierarchy.netns, DANEEL, '_443._tcp.www.iot.example.', 'TLSA', { dnssec: false });
    expect(adOnly.ad).toBe(true);
    expect(adOnly.answer.some((rr) => rr.includes(' RRSIG '))).toBe(false);
    const withDo = await digInNetns(hierarchy.netns, DANEEL, '_443._tcp.www.iot.example.', 'TLSA');
    expect(withDo.ad).toBe(true);
    expect(withDo.answer.some((rr) => rr.includes(' RRSIG TLSA '))).toBe(true);
  });

  it('CD=1 returns the data of a bogus zone without validation', async () => {
    const cd = await digInNetns(hierarchy.netns, DANEEL, 'www.altered.example.', 'A', { checkingDisabled: true });
    expect(cd.rcode).toBe('NOERROR');
    expect(cd.ad).toBe(false);
    expect(cd.answer.some((rr) => / IN A /.test(rr))).toBe(true);
  });

  it('answers a TLSA RRset larger than 1232 bytes with TC over UDP and in full over TCP', async () => {
    const r = await digInNetns(hierarchy.netns, DANEEL, '_443._tcp.big.iot.example.', 'TLSA');
    expect(r.tc).toBe(true);
    expect(r.ad).toBe(true);
    expect(r.answer.filter((rr) => rr.includes(' IN TLSA '))).toHaveLength(24);
  });
});

describe('daneel query exit codes (public contract)', () => {
  const flags = () => ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];
  it('0 for secure, with --json status', async () => {
    const r = await runDaneelInNetns(hierarchy, ['query', '_443._tcp.www.iot.example.', 'TLSA', ...flags(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('secure');
  });
  it('0 for a secure NXDOMAIN and for an insecure answer', async () => {
    expect((await runDaneelInNetns(hierarchy, ['query', 'nx.nsec.example.', 'A', ...flags()])).code).toBe(0);
    expect((await runDaneelInNetns(hierarchy, ['query', 'www.unsigned.example.', 'A', ...flags()])).code).toBe(0);
  });
  it('1 for bogus, with the EDE', async () => {
    const r = await runDaneelInNetns(hierarchy, ['query', 'www.expired.example.', 'A', ...flags(), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('bogus');
    expect(j.ede).toBe(7);
  });
  it('64 for a usage error', async () => {
    expect((await runDaneelInNetns(hierarchy, ['query', 'www.example.', 'NOSUCHTYPE', ...flags()])).code).toBe(64);
  });
});
