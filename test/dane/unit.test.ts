/** Unit tests of the pure parts: owner names, TLSA records, lookup verdicts, agility, RPK, CLI functions. */
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaneVerify } from '../../cli/commands/dane-verify.js';
import { runTlsaRecord, tlsaRecordLine } from '../../cli/commands/tlsa-record.js';
import { chainCredential, parsePemChain, rpkCredential } from '../../dane/certs.js';
import { clientTlsaOwner, deviceIdentity, isDeviceIdentity, referenceIdentifiers, tlsaBaseDomains, tlsaOwner } from '../../dane/owner.js';
import { trustStoreFromFile } from '../../dane/pkix.js';
import { computeTlsa, formatTlsa, parseTlsa, toTlsaRecord, unusableReason } from '../../dane/tlsa.js';
import { verdictToJson } from '../../dane/verdict.js';
import { lookupAndVerify, verifyLookup, verifyTlsa } from '../../dane/verify.js';
import { buildCorpus } from './corpus.js';
import type { Corpus } from './corpus.js';
import { wrongHash } from './rrsets.js';

let corpus: Corpus;
beforeAll(() => {
  corpus = buildCorpus();
});
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));
const cert = (n: string): X509Certificate => new X509Certificate(readFileSync(corpus.file(n)));
const chainOf = (id: string) => chainCredential(parsePemChain(readFileSync(corpus.file(`${id}.chain.pem`), 'utf8')));
const rec = (n: string, u: number, s: number, m: number): string => formatTlsa(computeTlsa(cert(n), u, s, m));

describe('owner names', () => {
  it('builds _port._proto.host (RFC 6698 §3)', () => {
    expect(tlsaOwner('www.example.com', 443).toString()).toBe('_443._tcp.www.example.com.');
    expect(tlsaOwner('dns.example.', 853, 'udp').toString()).toBe('_853._udp.dns.example.');
    expect(() => tlsaOwner('x.example', 70000)).toThrow(/port/);
    expect(() => tlsaOwner('x.example', 443, 't.cp')).toThrow(/protocol/);
  });
  it('builds the DANCE client owners (Formats 1, 2, 3)', () => {
    expect(clientTlsaOwner('device1.example.com', 'smtp-client').toString()).toBe('_smtp-client.device1.example.com.');
    expect(deviceIdentity('sensor7', 'example.com').toString()).toBe('sensor7._device.example.com.');
    expect(clientTlsaOwner('eid1234._device.iotregistry.ca').toString()).toBe('eid1234._device.iotregistry.ca.');
    expect(clientTlsaOwner('device73.example.com').toString()).toBe('device73.example.com.');
    expect(isDeviceIdentity('eid1234._device.iotregistry.ca')).toBe(true);
    expect(isDeviceIdentity('_device.example.com')).toBe(false);
  });
  it('chooses TLSA base domains and reference ids per RFC 7671 §7', () => {
    const secure = { initial: 'www.example.com', expanded: 'host.cdn.example.net', secure: true };
    expect(tlsaBaseDomains(secure).map(String)).toEqual(['host.cdn.example.net.', 'www.example.com.']);
    expect(tlsaBaseDomains({ ...secure, secure: false }).map(String)).toEqual(['www.example.com.']);
    expect(referenceIdentifiers(secure, 'host.cdn.example.net')).toEqual(['host.cdn.example.net', 'www.example.com']);
    expect(referenceIdentifiers(secure, 'www.example.com')).toEqual(['www.example.com']);
  });
});

