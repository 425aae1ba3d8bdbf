import { describe, expect, it } from 'vitest';
import { handleQuery } from '../../server/handler.js';
import { answerWire, udpReplyLimit } from '../../server/wire.js';
import { queryMessage } from '../../resolver/wire/query.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { getEde } from '../../resolver/wire/edns.js';
import { Name } from '../../resolver/wire/name.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import type { Message } from '../../resolver/wire/types.js';
import { EDE, bogus, indeterminate, insecure, secure } from '../../resolver/dnssec/verdict.js';
import { FakeResolver, rr, rrsig } from './fake-resolver.js';

const TLSA_NAME = '_443._tcp.js.example.fr.';
const tlsa = rr(`${TLSA_NAME} 300 IN TLSA 3 1 1 8CB0FC6C527506A053F4F14C8464BEBBD6DEDE2738D11468DD953D7D6A3021F1`);
const tlsaSig = rrsig(TLSA_NAME, 'TLSA');
const soa = rr('example.fr. 300 IN SOA ns.example.fr. admin.example.fr. 1 3600 600 86400 300');
const soaSig = rrsig('example.fr.', 'SOA');
const nsec = rr('example.fr. 300 IN NSEC js.example.fr. SOA NS RRSIG NSEC DNSKEY');
const nsecSig = rrsig('example.fr.', 'NSEC');

function resolver(): FakeResolver {
  return new FakeResolver()
    .on(TLSA_NAME, 'TLSA', { answer: [tlsa, tlsaSig], verdict: secure('chain complete') })
    .on('nodata.example.fr.', 'TLSA', { authority: [soa, soaSig, nsec, nsecSig], verdict: secure('NODATA proven') })
    .on('insecure.example.', 'A', { answer: [rr('insecure.example. 300 IN A 192.0.2.1')], verdict: insecure('no DS', EDE.UNSUPPORTED_DNSKEY_ALGORITHM) })
    .on('bogus.example.fr.', 'TLSA', { answer: [tlsa], verdict: bogus('signature expired', EDE.SIGNATURE_EXPIRED, 'RSIG') })
    .on('lame.example.', 'A', { rcode: RCODE.SERVFAIL, verdict: indeterminate('no server answered', EDE.NO_REACHABLE_AUTHORITY) })
    .on('crash.example.', 'A', { verdict: secure('x'), throws: new Error('boom') });
}

function q(name: string, type: number, o: { do?: boolean; ad?: boolean; cd?: boolean; edns?: boolean; udpSize?: number } = {}): Message {
  const edns = o.edns ?? true;
  return queryMessage({
    id: 4321, name: Name.parse(name), type, rd: true, cd: o.cd ?? false, do: edns && (o.do ?? false),
    ad: o.ad ?? false, ...(edns ? { udpSize: o.udpSize ?? 1232 } : {}),
  });
}

const ctx = { protocol: 'udp' as const };
const types = (rrs: { type: number }[]): number[] => rrs.map((r) => r.type);

