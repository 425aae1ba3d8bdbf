/** parseDigOutput / digArgs on dig 9.18 output captured from the hierarchy (no network needed). */
import { describe, expect, it } from 'vitest';
import { DigError, digArgs, parseDigOutput } from './dig.js';

const BOGUS = `;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 31431
;; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
; EDE: 7 (Signature Expired): (validation failure <www.expired.example. A IN>: signature expired)
;; QUESTION SECTION:
;www.expired.example.		IN	A

;; Query time: 4 msec
`;

const TRUNCATED_THEN_TCP = `;; Truncated, retrying in TCP mode.
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 12884
;; flags: qr rd ra ad; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;_443._tcp.big.iot.example.	IN	TLSA

;; ANSWER SECTION:
_443._tcp.big.iot.example. 3600	IN	TLSA	3 1 2 AA
_443._tcp.big.iot.example. 3600	IN	RRSIG	TLSA 13 5 3600 20360101000000 20240101000000 55090 iot.example. abc=

;; Query time: 0 msec
;; SERVER: 127.53.0.53#53(127.53.0.53) (TCP)
`;

describe('parseDigOutput', () => {
  it('reads rcode, flags and the EDE code with its text', () => {
    const result = parseDigOutput(BOGUS);
    expect(result.rcode).toBe('SERVFAIL');
    expect(result.ad).toBe(false);
    expect(result.ede).toBe(7);
    expect(result.edes).toEqual([7]);
    expect(result.edeText).toContain('signature expired');
    expect(result.answer).toEqual([]);
    expect(result.tc).toBeUndefined();
  });

  it('reports TC when dig retried over TCP, and parses the TCP answer', () => {
    const result = parseDigOutput(TRUNCATED_THEN_TCP);
    expect(result.tc).toBe(true);
    expect(result.ad).toBe(true);
    expect(result.ede).toBeUndefined();
    expect(result.answer).toEqual([
      '_443._tcp.big.iot.example. 3600 IN TLSA 3 1 2 AA',
      '_443._tcp.big.iot.example. 3600 IN RRSIG TLSA 13 5 3600 20360101000000 20240101000000 55090 iot.example. abc=',
    ]);
  });

  it('throws DigError when dig got no answer', () => {
    expect(() => parseDigOutput(';; connection timed out; no servers could be reached\n')).toThrow(DigError);
  });
});

describe('digArgs', () => {
  it('asks for recursion and DNSSEC by default, and can turn both off', () => {
    expect(digArgs('127.53.0.53', 'a.example.', 'A')).toEqual(expect.arrayContaining(['@127.53.0.53', '+rec', '+dnssec']));
    const plain = digArgs('127.53.1.1', 'a.example.', 'A', { recurse: false, dnssec: false, tcp: true });
    expect(plain).toEqual(expect.arrayContaining(['+norec', '+nodnssec', '+tcp']));
  });
});