describe('TLSA records', () => {
  it('parses and prints U S M HEX, including zone-file spacing', () => {
    const r = parseTlsa('3 1 1 ( AB cd\n 01 )');
    expect(formatTlsa(r)).toBe('3 1 1 abcd01');
    expect(() => parseTlsa('3 1 1 abc')).toThrow(/even number/);
    expect(() => parseTlsa('256 1 1 ab')).toThrow(/0-255/);
  });
  it('flags unusable records (RFC 6698 §4.1)', () => {
    const h = 'ab'.repeat(32);
    expect(unusableReason(parseTlsa(`3 1 1 ${h}`))).toBeNull();
    expect(unusableReason(parseTlsa(`4 1 1 ${h}`))).toMatch(/usage/);
    expect(unusableReason(parseTlsa(`3 2 1 ${h}`))).toMatch(/selector/);
    expect(unusableReason(parseTlsa(`3 1 3 ${h}`))).toMatch(/matching type/);
    expect(unusableReason(parseTlsa(`3 1 2 ${h}`))).toMatch(/64-octet/);
  });
  it('accepts dns-packet shaped records without keeping them', () => {
    const input = { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 1) };
    const r = toTlsaRecord(input);
    r.data[0] = 9;
    expect(input.certificate[0]).toBe(1);
  });
});

