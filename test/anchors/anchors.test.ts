import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { loadRootHints, parseRootHints } from '../../anchors/root-hints.js';
import { addressOf } from '../../resolver/wire/rdata.js';
import { loadTrustAnchors, parseTrustAnchors } from '../../anchors/trust-anchors.js';
import { builtinRootAnchors, builtinRootHints } from '../../anchors/builtin.js';
import { AnchorError } from '../../anchors/errors.js';
import { FixedClock } from '../../resolver/clock.js';
import { T } from '../../resolver/wire/types.js';
import type { RR } from '../../resolver/wire/types.js';
import { toHex } from '../../resolver/wire/encoding.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const clock2026 = new FixedClock(Date.parse('2026-11-26T00:00:00Z'));

function dsText(rr: RR): string {
  const d = rr.rdata;
  return `${rr.name} DS ${(d[0]! << 8) | d[1]!} ${d[2]} ${d[3]} ${toHex(d.subarray(4))}`;
}

function anchorError(fn: () => unknown): AnchorError {
  try { fn(); } catch (err) { expect(err).toBeInstanceOf(AnchorError); return err as AnchorError; }
  throw new Error('expected an AnchorError');
}

describe('root hints (named.root)', () => {
  it('parses the IANA named.root file into 13 servers with IPv4 and IPv6', () => {
    const hints = loadRootHints(fixture('named.root'));
    expect(hints).toHaveLength(13);
    expect(hints[0]!.name.toString().toLowerCase()).toBe('a.root-servers.net.');
    expect(hints[0]!.addresses).toEqual(['198.41.0.4', '2001:503:ba3e::2:30']);
    expect(hints[12]!.addresses).toEqual(['202.12.27.33', '2001:dc3::35']);
  });

  it('the built-in hints equal the IANA file', () => {
    const fromFile = loadRootHints(fixture('named.root')).map((h) => [h.name.toString().toLowerCase(), h.addresses]);
    expect(builtinRootHints().map((h) => [h.name.toString(), h.addresses])).toEqual(fromFile);
  });

  it('parses a private loopback root', () => {
    const hints = loadRootHints(fixture('private-hints'));
    expect(hints.map((h) => [h.name.toString(), h.addresses])).toEqual([
      ['ns1.root.', ['127.53.0.1']],
      ['ns2.root.', ['127.53.0.2', '::1']],
    ]);
  });

  it('formats IPv6 per RFC 5952', () => {
    const v6 = (hex: string): string => addressOf({ type: T.AAAA, rdata: Uint8Array.from(Buffer.from(hex, 'hex')) })!;
    expect(v6('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(v6('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
    expect(v6('00000000000000000000000000000000')).toBe('::');
    expect(v6('20010db8000100020003000400050006')).toBe('2001:db8:1:2:3:4:5:6');
  });

  it('reports unreadable files, syntax errors with file:line, and hints without a root NS', () => {
    expect(anchorError(() => loadRootHints('/nonexistent/hints')).code).toBe('FILE_UNREADABLE');
    const syntax = anchorError(() => parseRootHints('. 3600 IN NS a.root.\na.root. 3600 IN A 999.1.1.1\n', 'h.txt'));
    expect(syntax.code).toBe('SYNTAX');
    expect(syntax.message).toMatch(/^h\.txt:2:/);
    expect(syntax.line).toBe(2);
    expect(anchorError(() => parseRootHints('a.root. 3600 IN A 127.0.0.1\n', 'h')).code).toBe('EMPTY');
    expect(anchorError(() => parseRootHints('. 3600 IN NS a.root.\n', 'h')).code).toBe('EMPTY');
  });
});

describe('trust anchors', () => {
  it('built-in: IANA KSK-2017 (20326) and KSK-2024 (38696) as SHA-256 DS', () => {
    expect(builtinRootAnchors().map(dsText)).toEqual([
      '. DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
      '. DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16',
    ]);
    expect(loadTrustAnchors([], clock2026).map(dsText)).toEqual(builtinRootAnchors().map(dsText));
  });

  it('the IANA root.ds zone-file lines give the same records as the built-in ones', () => {
    expect(loadTrustAnchors([fixture('root.ds')], clock2026).map(dsText)).toEqual(builtinRootAnchors().map(dsText));
  });

  it('reads DNSKEY anchors (root.key)', () => {
    const keys = loadTrustAnchors([fixture('root.key')], clock2026);
    expect(keys.map((k) => k.type)).toEqual([T.DNSKEY, T.DNSKEY]);
    expect((keys[0]!.rdata[0]! << 8) | keys[0]!.rdata[1]!).toBe(257);
  });

  it('RFC 7958 XML: skips the expired KSK-2010, keeps 20326 and 38696', () => {
    const anchors = loadTrustAnchors([fixture('root-anchors.xml')], clock2026);
    expect(anchors.map(dsText)).toEqual(builtinRootAnchors().map(dsText));
  });

  it('RFC 7958 XML honours validFrom/validUntil against the clock', () => {
    const xml = readFileSync(fixture('root-anchors.xml'), 'utf8');
    const tags = (ms: number): number[] => parseTrustAnchors(xml, new FixedClock(ms)).map((r) => (r.rdata[0]! << 8) | r.rdata[1]!);
    expect(tags(Date.parse('2015-01-01T00:00:00Z'))).toEqual([19036]);
    expect(tags(Date.parse('2018-06-01T00:00:00Z'))).toEqual([19036, 20326]);
    expect(tags(Date.parse('2019-01-11T00:00:00Z'))).toEqual([20326]);
    expect(anchorError(() => tags(Date.parse('2009-01-01T00:00:00Z'))).code).toBe('NO_VALID_ANCHOR');
  });

  it('several files add up, any owners, and replace the built-in root anchors', () => {
    const anchors = loadTrustAnchors([fixture('private.anchors'), fixture('root.key')], clock2026);
    expect(anchors.map((a) => `${a.name} ${a.type}`)).toEqual(['. 43', 'example.fr. 48', '. 48', '. 48']);
    expect(anchors.some((a) => dsText(a).includes('20326'))).toBe(false);
  });

  it('clear errors: unreadable, wrong type, bad syntax with line, non-zone key, bad XML digest', () => {
    const unreadable = anchorError(() => loadTrustAnchors(['/nonexistent/anchor'], clock2026));
    expect(unreadable.code).toBe('FILE_UNREADABLE');
    expect(unreadable.message).toContain('/nonexistent/anchor');
    const wrong = anchorError(() => loadTrustAnchors([fixture('bad-type.anchors')], clock2026));
    expect(wrong.code).toBe('WRONG_TYPE');
    expect(wrong.message).toMatch(/bad-type\.anchors: example\.fr\. A/);
    const syntax = anchorError(() => loadTrustAnchors([fixture('bad-syntax.anchors')], clock2026));
    expect(syntax.code).toBe('SYNTAX');
    expect(syntax.message).toContain('bad-syntax.anchors:3:');
    expect(anchorError(() => loadTrustAnchors([fixture('zsk.anchors')], clock2026)).code).toBe('BAD_RECORD');
    const xml = anchorError(() => loadTrustAnchors([fixture('bad-digest.xml')], clock2026));
    expect(xml.message).toContain('bad-digest.xml:4:');
  });

  it('`none` and an empty file name no anchor: nothing to validate against (the caller warns)', () => {
    expect(parseTrustAnchors('; nothing\n\n', clock2026, 'empty')).toEqual([]);
    expect(loadTrustAnchors(['none'], clock2026)).toEqual([]);
    // An empty file next to a real one adds nothing and removes nothing.
    expect(loadTrustAnchors(['none', fixture('root.key')], clock2026).length).toBeGreaterThan(0);
  });

  it('a DS anchor whose digest length does not fit its type is a config error, not a SERVFAIL at run time', () => {
    const short = anchorError(() => parseTrustAnchors('. IN DS 20326 8 2 ' + 'AB'.repeat(31) + '\n', clock2026, 'short.ds'));
    expect(short.code).toBe('BAD_RECORD');
    expect(short.message).toContain('digest type 2 needs 32 octets, got 31');
    expect(anchorError(() => parseTrustAnchors('. IN DS 20326 8 1 ' + 'AB'.repeat(32) + '\n', clock2026, 'long.ds')).message)
      .toContain('digest type 1 needs 20 octets');
    // Unassigned digest types have no known length: accepted here, and insecure at validation (RFC 4035 §5.2).
    expect(parseTrustAnchors('. IN DS 20326 8 200 ' + 'AB'.repeat(7) + '\n', clock2026, 'other.ds')).toHaveLength(1);
    const xml = readFileSync(fixture('root-anchors.xml'), 'utf8').replace(/<Digest>[0-9A-Fa-f]+<\/Digest>/g, '<Digest>ABCD</Digest>');
    expect(anchorError(() => parseTrustAnchors(xml, clock2026, 'short.xml')).message).toMatch(/short\.xml:\d+: .*needs 32 octets, got 2/);
  });
});

