import { describe, expect, it } from 'vitest';
import { Acl, AclError, addressBytes, parsePrefix } from '../../server/acl.js';

describe('Acl: longest prefix wins, loopback only by default', () => {
  it('with no rules answers loopback (IPv4, IPv6, IPv4-mapped) and refuses everyone else', () => {
    const acl = new Acl();
    expect(acl.decide('127.0.0.1')).toBe('allow');
    expect(acl.decide('127.200.1.9')).toBe('allow');
    expect(acl.decide('::1')).toBe('allow');
    expect(acl.decide('::ffff:127.0.0.1')).toBe('allow');
    expect(acl.decide('192.0.2.1')).toBe('refuse');
    expect(acl.decide('2001:db8::1')).toBe('refuse');
    expect(acl.decide('::2')).toBe('refuse');
  });

  it('the most specific prefix decides, whatever the order of the rules', () => {
    const acl = new Acl([
      { prefix: '192.0.2.66', action: 'drop' },
      { prefix: '192.0.0.0/16', action: 'allow' },
      { prefix: '192.0.2.0/24', action: 'refuse' },
      { prefix: '2001:db8::/32', action: 'allow' },
      { prefix: '2001:db8:bad::/48', action: 'drop' },
    ]);
    expect(acl.decide('192.0.1.5')).toBe('allow');
    expect(acl.decide('192.0.2.5')).toBe('refuse');
    expect(acl.decide('192.0.2.66')).toBe('drop');
    expect(acl.decide('::ffff:192.0.2.66')).toBe('drop');
    expect(acl.decide('2001:db8:1::1')).toBe('allow');
    expect(acl.decide('2001:db8:bad:1::1')).toBe('drop');
    expect(acl.decide('198.51.100.1')).toBe('refuse');
  });

  it('a rule can override the loopback default; for equal prefixes the later rule wins', () => {
    expect(new Acl([{ prefix: '127.0.0.0/8', action: 'refuse' }]).decide('127.0.0.1')).toBe('refuse');
    expect(new Acl([{ prefix: '10.0.0.0/8', action: 'refuse' }, { prefix: '10.0.0.0/8', action: 'allow' }]).decide('10.1.2.3')).toBe('allow');
  });

  it('prefix lengths that do not end on a byte boundary', () => {
    const acl = new Acl([{ prefix: '10.0.0.0/9', action: 'allow' }, { prefix: 'fe80::/10', action: 'allow' }]);
    expect(acl.decide('10.127.255.255')).toBe('allow');
    expect(acl.decide('10.128.0.0')).toBe('refuse');
    expect(acl.decide('febf::1')).toBe('allow');
    expect(acl.decide('fec0::1')).toBe('refuse');
  });

  it('names the prefixes that open the resolver to the world', () => {
    expect(new Acl([{ prefix: '0.0.0.0/0', action: 'allow' }, { prefix: '::/0', action: 'allow' }]).openPrefixes()).toEqual(['0.0.0.0/0', '::/0']);
    expect(new Acl([{ prefix: '0.0.0.0/1', action: 'allow' }, { prefix: '::/0', action: 'refuse' }]).openPrefixes()).toEqual([]);
  });

  it('rejects what is not a prefix, and drops a client address it cannot read', () => {
    expect(() => parsePrefix('10.0.0.0/33')).toThrow(AclError);
    expect(() => parsePrefix('10.0.0/8')).toThrow(/not an IP address/);
    expect(() => parsePrefix('::/129')).toThrow(/exceeds 128/);
    expect(() => parsePrefix('10.0.0.0/x')).toThrow(/must be a number/);
    expect(parsePrefix('[2001:db8::]/32').bits).toBe(32);
    expect(new Acl().decide('not-an-address')).toBe('drop');
  });

  it('reads IPv6 in its compressed, embedded-IPv4 and zone-index forms', () => {
    expect([...addressBytes('::ffff:192.0.2.1')].slice(10)).toEqual([0xff, 0xff, 192, 0, 2, 1]);
    expect([...addressBytes('2001:db8::1')]).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...addressBytes('fe80::1%eth0')].slice(0, 2)).toEqual([0xfe, 0x80]);
  });
});