describe('verification', () => {
  it('DANE-EE ignores dates and names (RFC 7671 §5.1), DANE-TA does not (§5.2)', async () => {
    const expired = chainOf('expired+root');
    expect((await verifyTlsa([rec('expired1.pem', 3, 1, 1)], expired, { names: ['nope.example'] })).verdict).toBe('dane-valid');
    expect((await verifyTlsa([rec('root1.pem', 2, 0, 1)], expired, { names: ['expired.example.net'] })).verdict).toBe('pkix-failed');
    const wrong = chainOf('wrongname+root');
    expect((await verifyTlsa([rec('root1.pem', 2, 1, 1)], wrong, { names: ['leaf.example.net'] })).verdict).toBe('name-mismatch');
  });
  it('DANE-TA 2 1 0 with the key absent from the chain (RFC 7671 §5.2.3)', async () => {
    const spki = Buffer.from(cert('root2.pem').publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
    const v = await verifyTlsa([`2 1 0 ${spki}`], chainOf('inter-ee+inter'), { names: ['deep.example.net'] });
    expect(v.verdict).toBe('dane-valid');
    expect(v.matched).toEqual({ usage: 2, selector: 1, mtype: 0, depth: 2 });
  });
  it('PKIX-EE needs the trust store; the name matters', async () => {
    const trustStore = trustStoreFromFile(corpus.trustStoreFile);
    const r = rec('pkleaf.pem', 1, 1, 1);
    expect((await verifyTlsa([r], chainOf('pkix+inter'), { names: ['www.pkix.example'], trustStore })).verdict).toBe('dane-valid');
    expect((await verifyTlsa([r], chainOf('pkix+inter'), { names: ['other.pkix.example'], trustStore })).verdict).toBe('name-mismatch');
    const otherStore = trustStoreFromFile(corpus.file('root1.pem'));
    expect((await verifyTlsa([r], chainOf('pkix+inter'), { names: ['www.pkix.example'], trustStore: otherStore })).verdict).toBe('pkix-failed');
  });
  it('gives one diagnostic per record, ignores weaker digests (RFC 7671 §9), never mutates inputs', async () => {
    const good = rec('leaf1.pem', 3, 1, 1);
    const records = [good, wrongHash(rec('leaf1.pem', 3, 1, 2)), '4 0 1 ' + 'aa'.repeat(32)];
    const frozen = JSON.stringify(records);
    const v = await verifyTlsa(records, chainOf('root-ee'), { names: ['leaf.example.net'] });
    expect(JSON.stringify(records)).toBe(frozen);
    expect(v.verdict).toBe('dane-mismatch');
    expect(v.records.map((r) => r.outcome)).toEqual(['ignored', 'mismatch', 'unusable']);
    expect(Object.keys(verdictToJson(v)).sort()).toEqual(['dnssec', 'ede', 'matched', 'reason', 'records', 'verdict']);
    expect(Object.keys(verdictToJson(v).records[0]!).sort()).toEqual(['depth', 'matched', 'reason', 'record', 'usable']);
  });
  it('matches raw public keys with selector 1 only (RFC 7250)', async () => {
    const spki = new Uint8Array(cert('ss-ed25519.pem').publicKey.export({ type: 'spki', format: 'der' }));
    const cred = rpkCredential(spki);
    expect((await verifyTlsa([rec('ss-ed25519.pem', 3, 1, 2)], cred, { names: [] })).verdict).toBe('dane-valid');
    expect((await verifyTlsa([rec('ss-ed25519.pem', 3, 0, 1)], cred, { names: [] })).verdict).toBe('dane-mismatch');
  });
});

describe('lookup results', () => {
  const cred = () => chainOf('ss-ec');
  const good = () => [rec('ss-ec.pem', 3, 1, 1)];
  it.each([
    [{ status: 'bogus', rcode: 2, reason: 'sig expired' }, 'bogus', 6],
    [{ status: 'insecure', rcode: 0, reason: 'no DS' }, 'insecure', null],
    [{ status: 'indeterminate', rcode: 2, reason: 'no anchor' }, 'lookup-failed', null],
    [{ status: 'secure', rcode: 2, reason: 'SERVFAIL' }, 'lookup-failed', null],
    [{ status: 'secure', rcode: 3, reason: 'NSEC proves NXDOMAIN', records: [] }, 'no-tlsa', null],
    [{ status: 'secure', rcode: 'NOERROR', reason: 'NODATA', records: [] }, 'no-tlsa', null],
    [{ status: 'secure', rcode: 0, reason: 'ok' }, 'dane-valid', null],
  ])('%o → %s', async (partial, verdict, ede) => {
    const v = await verifyLookup({ records: good(), ...partial }, cred(), { names: ['ec.example.net'] });
    expect(v.verdict).toBe(verdict);
    expect(v.ede).toBe(ede);
    expect(v.dnssec?.status).toBe(partial.status);
  });
  it('a throwing lookup is lookup-failed, not an exception', async () => {
    const v = await lookupAndVerify(async () => {
      throw new Error('timeout');
    }, '_443._tcp.x.', cred(), { names: ['x'] });
    expect(v.verdict).toBe('lookup-failed');
  });
});

describe('CLI functions', () => {
  it('tlsa-record prints RDATA or a zone line', () => {
    const pem = readFileSync(corpus.file('ss-ec.pem'), 'utf8');
    expect(tlsaRecordLine(pem, {})).toBe(rec('ss-ec.pem', 3, 1, 1));
    expect(tlsaRecordLine(pem, { usage: '2', selector: '0', mtype: '2', owner: '_443._tcp.ec.example.net' })).toBe(`_443._tcp.ec.example.net. IN TLSA ${rec('ss-ec.pem', 2, 0, 2)}`);
    expect(runTlsaRecord({ cert: corpus.file('ss-ec.pem'), mtype: '7' }).exitCode).toBe(64);
    expect(runTlsaRecord({ cert: '/nonexistent.pem' }).exitCode).toBe(64);
  });
  it('dane-verify exit codes: 0 valid, 1 other verdict, 64 usage', async () => {
    const chain = corpus.file('ss-ec.chain.pem');
    expect((await runDaneVerify({ chain, name: 'ec.example.net', tlsa: [rec('ss-ec.pem', 3, 1, 1)] })).exitCode).toBe(0);
    expect((await runDaneVerify({ chain, name: 'ec.example.net', tlsa: [wrongHash(rec('ss-ec.pem', 3, 1, 1))] })).exitCode).toBe(1);
    expect((await runDaneVerify({ chain, name: 'ec.example.net', tlsa: ['3 1 1 zz'] })).exitCode).toBe(64);
    expect((await runDaneVerify({ chain, name: 'ec.example.net', tlsa: [] })).exitCode).toBe(64);
    const json = await runDaneVerify({ chain, name: 'ec.example.net', tlsa: [rec('ss-ec.pem', 3, 1, 1)], json: true });
    expect(JSON.parse(json.stdout).matched).toEqual({ usage: 3, selector: 1, mtype: 1, depth: 0 });
  });
});
