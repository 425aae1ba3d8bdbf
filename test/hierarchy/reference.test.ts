/**
 * The hierarchy is right: Unbound 1.17, validating from the generated root anchor, gives every case
 * the rcode and AD bit RFC 4035 / RFC 5155 imply, and the EDE the case expects (or a code the case
 * records as Unbound's own choice).
 */
import { describe, expect, inject, it } from 'vitest';
import { CASES } from './cases.js';
import { digInNetns } from './dig.js';

const hierarchy = inject('hierarchy');

describe('reference resolver (Unbound) on the signed test hierarchy', () => {
  it('serves the root hints and trust anchor it was built with', async () => {
    const soa = await digInNetns(hierarchy.netns, hierarchy.unbound, '.', 'SOA');
    expect(soa.rcode).toBe('NOERROR');
    expect(soa.ad).toBe(true);
  });

  for (const testCase of CASES) {
    it(`${testCase.id}: ${testCase.qname} ${testCase.qtype} -> ${testCase.expect.rcode} ad=${testCase.expect.ad}`, async () => {
      const answer = await digInNetns(hierarchy.netns, hierarchy.unbound, testCase.qname, testCase.qtype);
      const context = `${testCase.id} (${testCase.note})\n${answer.raw}`;
      expect(answer.rcode, context).toBe(testCase.expect.rcode);
      expect(answer.ad, context).toBe(testCase.expect.ad);
      const allowedEde = [testCase.expect.ede ?? null, ...(testCase.unboundEde ?? [])];
      expect(allowedEde, context).toContain(answer.ede ?? null);
      if (testCase.expect.status === 'secure' && testCase.expect.rcode === 'NOERROR') {
        expect(answer.answer.length + answer.authority.length, context).toBeGreaterThan(0);
      }
    });
  }

  it('tlsa-large-tcp really needed TCP: the UDP answer was truncated', async () => {
    const answer = await digInNetns(hierarchy.netns, hierarchy.unbound, '_443._tcp.big.iot.example.', 'TLSA');
    expect(answer.tc).toBe(true);
    expect(answer.answer.filter((rr) => rr.includes(' IN TLSA '))).toHaveLength(24);
  });
});

describe('the authorities answer as built', () => {
  it('each server kind serves its zones authoritatively', async () => {
    const probes: Array<[string, string]> = [
      ...hierarchy.rootServers.map((server): [string, string] => [server, '.']),
      [hierarchy.servers.bind, 'lab.'],
      [hierarchy.servers.knot, 'example.'],
      [hierarchy.servers.nsd, 'fr.'],
    ];
    for (const [server, zone] of probes) {
      const soa = await digInNetns(hierarchy.netns, server, zone, 'SOA', { recurse: false });
      expect(soa.rcode, `${zone} at ${server}`).toBe('NOERROR');
      expect(soa.flags, `${zone} at ${server}`).toContain('aa');
    }
  });

  it('a parent server refers to the child instead of answering for it', async () => {
    const referral = await digInNetns(hierarchy.netns, hierarchy.servers.knot, 'www.alg13.example.', 'A', { recurse: false });
    expect(referral.rcode).toBe('NOERROR');
    expect(referral.flags).not.toContain('aa');
    expect(referral.authority.some((rr) => rr.startsWith('alg13.example. 3600 IN NS '))).toBe(true);
    expect(referral.authority.some((rr) => rr.startsWith('alg13.example. 3600 IN DS '))).toBe(true);
  });

  it('the opt-out zone marks only the span over the unsigned delegation', async () => {
    const referral = await digInNetns(hierarchy.netns, hierarchy.servers.knot, 'www.unsigned.optout.fr.', 'A', { recurse: false });
    const optOut = referral.authority.filter((rr) => / NSEC3 1 1 /.test(rr));
    expect(optOut).toHaveLength(1);
    const nxdomain = await digInNetns(hierarchy.netns, hierarchy.servers.knot, 'nx1.optout.fr.', 'A', { recurse: false });
    expect(nxdomain.rcode).toBe('NXDOMAIN');
    expect(nxdomain.authority.filter((rr) => / NSEC3 1 0 /.test(rr)).length).toBeGreaterThan(0);
  });

  it('the closed and silent addresses never answer', async () => {
    for (const server of [hierarchy.servers.closed, hierarchy.servers.silent]) {
      await expect(
        digInNetns(hierarchy.netns, server, 'halfdead-closed.example.', 'SOA', { recurse: false, timeoutSeconds: 1 }),
      ).rejects.toThrow(/failed/);
    }
  });
});
