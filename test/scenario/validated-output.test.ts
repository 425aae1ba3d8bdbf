/**
 * What leaves the resolver is what the validator checked, never what was received (RFC 4035 §5.3.3 TTLs,
 * RFC 2181 §8 top-bit TTLs, RFC 2181 §5.4.1 ranks), on the scripted network at a fixed date. Each case signs
 * correctly and changes exactly one thing in flight.
 */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type Message, type RR } from '../../resolver/wire/types.js';
import { n, rr, typeBitmap } from '../support/signer.js';
import { buildHierarchy, NOW_S, resolverFor, type Hierarchy, type ZoneDef } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

type Tamper = (reply: Message, query: Message) => Message;

/** The same change on every server of example.com., only for replies to `qname`. */
function tamperExample(h: Hierarchy, qname: string, change: (reply: Message) => Message): void {
  const t: Tamper = (reply, query) => (query.question[0]!.name.equals(n(qname)) ? change(reply) : reply);
  h.net.setTamper(ADDR.example1, t);
  h.net.setTamper(ADDR.example2, t);
}

const records = (h: Hierarchy, apex: string, pred: (r: RR) => boolean): RR[] => h.zones.get(n(apex).key)!.rrs.filter(pred);

/** standardZones plus soon.com., whose signatures expire ten minutes after the scenario's NOW. */
function withExpiringZone(): ZoneDef[] {
  const zones = standardZones().map((z) => (z.apex === 'com.' ? { ...z, text: `${z.text}soon NS ns1.soon.com.\nns1.soon A ${ADDR.broken}\n` } : z));
  zones.push({
    apex: 'soon.com.', servers: [ADDR.broken], inception: NOW_S - 86400, expiration: NOW_S + 600,
    text: '@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.50\nwww 3600 A 192.0.2.141\n',
  });
  return zones;
}

describe('TTLs of validated data (RFC 4035 §5.3.3)', () => {
  it('an RRset TTL inflated in flight comes back capped to the RRSIG Original TTL', async () => {
    const h = buildHierarchy(standardZones());
    tamperExample(h, 'www.example.com', (reply) => ({ ...reply, answer: reply.answer.map((r) => (r.type === T.A ? { ...r, ttl: 604800 } : r)) }));
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const a = r.answer.filter((x) => x.type === T.A);
    expect(a).toHaveLength(1);
    expect(a[0]!.ttl).toBe(3600);
    expect(r.ttl).toBe(3600);
  });

  it('a TTL longer than the time left before the signature expires is cut to that time', async () => {
    const h = buildHierarchy(withExpiringZone());
    const r = await resolverFor(h).resolve(n('www.soon.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.answer.map((x) => x.ttl)).toEqual([600, 600]);
    expect(r.ttl).toBe(600);
  });

  it('a negative answer lives no longer than the SOA MINIMUM (RFC 2308 §5)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolve(n('nothing.example.com'), T.A);
    expect(r.rcode).toBe(RCODE.NXDOMAIN);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.ttl).toBe(300);
  });

  it('a TTL with the top bit set counts as 0 (RFC 2181 §8)', async () => {
    const h = buildHierarchy(standardZones());
    h.net.setTamper(ADDR.insecure, (reply) => ({ ...reply, answer: reply.answer.map((r) => ({ ...r, ttl: 0x80000005 })) }));
    const r = await resolverFor(h).resolve(n('www.insecure.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('insecure');
    expect(r.answer.map((x) => x.ttl)).toEqual([0]);
    expect(r.ttl).toBe(0);
  });
});

describe('only validated records reach the client', () => {
  it('an unsigned NSEC slipped into a signed NODATA answer is dropped, the proof stays', async () => {
    const h = buildHierarchy(standardZones());
    const forged = rr('zzz.example.com', T.NSEC, Uint8Array.from([...n('example.com').wire, ...typeBitmap([T.A])]), 300);
    tamperExample(h, 'www.example.com', (reply) => ({ ...reply, authority: [...reply.authority, forged] }));
    const r = await resolverFor(h).resolve(n('www.example.com'), T.TXT);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.authority.some((x) => x.name.equals(n('zzz.example.com')))).toBe(false);
    expect(r.authority.some((x) => x.type === T.NSEC && x.name.equals(n('www.example.com')))).toBe(true);
  });

  it('an unsigned record of the asked type added to a signed RRset makes it bogus, never data', async () => {
    const h = buildHierarchy(standardZones());
    tamperExample(h, 'www.example.com', (reply) => ({ ...reply, answer: [...reply.answer, rr('www.example.com', T.A, Uint8Array.from([203, 0, 113, 9]))] }));
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect(r.verdict.status).toBe('bogus');
    expect(r.answer).toEqual([]);
  });

  it('a signed RRset for another owner riding along in the answer is dropped', async () => {
    const h = buildHierarchy(standardZones());
    const other = records(h, 'example.com.', (x) => x.name.equals(n('ns1.example.com')) && (x.type === T.A || (x.type === T.RRSIG && x.rdata[1] === T.A)));
    expect(other).toHaveLength(2);
    tamperExample(h, 'www.example.com', (reply) => ({ ...reply, answer: [...reply.answer, ...other] }));
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.answer.every((x) => x.name.equals(n('www.example.com')))).toBe(true);
    expect(r.answer).toHaveLength(2);
  });
});

describe('rank and cost travel with the result', () => {
  it('an authoritative answer ranks answer-aa; the upstream query count is the network log', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect(r.rank).toBe('answer-aa');
    expect(r.stats?.upstreamQueries).toBe(h.net.count());
  });

  it('a failure has TTL 0 and still reports its cost', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolve(n('www.broken.com'), T.A);
    expect(r.verdict.status).toBe('bogus');
    expect(r.ttl).toBe(0);
    expect(r.stats?.upstreamQueries).toBe(h.net.count());
  });
});
