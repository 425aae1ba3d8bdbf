// Pure pieces of the benchmark harness: dnsperf -v output, percentiles, DNS header and question reads.
import { describe, expect, it } from 'vitest';
import packet from 'dns-packet';
import { DnsperfOutput } from '../../bench/lib/dnsperf.js';
import { percentile } from '../../bench/lib/report.js';
import { queryType, readHeader } from '../../bench/lib/dns-header.js';

// dnsperf 2.10 output, trimmed: per-query lines (-v), one timed-out query, then the summary
const DNSPERF_OUTPUT = `DNS Performance Testing Tool
Version 2.10.0

[Status] Command line: dnsperf -s 127.53.0.53 -d q.txt -n 2 -v -D
> NOERROR _443._tcp.www.iot.example. TLSA 0.011228
> NOERROR _443._tcp.www.iot.example. TLSA 0.001000
> SERVFAIL _443._tcp.www.alg13.example. TLSA 0.002000
> T _443._tcp.www.alg13.example. TLSA
[Status] Testing complete (end of file)

Statistics:

  Queries sent:         4
  Queries completed:    3 (75.00%)
  Queries lost:         1 (25.00%)

  Response codes:       NOERROR 2 (66.67%), SERVFAIL 1 (33.33%)
  Average packet size:  request 55, response 233
  Run time (s):         0.020800
  Queries per second:   192.307692
`;

describe('dnsperf -v output', () => {
  it('reads the summary, counts outcomes, and takes percentiles over the answered queries only', () => {
    const out = new DnsperfOutput();
    for (const line of DNSPERF_OUTPUT.split('\n')) out.add(line);
    const r = out.result();
    expect(r).toMatchObject({ qps: 192.307692, sent: 4, completed: 3, lost: 1, rcodes: { NOERROR: 2, SERVFAIL: 1, T: 1 } });
    expect(r.p50Ms).toBeCloseTo(2, 6);
    expect(r.p99Ms).toBeCloseTo(11.228, 6);
  });

  it('fails clearly when dnsperf printed no summary', () => {
    const out = new DnsperfOutput();
    out.add('> NOERROR a. TLSA 0.001');
    expect(() => out.result()).toThrow(/Queries per second/);
  });
});

describe('percentile (nearest rank)', () => {
  it('picks ranks from the sorted values', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('DNS header and question', () => {
  const query = packet.encode({ type: 'query', id: 0x1234, flags: packet.RECURSION_DESIRED, questions: [{ type: 'DNSKEY', name: 'z1.bench' }] });

  it('reads the query type after the name', () => {
    expect(queryType(query)).toBe('DNSKEY');
    expect(queryType(packet.encode({ type: 'query', id: 1, questions: [{ type: 'TLSA', name: '_443._tcp.www.z1.bench' }] }))).toBe('TLSA');
  });

  it('gives ? for a question cut short or a compressed name', () => {
    expect(queryType(query.subarray(0, query.length - 3))).toBe('?');
    const compressed = Buffer.concat([query.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    expect(queryType(compressed)).toBe('?');
  });

  it('reads id, TC, AD, rcode and answer count, and rejects a short message', () => {
    const r = packet.encode({ type: 'response', id: 7, flags: packet.AUTHENTIC_DATA | packet.TRUNCATED_RESPONSE | 3, answers: [{ type: 'A', name: 'a', data: '192.0.2.1' }] });
    expect(readHeader(r)).toEqual({ id: 7, tc: true, ad: true, rcode: 3, answers: 1 });
    expect(() => readHeader(r.subarray(0, 11))).toThrow(/shorter than a DNS header/);
  });
});