describe('handleQuery: AD, DO, CD (RFC 4035 §3.2, RFC 6840 §5.7–5.9)', () => {
  it('secure answer with DO: AD set, RRSIGs included, header echoed, RA set', async () => {
    const r = await handleQuery(q(TLSA_NAME, T.TLSA, { do: true }), resolver(), ctx);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.flags).toMatchObject({ qr: true, ad: true, ra: true, rd: true, aa: false, tc: false });
    expect(r.id).toBe(4321);
    expect(r.question[0]!.name.toString()).toBe(TLSA_NAME);
    expect(types(r.answer)).toEqual([T.TLSA, T.RRSIG]);
    expect(r.edns).toMatchObject({ udpSize: 1232, version: 0, do: true });
  });

  it('secure answer with AD but no DO: AD set, RRSIGs stripped', async () => {
    const r = await handleQuery(q(TLSA_NAME, T.TLSA, { ad: true }), resolver(), ctx);
    expect(r.flags.ad).toBe(true);
    expect(types(r.answer)).toEqual([T.TLSA]);
  });

  it('secure answer without DO or AD: no AD (RFC 6840 §5.7), no RRSIG', async () => {
    const r = await handleQuery(q(TLSA_NAME, T.TLSA), resolver(), ctx);
    expect(r.flags.ad).toBe(false);
    expect(types(r.answer)).toEqual([T.TLSA]);
  });

  it('secure NODATA: DO=1 keeps NSEC and RRSIGs in authority; DO=0 keeps only the SOA', async () => {
    const withDo = await handleQuery(q('nodata.example.fr.', T.TLSA, { do: true }), resolver(), ctx);
    expect(types(withDo.authority)).toEqual([T.SOA, T.RRSIG, T.NSEC, T.RRSIG]);
    expect(withDo.flags.ad).toBe(true);
    const noDo = await handleQuery(q('nodata.example.fr.', T.TLSA), resolver(), ctx);
    expect(types(noDo.authority)).toEqual([T.SOA]);
  });

  it('insecure answer: data, no AD even with DO, informative EDE', async () => {
    const r = await handleQuery(q('insecure.example.', T.A, { do: true }), resolver(), ctx);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.flags.ad).toBe(false);
    expect(r.answer).toHaveLength(1);
    expect(getEde(r)?.infoCode).toBe(EDE.UNSUPPORTED_DNSKEY_ALGORITHM);
  });

  it('bogus: SERVFAIL, no data, EDE with the reason as EXTRA-TEXT (RFC 8914)', async () => {
    const r = await handleQuery(q('bogus.example.fr.', T.TLSA, { do: true }), resolver(), ctx);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.answer).toEqual([]);
    expect(r.flags.ad).toBe(false);
    expect(getEde(r)).toEqual({ infoCode: EDE.SIGNATURE_EXPIRED, extraText: 'signature expired [RSIG]' });
  });

  it('bogus without EDNS: SERVFAIL without OPT (EDE needs EDNS)', async () => {
    const r = await handleQuery(q('bogus.example.fr.', T.TLSA, { edns: false }), resolver(), ctx);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.edns).toBeUndefined();
  });

  it('CD=1: resolves with cd, returns the data without AD', async () => {
    const res = resolver();
    const r = await handleQuery(q('bogus.example.fr.', T.TLSA, { do: true, cd: true }), res, ctx);
    expect(res.calls[0]!.opts?.cd).toBe(true);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.flags).toMatchObject({ ad: false, cd: true });
    expect(r.answer).toHaveLength(1);
    const secureCd = await handleQuery(q(TLSA_NAME, T.TLSA, { do: true, cd: true }), res, ctx);
    expect(secureCd.flags.ad).toBe(false);
  });

  it('no answer: SERVFAIL with EDE 22', async () => {
    const r = await handleQuery(q('lame.example.', T.A), resolver(), ctx);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(getEde(r)?.infoCode).toBe(EDE.NO_REACHABLE_AUTHORITY);
  });

  it('resolver exception: SERVFAIL with EDE 0, reported to onError', async () => {
    const errors: unknown[] = [];
    const r = await handleQuery(q('crash.example.', T.A), resolver(), { protocol: 'udp', onError: (e) => errors.push(e) });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(getEde(r)?.infoCode).toBe(EDE.OTHER);
    expect(errors).toHaveLength(1);
  });
});

describe('handleQuery: refusals', () => {
  const res = resolver();
  it('non-QUERY opcode: NOTIMP', async () => {
    const m = q(TLSA_NAME, T.TLSA);
    m.flags.opcode = 2;
    expect((await handleQuery(m, res, ctx)).rcode).toBe(RCODE.NOTIMP);
  });
  it('QDCOUNT 0 or 2: FORMERR', async () => {
    const none = q(TLSA_NAME, T.TLSA);
    none.question = [];
    expect((await handleQuery(none, res, ctx)).rcode).toBe(RCODE.FORMERR);
    const two = q(TLSA_NAME, T.TLSA);
    two.question.push(two.question[0]!);
    const r = await handleQuery(two, res, ctx);
    expect(r.rcode).toBe(RCODE.FORMERR);
    expect(r.question).toHaveLength(1);
  });
  it('AXFR/IXFR: REFUSED; ANY: NOTIMP; class CH: REFUSED; EDNS version 1: BADVERS', async () => {
    expect((await handleQuery(q('example.fr.', 252), res, ctx)).rcode).toBe(RCODE.REFUSED);
    expect((await handleQuery(q('example.fr.', 251), res, ctx)).rcode).toBe(RCODE.REFUSED);
    expect((await handleQuery(q('example.fr.', T.ANY), res, ctx)).rcode).toBe(RCODE.NOTIMP);
    const ch = q('version.bind.', 16);
    ch.question[0] = { ...ch.question[0]!, class: 3 };
    expect((await handleQuery(ch, res, ctx)).rcode).toBe(RCODE.REFUSED);
    const v1 = q('example.fr.', T.A);
    v1.edns!.version = 1;
    const bad = await handleQuery(v1, res, ctx);
    expect(bad.rcode).toBe(RCODE.BADVERS);
    expect(bad.edns?.version).toBe(0);
    expect(res.calls).toHaveLength(0);
  });
});

