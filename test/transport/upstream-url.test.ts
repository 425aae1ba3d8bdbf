import { describe, expect, it } from 'vitest';
import { parseUpstreamUrl, UpstreamUrlError } from '../../resolver/forward/upstream-url.js';
import { ForwardTable, parseForwardSpec } from '../../resolver/forward/zone-table.js';
import { Name } from '../../resolver/wire/name.js';

const PIN = `sha256/${Buffer.alloc(32, 7).toString('base64')}`;

describe('upstream URLs', () => {
  it('parses udp and tcp with default and explicit ports, IPv4 and IPv6', () => {
    expect(parseUpstreamUrl('udp://127.0.0.1')).toMatchObject({ kind: 'udp', host: '127.0.0.1', port: 53 });
    expect(parseUpstreamUrl('tcp://[::1]:5353')).toMatchObject({ kind: 'tcp', host: '::1', port: 5353 });
  });

  it('parses tls with the RFC 7858 port 853, an authentication name and pins', () => {
    const u = parseUpstreamUrl(`tls://192.0.2.1?name=dns.example&pin=${PIN}`);
    expect(u).toMatchObject({ kind: 'tls', host: '192.0.2.1', port: 853, auth: { name: 'dns.example' } });
    expect(Buffer.from(u.auth!.pins[0]!)).toEqual(Buffer.alloc(32, 7));
  });

  it('keeps a + in a standard-base64 pin (URLSearchParams would make it a space)', () => {
    const raw = Buffer.alloc(32, 0xfb); // base64 of 0xfb bytes is full of '+' and '/'
    const u = parseUpstreamUrl(`tls://192.0.2.1?pin=sha256/${raw.toString('base64')}`);
    expect(Buffer.from(u.auth!.pins[0]!)).toEqual(raw);
  });

  it('parses https: HOST is the authentication name unless name= is given; POST by default', () => {
    expect(parseUpstreamUrl('https://dns.example/dns-query')).toMatchObject({ kind: 'https', host: 'dns.example', port: 443, path: '/dns-query', method: 'POST', auth: { name: 'dns.example', pins: [] } });
    expect(parseUpstreamUrl('https://127.0.0.1:8443/q?name=doh.example&method=get')).toMatchObject({ port: 8443, method: 'GET', auth: { name: 'doh.example' } });
  });

  it.each([
    ['ftp://127.0.0.1', /unknown scheme/],
    ['udp://dns.example', /not an IP address/],
    ['tls://127.0.0.1', /needs \?name=AUTH-NAME/],
    ['tls://127.0.0.1:0?name=a', /out of range|bad upstream/],
    ['tls://127.0.0.1?name=a&pin=md5/AAAA', /must start with sha256/],
    ['tls://127.0.0.1?pin=sha256/AAAA', /is 3 octets/],
    ['tls://127.0.0.1?name=a&foo=1', /unknown parameter "foo"/],
    ['udp://127.0.0.1/path', /takes no path/],
    ['https://127.0.0.1', /needs the DoH path/],
    ['https://127.0.0.1/q?method=put', /method must be get or post/],
    ['not a url', /not a URL/],
    ['tls://u:p@127.0.0.1?name=a', /user information/],
  ])('refuses %s', (text, why) => {
    expect(() => parseUpstreamUrl(text)).toThrow(UpstreamUrlError);
    expect(() => parseUpstreamUrl(text)).toThrow(why);
  });
});

describe('forward-zone table', () => {
  const table = ForwardTable.parse([
    '.=udp://127.0.0.1',
    'corp.example=tls://127.0.0.2?name=r.corp.example,tls://127.0.0.3?name=r.corp.example',
    'lab.corp.example.=https://127.0.0.4/dns-query',
  ]);

  it('the longest matching zone wins, case-insensitively', () => {
    expect(table.match(Name.parse('x.LAB.corp.example.'))!.zone.toString()).toBe('lab.corp.example.');
    expect(table.match(Name.parse('corp.example.'))!.upstreams).toHaveLength(2);
    expect(table.match(Name.parse('other.example.'))!.zone.isRoot).toBe(true);
  });

  it('names under no forwarded zone are iterated', () => {
    const t = ForwardTable.parse(['corp.example=udp://127.0.0.1']);
    expect(t.match(Name.parse('www.example.'))).toBeUndefined();
    expect(t.match(Name.parse('a.corp.example.'))).toBeDefined();
  });

  it.each([
    ['corp.example', /expected ZONE=URL/],
    ['=udp://127.0.0.1', /expected ZONE=URL/],
    ['corp.example=', /no upstream URL/],
    ['a..b=udp://127.0.0.1', /zone/],
    [`x=${Array(9).fill('udp://127.0.0.1').join(',')}`, /at most 8/],
  ])('refuses --forward %s', (spec, why) => {
    expect(() => parseForwardSpec(spec)).toThrow(why);
  });

  it('refuses the same zone twice', () => {
    expect(() => ForwardTable.parse(['a.=udp://127.0.0.1', 'A=udp://127.0.0.2'])).toThrow(/more than once/);
  });
});
