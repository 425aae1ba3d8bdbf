/**
 * The zone parser against what real tools print (files made by test/fixtures/sign.sh, committed):
 *  - signed zones from dnssec-signzone (default text style and `-O full`) and ldns-signzone must give exactly the
 *    bytes that ldns's own parser gives, re-printed by `ldns-read-zone -U HINFO` as RFC 3597 `\# LEN HEX`;
 *  - named-compilezone's relative and full styles give the source zone's records;
 *  - the IANA named.root parses to the 13 root servers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { T, type RR } from '../../resolver/wire/types.js';
import { toHex } from '../../resolver/wire/encoding.js';
import { parseZone } from '../../resolver/wire/zonefile.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, FIXTURES), 'utf8');
const ORIGIN = Name.parse('example.');

/** Exact identity of a record: owner bytes (case kept), type, class, TTL, RDATA bytes. */
const exact = (rr: RR): string => `${toHex(rr.name.wire)} ${rr.type} ${rr.class} ${rr.ttl} ${toHex(rr.rdata)}`;
/** Identity with the owner compared as DNS names (BIND's relative style prints a node's owner once). */
const byName = (rr: RR): string => `${JSON.stringify(rr.name.key)} ${rr.type} ${rr.class} ${rr.ttl} ${toHex(rr.rdata)}`;
const sorted = (rrs: RR[], key: (rr: RR) => string): string[] => rrs.map(key).sort();

describe('signed zones: daneel parser == ldns parser, byte for byte', () => {
  const cases = ['bind-alg8', 'bind-alg7', 'bind-alg15', 'ldns-alg13', 'ldns-alg14'];
  it.each(cases)('%s', (name) => {
    const ours = parseZone(read(`signed/${name}.zone`), { file: `${name}.zone`, origin: ORIGIN });
    const theirs = parseZone(read(`generic/${name}.zone.generic`), { file: `${name}.zone.generic` });
    expect(ours.length).toBeGreaterThan(90);
    expect(sorted(ours, exact)).toEqual(sorted(theirs, exact));
  });

  it('the unsigned source zone, with every escape in it', () => {
    const ours = parseZone(read('zones/example.zone'), { file: 'example.zone' });
    const theirs = parseZone(read('generic/example.zone.generic'));
    expect(sorted(ours, exact)).toEqual(sorted(theirs, exact));
  });
});

describe('named-compilezone output', () => {
  const source = parseZone(read('zones/example.zone'));
  it('full style (one record per line, each owner spelled as loaded) gives the exact records', () => {
    expect(sorted(parseZone(read('generic/example.compiled-full')), exact)).toEqual(sorted(source, exact));
  });
  it('relative style ($ORIGIN changes, omitted owners, multi-line SOA) gives the same records', () => {
    expect(sorted(parseZone(read('generic/example.compiled-relative')), byName)).toEqual(sorted(source, byName));
  });
});

describe('named.root (IANA root hints)', () => {
  it('gives 13 root NS with an A and an AAAA each', () => {
    const rrs = parseZone(read('generic/named.root'), { file: 'named.root' });
    const ns = rrs.filter((r) => r.type === T.NS && r.name.isRoot);
    expect(ns).toHaveLength(13);
    expect(rrs.filter((r) => r.type === T.A)).toHaveLength(13);
    expect(rrs.filter((r) => r.type === T.AAAA)).toHaveLength(13);
    expect(rrs.every((r) => r.ttl === 3600000)).toBe(true);
  });
});
