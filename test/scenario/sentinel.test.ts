/**
 * The root key trust anchor sentinel (RFC 8509) over the real iterative resolver on the scripted network: the
 * label's claim about a root key tag turns a validated answer into SERVFAIL when false, and nothing else changes.
 */
import { describe, expect, it } from 'vitest';
import { applySentinel, rootAnchorKeyTags, SentinelResolver, sentinelOf } from '../../resolver/sentinel.js';
import { decodeDs } from '../../resolver/wire/dnssec-rdata.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { secure } from '../../resolver/dnssec/verdict.js';
import { keyTag } from '../../resolver/dnssec/keytag.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor } from './hierarchy.js';
import { standardZones } from './zones.js';

describe('sentinel labels (RFC 8509 §2)', () => {
  it('reads is-ta and not-ta with a five-digit key tag, case-insensitively, in the leftmost label only', () => {
    expect(sentinelOf(n('root-key-sentinel-is-ta-20326.example.com'))).toEqual({ kind: 'is-ta', keyTag: 20326 });
    expect(sentinelOf(n('ROOT-KEY-SENTINEL-NOT-TA-00042.example.com'))).toEqual({ kind: 'not-ta', keyTag: 42 });
    expect(sentinelOf(n('root-key-sentinel-is-ta-2032.example.com'))).toBeUndefined(); // four digits
    expect(sentinelOf(n('root-key-sentinel-is-ta-99999.example.com'))).toBeUndefined(); // not a 16-bit tag
    expect(sentinelOf(n('www.root-key-sentinel-is-ta-20326.example.com'))).toBeUndefined();
    expect(sentinelOf(n('.'))).toBeUndefined();
  });

  it('takes key tags from root anchors only: DS Key Tag fields and computed DNSKEY tags', () => {
    const h = buildHierarchy(standardZones());
    const rootDs = h.rootAnchor[0]!;
    const comKey = h.keys.get(n('com').key)!.dnskey;
    const rootKey = h.keys.get(n('.').key)!.dnskey;
    const tags = rootAnchorKeyTags([rootDs, comKey, { ...rootKey }]);
    expect([...tags]).toEqual([decodeDs(rootDs.rdata).keyTag]); // the root DNSKEY has the DS's tag; com. does not count
    expect(tags.has(keyTag(rootKey.rdata))).toBe(true);
  });
});

describe('sentinel answers (RFC 8509 §3.1)', () => {
  const h = buildHierarchy(standardZones());
  const tag = decodeDs(h.rootAnchor[0]!.rdata).keyTag;
  const other = (tag + 1) % 0x10000;
  const pad = (t: number): string => String(t).padStart(5, '0');
  const resolver = new SentinelResolver(resolverFor(h), rootAnchorKeyTags(h.rootAnchor));

  it('is-ta for the anchor and not-ta for another tag answer as the name would (a secure wildcard A)', async () => {
    for (const label of [`root-key-sentinel-is-ta-${pad(tag)}`, `root-key-sentinel-not-ta-${pad(other)}`]) {
      const r = await resolver.resolve(n(`${label}.wild.example.com`), T.A);
      expect([r.rcode, r.verdict.status, r.answer.some((rr) => rr.type === T.A)], label).toEqual([RCODE.NOERROR, 'secure', true]);
    }
  });

  it('is-ta for another tag and not-ta for the anchor are SERVFAIL, saying why', async () => {
    for (const label of [`root-key-sentinel-is-ta-${pad(other)}`, `root-key-sentinel-not-ta-${pad(tag)}`]) {
      const r = await resolver.resolve(n(`${label}.wild.example.com`), T.AAAA);
      expect([r.rcode, r.answer.length], label).toEqual([RCODE.SERVFAIL, 0]);
      expect(r.verdict.reason).toContain('RFC 8509');
    }
  });

  it('leaves other types, CD queries and insecure answers alone', async () => {
    const not = `root-key-sentinel-not-ta-${pad(tag)}`;
    const txt = await resolver.resolve(n(`${not}.wild.example.com`), T.TXT);
    expect(txt.rcode).toBe(RCODE.NOERROR); // NODATA, secure: TXT is no sentinel type
    const cd = await resolver.resolve(n(`${not}.wild.example.com`), T.A, { cd: true });
    expect(cd.rcode).toBe(RCODE.NOERROR);
    const insecure = await resolver.resolve(n(`${not}.insecure.com`), T.A);
    expect([insecure.rcode, insecure.verdict.status]).toEqual([RCODE.NXDOMAIN, 'insecure']);
  });

  it('is pure on a result: a secure NXDOMAIN counts as validated', () => {
    const qname = n(`root-key-sentinel-is-ta-${pad(other)}.example.com`);
    const nx = { qname, qtype: T.A, rcode: RCODE.NXDOMAIN, answer: [], authority: [], verdict: secure('proven') };
    expect(applySentinel(nx, T.A, false, new Set([tag])).rcode).toBe(RCODE.SERVFAIL);
    expect(applySentinel(nx, T.A, false, new Set([other]))).toBe(nx);
    expect(applySentinel(nx, T.A, true, new Set([tag]))).toBe(nx);
  });
});