describe('answerWire', () => {
  const res = resolver();
  it('drops short packets and responses; FORMERR for a decodable header with a broken body', async () => {
    expect(await answerWire(new Uint8Array(5), res, ctx)).toBeUndefined();
    const asResponse = encodeMessage(q(TLSA_NAME, T.TLSA));
    asResponse[2]! |= 0x80;
    expect(await answerWire(asResponse, res, ctx)).toBeUndefined();
    const broken = encodeMessage(q(TLSA_NAME, T.TLSA)).slice(0, 20);
    const reply = decodeMessage((await answerWire(broken, res, ctx))!);
    expect(reply.rcode).toBe(RCODE.FORMERR);
    expect(reply.id).toBe(4321);
    expect(reply.flags.qr).toBe(true);
  });

  it('truncates to 512 without EDNS and to the client size with EDNS, with TC; TCP unlimited', async () => {
    const big = new FakeResolver().on('big.example.', 'TXT', {
      answer: Array.from({ length: 15 }, (_, i) => rr(`big.example. 300 IN TXT "${'x'.repeat(40)}${i}"`)),
      verdict: insecure('unsigned'),
    });
    const noEdns = await answerWire(encodeMessage(q('big.example.', T.TXT, { edns: false })), big, ctx);
    expect(noEdns!.length).toBeLessThanOrEqual(512);
    expect(decodeMessage(noEdns!).flags.tc).toBe(true);
    const tcp = await answerWire(encodeMessage(q('big.example.', T.TXT, { edns: false })), big, { protocol: 'tcp' });
    expect(decodeMessage(tcp!).answer).toHaveLength(15);
    expect(decodeMessage(tcp!).flags.tc).toBe(false);
    const edns4096 = await answerWire(encodeMessage(q('big.example.', T.TXT, { udpSize: 4096 })), big, ctx);
    expect(decodeMessage(edns4096!).answer).toHaveLength(15); // ~860 octets: fits our 1232 cap
    expect(decodeMessage(edns4096!).flags.tc).toBe(false);
    const edns700 = await answerWire(encodeMessage(q('big.example.', T.TXT, { udpSize: 700 })), big, ctx);
    expect(edns700!.length).toBeLessThanOrEqual(700);
    expect(decodeMessage(edns700!).flags.tc).toBe(true);
    expect(decodeMessage(edns700!).edns?.udpSize).toBe(1232);
  });

  it('udpReplyLimit: client size clamped to 512..1232', () => {
    expect(udpReplyLimit(undefined)).toBe(512);
    expect(udpReplyLimit(q('a.', T.A, { udpSize: 100 }))).toBe(512);
    expect(udpReplyLimit(q('a.', T.A, { udpSize: 4096 }))).toBe(1232);
    expect(udpReplyLimit(q('a.', T.A, { udpSize: 800 }))).toBe(800);
  });

  it('never throws on random bytes', async () => {
    for (let i = 0; i < 300; i++) {
      const len = 12 + Math.floor(Math.random() * 60);
      const bytes = Uint8Array.from({ length: len }, () => Math.floor(Math.random() * 256));
      bytes[2]! &= 0x7f;
      const out = await answerWire(bytes, res, ctx);
      expect(out === undefined || out.length >= 12).toBe(true);
    }
  });
});
