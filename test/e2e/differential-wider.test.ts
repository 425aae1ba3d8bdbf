/**
 * A wider differential than the case table: queries a client or a prober would send that the cases do not name —
 * DNSKEY/DS/NS/SOA at apexes and cuts, DS above and below unsigned and opt-out delegations, empty non-terminals
 * (`_tcp.…`, `_device.…`), NODATA at wildcards and at names under a DNAME, the wildcard owner itself, queries in
 * mixed case, a 102-key DNSKEY RRset. daneel and Unbound must give the same rcode, AD bit and answer count.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { digInNetns } from '../hierarchy/dig.js';
import { startDaneel, type RunningDaneel } from './daneel-process.js';

const hierarchy = inject('hierarchy');
const DANEEL = '127.53.0.57';
let daneel: RunningDaneel;

const QUERIES: Array<[string, string]> = [
  ['.', 'DNSKEY'],
  ['.', 'NS'],
  ['.', 'SOA'],
  ['example.', 'DNSKEY'],
  ['example.', 'DS'],
  ['example.', 'NS'],
  ['example.', 'SOA'],
  ['lab.', 'DNSKEY'],
  ['fr.', 'DS'],
  ['fr.', 'DNSKEY'],
  ['nonexistenttld.', 'A'],
  ['nonexistenttld.', 'DS'],
  ['nsec.example.', 'DNSKEY'],
  ['nsec.example.', 'DS'],
  ['nsec.example.', 'NSEC'],
  ['nsec3.example.', 'NSEC3PARAM'],
  ['nsec3.example.', 'DS'],
  ['iot.example.', 'DS'],
  ['_tcp.www.iot.example.', 'A'],
  ['_443._tcp.www.iot.example.', 'A'],
  ['_443._tcp.www.iot.example.', 'TXT'],
  ['www.iot.example.', 'TLSA'],
  ['x.y.z.nsec.example.', 'A'],
  ['x.y.z.nsec3.example.', 'A'],
  ['unsigned.example.', 'DS'],
  ['unsigned.example.', 'SOA'],
  ['nx.unsigned.example.', 'A'],
  ['www.unsigned.example.', 'TLSA'],
  ['expired.example.', 'DS'],
  ['expired.example.', 'DNSKEY'],
  ['www.dsmismatch.example.', 'TXT'],
  ['dsmismatch.example.', 'DS'],
  ['alg253.example.', 'DNSKEY'],
  ['alg253.example.', 'DS'],
  ['unsigned.optout.fr.', 'DS'],
  ['unsigned.optout.fr.', 'A'],
  ['optout.fr.', 'NSEC3PARAM'],
  ['nx.optout.fr.', 'DS'],
  ['www.alg7.example.', 'AAAA'],
  ['nx.alg7.example.', 'A'],
  ['nx.alg16.example.', 'A'],
  ['www.alg5.example.', 'MX'],
  ['to-insecure.nsec.example.', 'CNAME'],
  ['to-insecure.nsec.example.', 'TXT'],
  ['to-secure.unsigned.example.', 'CNAME'],
  ['dname.nsec.example.', 'DNAME'],
  ['a.b.dname.nsec.example.', 'A'],
  ['www.dname.nsec.example.', 'TXT'],
  ['host.wild.nsec.example.', 'AAAA'],
  ['a.b.wild.nsec.example.', 'A'],
  ['host.wild.nsec3.example.', 'TLSA'],
  ['wild.nsec.example.', 'A'],
  ['*.wild.nsec.example.', 'A'],
  ['noglue.example.', 'DNSKEY'],
  ['www.noglue.example.', 'TLSA'],
  ['www.halfdead-closed.example.', 'TXT'],
  ['big.iot.example.', 'A'],
  ['_443._tcp.big.iot.example.', 'A'],
  ['ns._device.iot.example.', 'A'],
  ['_device.iot.example.', 'TLSA'],
  ['www.v6only.example.', 'AAAA'],
  ['v6only.example.', 'DNSKEY'],
  ['www.mtls.example.', 'A'],
  ['alias.mtls.example.', 'TLSA'],
  ['iter200.example.', 'NSEC3PARAM'],
  ['nx.iter200.example.', 'TXT'],
  ['keytrap.example.', 'DNSKEY'],
  ['WWW.NSEC.EXAMPLE.', 'A'],
  ['www.NsEc3.example.', 'TXT'],
];

beforeAll(async () => {
  daneel = await startDaneel(hierarchy, DANEEL);
});

afterAll(async () => {
  await daneel?.stop();
});

describe('daneel and Unbound agree beyond the case table', () => {
  for (const [qname, qtype] of QUERIES) {
    it(`${qname} ${qtype}`, async () => {
      const [ours, reference] = await Promise.all([
        digInNetns(hierarchy.netns, DANEEL, qname, qtype),
        digInNetns(hierarchy.netns, hierarchy.unbound, qname, qtype),
      ]);
      const context = `--- daneel:\n${ours.raw}\n--- unbound:\n${reference.raw}`;
      expect([ours.rcode, ours.ad, ours.answer.length], context).toEqual([reference.rcode, reference.ad, reference.answer.length]);
    });
  }
});
