import { describe, expect, it } from 'vitest';
import { scrubResponse, trustOf } from '../../resolver/iterator/scrub.js';
import { classifyResponse } from '../../resolver/iterator/classify.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { n, rdata, response, rr, sig } from './helpers.js';

const run = (msg: ReturnType<typeof response>, qname: string, qtype: number, zone: string) => {
  const s = scrubResponse(msg, n(qname), qtype, n(zone), 13);
  const c = classifyResponse(s.message, s.chain, qtype, n(zone), s.nsOutside);
  // Names compare by text: Name objects carry lazily filled caches.
  return { ...s, kind: c, to: c.next ? `${c.kind} ${c.next}` : c.kind };
};

describe('scrub (RFC 2181 §5.4.1, bailiwick)', () => {
  it('drops answer records outside the zone asked and records unrelated to the question', () => {
    const msg = response({
      answer: [
        rr('www.example.com', T.A, rdata.a('192.0.2.1')), sig('www.example.com', T.A),
        rr('www.victim.org', T.A, rdata.a('203.0.113.66')), // out of zone: poisoning attempt
        rr('other.example.com', T.A, rdata.a('192.0.2.9')), // in zone but not asked
      ],
    });
    const r = run(msg, 'www.example.com', T.A, 'example.com');
    expect(r.message.answer.map((x) => `${x.name} ${x.type}`)).toEqual(['www.example.com. 1', 'www.example.com. 46']);
    expect(r.dropped).toBe(2);
    expect(r.kind.kind).toBe('answer');
  });

  it('keeps only in-bailiwick glue for NS names of the referral; drops unsolicited glue', () => {
    const msg = response({
      aa: false,
      authority: [rr('example.com', T.NS, rdata.ns('ns1.example.com')), rr('example.com', T.NS, rdata.ns('ns.other.net')), rr('victim.org', T.NS, rdata.ns('ns.evil.net'))],
      additional: [
        rr('ns1.example.com', T.A, rdata.a('192.0.2.53')),
        rr('ns.other.net', T.A, rdata.a('198.51.100.1')), // out of the com. bailiwick
        rr('www.example.com', T.A, rdata.a('192.0.2.66')), // unsolicited
      ],
    });
    const r = run(msg, 'www.example.com', T.A, 'com');
    expect(r.message.authority.map((x) => x.name.toString())).toEqual(['example.com.', 'example.com.']);
    expect(r.message.additional.map((x) => x.name.toString())).toEqual(['ns1.example.com.']);
    expect(r.to).toBe('referral example.com.');
  });

  it('keeps glue for NS names outside the zone only with harden-glue off (Unbound harden-glue: no)', () => {
    const msg = response({
      aa: false,
      authority: [rr('example.com', T.NS, rdata.ns('ns.other.net'))],
      additional: [rr('ns.other.net', T.A, rdata.a('198.51.100.1')), rr('www.other.net', T.A, rdata.a('198.51.100.2'))],
    });
    const hardened = scrubResponse(msg, n('www.example.com'), T.A, n('com'), 13);
    expect(hardened.message.additional).toHaveLength(0);
    const soft = scrubResponse(msg, n('www.example.com'), T.A, n('com'), 13, { hardenGlue: false });
    // Still only addresses of the referral's NS names: unsolicited records never survive.
    expect(soft.message.additional.map((x) => x.name.toString())).toEqual(['ns.other.net.']);
  });

  it('drops the data of a CNAME target inside a child zone the reply revealed (validated there, not here)', () => {
    const msg = response({
      answer: [
        rr('www.example.com', T.CNAME, rdata.cname('host.sub.example.com')), sig('www.example.com', T.CNAME),
        rr('host.sub.example.com', T.A, rdata.a('192.0.2.7')), sig('host.sub.example.com', T.A, 'sub.example.com'),
      ],
      authority: [rr('sub.example.com', T.NS, rdata.ns('ns.sub.example.com'))],
    });
    const r = run(msg, 'www.example.com', T.A, 'example.com');
    expect(r.to).toBe('cname host.sub.example.com.');
    expect(r.message.answer.map((x) => `${x.name} ${x.type}`)).toEqual(['www.example.com. 5', 'www.example.com. 46']);
  });

  it('ranks data by section and AA', () => {
    expect(trustOf('answer', true)).toBe('answer-aa');
    expect(trustOf('authority', false)).toBe('authority');
    expect(trustOf('additional', true)).toBe('glue');
  });
});

