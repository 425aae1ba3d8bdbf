/**
 * 0x20 through the driver (scripted network): queries carry random case, a server that answers in another case
 * is asked again with the plain name and then remembered, and the client never sees the random case.
 */
import { describe, expect, it } from 'vitest';
import { RCODE, T } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

describe('QNAME case randomisation (0x20) in resolution', () => {
  it('sends mixed case upstream; the answer carries the name as the client asked it', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const sent = h.net.log.map((q) => q.sentQname).filter((s) => /[a-z]/i.test(s));
    expect(sent.some((s) => s !== s.toLowerCase())).toBe(true);
    expect(r.answer.every((rr) => rr.name.toString() === 'www.example.com.')).toBe(true);
  });

  it('off: every name goes out as given', async () => {
    const h = buildHierarchy(standardZones());
    await resolverFor(h, { qnameCaseRandomisation: false }).resolve(n('www.example.com'), T.A);
    expect(h.net.log.every((q) => q.sentQname === q.qname)).toBe(true);
  });

  it('a server that lowercases the question is asked again with the plain name, then only with plain names', async () => {
    const h = buildHierarchy(standardZones());
    for (const a of [ADDR.example1, ADDR.example2]) {
      h.net.setTamper(a, (reply) => ({ ...reply, question: reply.question.map((q) => ({ ...q, name: q.name.toLowerCase() })) }));
    }
    const resolver = resolverFor(h);
    const r = await resolver.resolve(n('www.example.com'), T.A);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const before = h.net.log.length;
    await resolver.resolve(n('mail.example.com'), T.A);
    const later = h.net.log.slice(before).filter((q) => q.address === ADDR.example1 || q.address === ADDR.example2);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((q) => q.sentQname === q.qname)).toBe(true);
  });
});