describe('classify (iter_resptype)', () => {
  it('reads the zone\'s own NS set without AA as lame, except for a minimised probe (no cut there: go deeper)', () => {
    const msg = response({ aa: false, authority: [rr('com', T.NS, rdata.ns('a.gtld-servers.net'))] });
    const s = scrubResponse(msg, n('example.com'), T.NS, n('com'), 13);
    expect(classifyResponse(s.message, s.chain, T.NS, n('com'), s.nsOutside).kind).toBe('lame');
    expect(classifyResponse(s.message, s.chain, T.NS, n('com'), s.nsOutside, true).kind).toBe('nodata');
  });

  it('follows an in-zone CNAME to the answer; stops at a target outside the zone', () => {
    const inZone = response({ answer: [rr('www.example.com', T.CNAME, rdata.cname('web.example.com')), rr('web.example.com', T.A, rdata.a('192.0.2.2'))] });
    expect(run(inZone, 'www.example.com', T.A, 'example.com').kind.kind).toBe('answer');
    const outZone = response({ answer: [rr('www.example.com', T.CNAME, rdata.cname('cdn.example.net')), rr('cdn.example.net', T.A, rdata.a('203.0.113.1'))] });
    const r = run(outZone, 'www.example.com', T.A, 'example.com');
    expect(r.to).toBe('cname cdn.example.net.');
    expect(r.message.answer).toHaveLength(1); // the out-of-zone A is never believed
  });

  it('computes a DNAME target itself and keeps a synthesized CNAME only when it agrees (RFC 6672)', () => {
    const msg = response({
      answer: [rr('example.com', T.DNAME, rdata.dname('example.net')), rr('www.example.com', T.CNAME, rdata.cname('www.example.net'))],
    });
    const r = run(msg, 'www.example.com', T.A, 'example.com');
    expect(r.to).toBe('dname www.example.net.');
    expect(r.message.answer).toHaveLength(2);
    const forged = response({ answer: [rr('example.com', T.DNAME, rdata.dname('example.net')), rr('www.example.com', T.CNAME, rdata.cname('evil.example.org'))] });
    expect(run(forged, 'www.example.com', T.A, 'example.com').message.answer.map((x) => x.type)).toEqual([T.DNAME]);
  });

  it('tells NXDOMAIN, NODATA, lame and errors apart', () => {
    const soa = rr('example.com', T.SOA, rdata.soa('ns.example.com', 'h.example.com'));
    expect(run(response({ rcode: RCODE.NXDOMAIN, authority: [soa] }), 'x.example.com', T.A, 'example.com').kind.kind).toBe('nxdomain');
    expect(run(response({ authority: [soa] }), 'www.example.com', T.AAAA, 'example.com').kind.kind).toBe('nodata');
    // Without AA an NXDOMAIN or an empty reply is still an answer (validated in a signed zone), as in Unbound.
    expect(run(response({ rcode: RCODE.NXDOMAIN, aa: false }), 'x.example.com', T.A, 'example.com').kind.kind).toBe('nxdomain');
    expect(run(response({ aa: false }), 'www.example.com', T.A, 'example.com').kind.kind).toBe('nodata');
    expect(run(response({ rcode: RCODE.REFUSED, aa: false }), 'www.example.com', T.A, 'example.com').kind.kind).toBe('error');
  });

  it('accepts an answer without AA at the lower RFC 2181 §5.4.1 rank, unless a referral below the zone comes with it', () => {
    const a = rr('www.example.com', T.A, rdata.a('192.0.2.1'));
    expect(run(response({ aa: false, answer: [a] }), 'www.example.com', T.A, 'example.com').kind).toEqual({ kind: 'answer', rank: 'answer' });
    expect(run(response({ answer: [a] }), 'www.example.com', T.A, 'example.com').kind).toEqual({ kind: 'answer', rank: 'answer-aa' });
    const soa = rr('example.com', T.SOA, rdata.soa('ns.example.com', 'h.example.com'));
    expect(run(response({ aa: false, authority: [soa] }), 'www.example.com', T.AAAA, 'example.com').kind.kind).toBe('nodata');
    const below = response({ aa: false, answer: [rr('www.sub.example.com', T.A, rdata.a('192.0.2.1'))], authority: [rr('sub.example.com', T.NS, rdata.ns('ns.sub.example.com'))] });
    expect(run(below, 'www.sub.example.com', T.A, 'example.com').to).toBe('referral sub.example.com.');
  });

  it('treats an upward or sideways referral as lame, with or without AA', () => {
    const upAa = response({ authority: [rr('.', T.NS, rdata.ns('a.root-servers.net'))] });
    expect(run(upAa, 'www.example.com', T.A, 'example.com').kind.kind).toBe('lame');
    const sideways = response({ aa: false, authority: [rr('example.net', T.NS, rdata.ns('ns.example.net'))] });
    expect(run(sideways, 'www.example.com', T.A, 'example.com').kind.kind).toBe('lame');
    const up = response({ aa: false, authority: [rr('.', T.NS, rdata.ns('a.root-servers.net'))] });
    expect(run(up, 'www.example.com', T.A, 'example.com').kind.kind).toBe('lame');
    const same = response({ aa: false, authority: [rr('example.com', T.NS, rdata.ns('ns.example.com'))] });
    expect(run(same, 'www.example.com', T.A, 'example.com').kind.kind).toBe('lame');
  });
});
