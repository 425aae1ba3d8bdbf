/**
 * `daneel serve --http` against the real signed hierarchy, driven by real clients inside its namespace: curl
 * over HTTP/1.1 and over TLS with HTTP/2 (a certificate made here with openssl), kdig +https for DoH (RFC 8484),
 * dig for the DNS socket. For a secure, an insecure and a bogus name, /resolve, /tlsa, /dns-query and
 * /dane/verify agree with the socket and with the CLI; malformed and oversized requests are refused without
 * disturbing the daemon; /metrics parses as Prometheus text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import parsePrometheus from 'parse-prometheus-text-format';
import { digInNetns } from '../hierarchy/dig.js';
import { runDaneelInNetns, startDaneel, type RunningDaneel } from './daneel-process.js';
import { curl, kdigHttps } from './http-clients.js';

const hierarchy = inject('hierarchy');
const fx = inject('daneMtls');
const NS = hierarchy.netns;
const DNS = ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];

// Two daemons: plain HTTP/1.1 (also on IPv6 loopback), and HTTPS with HTTP/2 (TLS is per daemon).
const PLAIN = '127.53.0.71';
const TLS = '127.53.0.72';
const HTTP_PORT = 8053;
const HTTPS_PORT = 8443;
const plain = (path: string) => `http://${PLAIN}:${HTTP_PORT}${path}`;
const secure = (path: string) => `https://${TLS}:${HTTPS_PORT}${path}`;

let dir: string;
let cacert: string;
const daneels: RunningDaneel[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daneel-http-'));
  cacert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'),
    '-out', cacert, '-days', '2', '-subj', '/CN=daneel test', '-addext', `subjectAltName=IP:${TLS}`], { stdio: 'ignore' });
  daneels.push(...await Promise.all([
    startDaneel(hierarchy, PLAIN, ['--http', `${PLAIN}:${HTTP_PORT}`, '--http', `[::1]:${HTTP_PORT}`]),
    startDaneel(hierarchy, TLS, ['--http', `${TLS}:${HTTPS_PORT}`, '--http-cert', cacert, '--http-key', join(dir, 'key.pem')]),
  ]));
});

afterAll(async () => {
  await Promise.all(daneels.map((d) => d.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The three DNSSEC outcomes on the TLSA owners of the mutual-TLS zones (test/hierarchy/dane-fixtures.ts). */
const OUTCOMES = [
  { what: 'secure', host: fx.js.hosts.good, rcode: 'NOERROR', ad: true, status: 'secure', ede: undefined, tlsa: 'usable-tlsa', verify: 'dane-valid' },
  { what: 'insecure', host: fx.js.hosts.insecure, rcode: 'NOERROR', ad: false, status: 'insecure', ede: undefined, tlsa: 'insecure', verify: 'insecure' },
  { what: 'bogus', host: fx.js.hosts.bogus, rcode: 'SERVFAIL', ad: false, status: 'bogus', ede: 7, tlsa: 'bogus', verify: 'bogus' },
] as const;
const RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 };

describe.each(OUTCOMES)('a $what TLSA RRset: the socket, DoH, /resolve, /tlsa and /dane/verify agree', (o) => {
  const owner = `_443._tcp.${o.host}.`;

  it('dig on the socket, kdig +https (POST and GET) and curl /resolve give the same rcode, AD and EDE', async () => {
    const dig = await digInNetns(NS, PLAIN, owner, 'TLSA');
    expect({ rcode: dig.rcode, ad: dig.ad, ede: dig.ede }, dig.raw).toEqual({ rcode: o.rcode, ad: o.ad, ede: o.ede });
    for (const method of ['+https', '+https-get']) {
      const doh = await kdigHttps(NS, TLS, HTTPS_PORT, owner, 'TLSA', [method, '+dnssec', '+adflag']);
      expect({ rcode: doh.rcode, ad: doh.ad, ede: doh.ede, http: doh.httpStatus }, doh.raw).toEqual({ rcode: o.rcode, ad: o.ad, ede: o.ede, http: 200 });
      expect(doh.session, doh.raw).toBe(method === '+https' ? 'HTTP/2-POST' : 'HTTP/2-GET');
      if (o.ede !== undefined) expect(doh.edeText).toBe(dig.edeText);
    }
    const res = await curl(NS, plain(`/resolve?name=${owner}&type=TLSA`));
    expect(res.status, res.raw).toBe(200);
    const j = res.json<{ Status: number; AD: boolean; ede: number | null; status: string; Answer: { type: number; data: string }[] }>();
    expect({ Status: j.Status, AD: j.AD, ede: j.ede ?? undefined, status: j.status }, res.raw).toEqual({ Status: RCODES[o.rcode], AD: o.ad, ede: o.ede, status: o.status });
    // The same records as the socket (dig's rdata, whitespace normalised, hex case folded).
    const digTlsa = dig.answer.filter((l) => l.split(' ')[3] === 'TLSA').map((l) => l.split(' ').slice(4).join('').toLowerCase());
    expect(j.Answer.filter((a) => a.type === 52).map((a) => a.data.replace(/ /g, '').toLowerCase())).toEqual(digTlsa);
  });

  it('/tlsa over HTTP/2 gives the JSON of `daneel tlsa --json`, plus the parsed records and TTL', async () => {
    const res = await curl(NS, secure(`/tlsa?host=${o.host}&port=443`), ['--http2', '--cacert', cacert]);
    expect(res.status, res.raw).toBe(200);
    expect(res.httpVersion).toBe('2');
    const j = res.json<Record<string, unknown> & { records: Record<string, unknown>[]; ttl: number | null }>();
    expect(j).toMatchObject({ verdict: o.tlsa, status: o.status, owner });
    const cli = await runDaneelInNetns(hierarchy, ['tlsa', o.host, '443', '--json', ...DNS]);
    const fromCli = JSON.parse(cli.stdout) as { records: Record<string, unknown>[] };
    const { records, status: _s, owner: _o, cnameTarget: _c, names: _n, ttl, ...rest } = j;
    const { records: cliRecords, ...cliRest } = fromCli;
    expect(rest).toEqual(cliRest);
    expect(records.map(({ usage: _u, selector: _sel, mtype: _m, data: _d, ...r }) => r)).toEqual(cliRecords);
    if (o.status === 'bogus') {
      expect(records).toEqual([]);
      expect(ttl).toBeNull();
    } else {
      expect(records).toEqual([expect.objectContaining({ usage: 2, selector: 0, mtype: 1, data: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
      expect(ttl).toBeGreaterThan(0);
    }
  });

  it('POST /dane/verify with the Join Server chain gives the verdict JSON of `daneel verify --json`', async () => {
    const body = Buffer.from(JSON.stringify({ chain: readFileSync(fx.js.chain, 'utf8'), host: o.host, port: 443 }));
    const res = await curl(NS, plain('/dane/verify'), ['-H', 'content-type: application/json', '--data-binary', '@-'], body);
    expect(res.status, res.raw).toBe(200);
    const cli = await runDaneelInNetns(hierarchy, ['verify', o.host, '443', '--chain', fx.js.chain, '--json', ...DNS]);
    expect(res.json()).toEqual(JSON.parse(cli.stdout));
    expect(res.json()).toMatchObject({ verdict: o.verify });
  });
});

describe('client identities and the DNS flags over DoH', () => {
  it('/tlsa?client-id= and /dane/verify with client-id: the DANE-EE identity of the Network Server', async () => {
    const t = await curl(NS, plain(`/tlsa?client-id=${fx.ns.ids.good}`));
    expect(t.json(), t.raw).toMatchObject({ verdict: 'usable-tlsa', records: [{ usage: 3, selector: 1, mtype: 1 }] });
    const body = Buffer.from(JSON.stringify({ chain: readFileSync(fx.ns.certs.good, 'utf8'), 'client-id': fx.ns.ids.good }));
    const v = await curl(NS, secure('/dane/verify'), ['--http2', '--cacert', cacert, '-H', 'content-type: application/json', '--data-binary', '@-'], body);
    expect(v.json(), v.raw).toMatchObject({ verdict: 'dane-valid', matched: { usage: 3, selector: 1, mtype: 1, depth: 0 } });
    const wrong = Buffer.from(JSON.stringify({ chain: readFileSync(fx.js.chain, 'utf8'), 'client-id': fx.ns.ids.good }));
    const w = await curl(NS, plain('/dane/verify'), ['-H', 'content-type: application/json', '--data-binary', '@-'], wrong);
    expect(w.json(), w.raw).toMatchObject({ verdict: 'dane-mismatch' });
  });

  it('DoH: CD returns bogus data without AD; DO adds RRSIGs; AD only when asked by AD or DO (RFC 6840 §5.7)', async () => {
    const bogus = `_443._tcp.${fx.js.hosts.bogus}.`;
    const cd = await kdigHttps(NS, TLS, HTTPS_PORT, bogus, 'TLSA', ['+https', '+cd', '+dnssec']);
    expect({ rcode: cd.rcode, ad: cd.ad, cdFlag: cd.flags.includes('cd') }, cd.raw).toEqual({ rcode: 'NOERROR', ad: false, cdFlag: true });
    expect(cd.answerTypes, cd.raw).toContain('TLSA');
    const good = `_443._tcp.${fx.js.hosts.good}.`;
    const withDo = await kdigHttps(NS, TLS, HTTPS_PORT, good, 'TLSA', ['+https', '+dnssec']);
    expect(withDo.ad, withDo.raw).toBe(true);
    expect(withDo.answerTypes, withDo.raw).toEqual(['TLSA', 'RRSIG']);
    const plainQ = await kdigHttps(NS, TLS, HTTPS_PORT, good, 'TLSA', ['+https', '+nodnssec', '+noadflag']);
    expect({ ad: plainQ.ad, types: plainQ.answerTypes }, plainQ.raw).toEqual({ ad: false, types: ['TLSA'] });
    const adOnly = await kdigHttps(NS, TLS, HTTPS_PORT, good, 'TLSA', ['+https', '+nodnssec', '+adflag']);
    expect({ ad: adOnly.ad, types: adOnly.answerTypes }, adOnly.raw).toEqual({ ad: true, types: ['TLSA'] });
  });

  it('DoH answers carry Cache-Control max-age no larger than the smallest answer TTL (RFC 8484 §5.1)', async () => {
    const dig = await digInNetns(NS, PLAIN, `_443._tcp.${fx.js.hosts.good}.`, 'TLSA');
    const ttl = Math.min(...dig.answer.map((l) => Number(l.split(' ')[1])));
    const head = await curl(NS, secure(`/dns-query?dns=${dnsQuery(`_443._tcp.${fx.js.hosts.good}.`, 52)}`), ['--http2', '--cacert', cacert, '-D', '-', '-o', '/dev/null']);
    expect(head.body, head.raw).toMatch(new RegExp(`cache-control: max-age=${ttl}\\r?\\n`, 'i'));
    expect(head.contentType).toBe('application/dns-message');
  });
});

/** A DoH GET `dns` value: base64url without padding (RFC 8484 §4.1) of a query with ID 0, RD set, EDNS. */
function dnsQuery(name: string, type: number): string {
  const labels = name.split('.').filter(Boolean);
  const qname = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  const header = Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  const question = Buffer.concat([qname, Buffer.from([type >> 8, type & 255, 0, 1])]);
  const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0]);
  return Buffer.concat([header, question, opt]).toString('base64url');
}

describe('refusals do not disturb the daemon', () => {
  it('malformed and oversized requests get 400/413/415/431 with a JSON error; HTTP and the socket keep serving', async () => {
    const junk = Buffer.from('this is not a DNS message at all');
    const cases: [string[], string, number, Buffer?][] = [
      [['-X', 'POST', '-H', 'content-type: application/dns-message', '--data-binary', '@-'], '/dns-query', 400, junk],
      [['-X', 'POST', '-H', 'content-type: application/dns-message', '--data-binary', '@-'], '/dns-query', 413, Buffer.alloc(70_000, 1)],
      [['-X', 'POST', '-H', 'content-type: text/plain', '--data-binary', '@-'], '/dns-query', 415, junk],
      [['-H', 'content-type: application/json', '--data-binary', '@-'], '/dane/verify', 413, Buffer.from(JSON.stringify({ chain: 'x'.repeat(100_000), host: 'a.example', port: 1 }))],
      [['-H', 'content-type: application/json', '--data-binary', '@-'], '/dane/verify', 400, Buffer.from('{"chain": "x", ')],
      [[], '/resolve?name=js.mtls.example&type=A&frobnicate=1', 400],
      [[], `/resolve?name=${'x'.repeat(2000)}`, 400],
      [[], '/dns-query?dns=%%%', 400],
      [['-H', `x-filler: ${'a'.repeat(20_000)}`], '/healthz', 431],
    ];
    for (const [args, path, status, body] of cases) {
      for (const url of [plain(path), secure(path)]) {
        const tls = url.startsWith('https') ? ['--http2', '--cacert', cacert] : [];
        const res = await curl(NS, url, [...tls, ...args], body);
        expect(res.status, res.raw).toBe(status);
        expect(res.json(), res.raw).toEqual({ error: expect.any(String), message: expect.any(String) });
      }
    }
    const ok = await curl(NS, plain('/healthz'));
    expect(ok.json()).toEqual({ status: 'ok' });
    const v6 = await curl(NS, `http://[::1]:${HTTP_PORT}/healthz`);
    expect(v6.json()).toEqual({ status: 'ok' });
    const h1 = await curl(NS, secure('/healthz'), ['--http1.1', '--cacert', cacert]);
    expect({ status: h1.status, version: h1.httpVersion }).toEqual({ status: 200, version: '1.1' });
    const dig = await digInNetns(NS, PLAIN, `_443._tcp.${fx.js.hosts.good}.`, 'TLSA');
    expect(dig.ad, dig.raw).toBe(true);
  });

  it('a client that opens connections and never finishes a request does not stop others', async () => {
    // 20 connections that send half a request and hold it (bash /dev/tcp, in the namespace) while a real request goes through.
    const script = `for i in $(seq 20); do ( exec 3<>/dev/tcp/${PLAIN}/${HTTP_PORT}; printf 'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n' >&3; sleep 8 ) >/dev/null 2>&1 & done; echo started`;
    const held = execFileSync('ip', ['netns', 'exec', NS, 'bash', '-c', script]).toString();
    expect(held.trim()).toBe('started');
    const res = await curl(NS, plain(`/tlsa?host=${fx.js.hosts.good}&port=443`));
    expect(res.json(), res.raw).toMatchObject({ verdict: 'usable-tlsa' });
  });
});

describe('/metrics', () => {
  it('parses as Prometheus text and counts what this file did: queries by transport, verdicts, upstream, limits', async () => {
    const res = await curl(NS, secure('/metrics'), ['--http2', '--cacert', cacert]);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain/);
    const families = new Map(parsePrometheus(res.body).map((f) => [f.name, f]));
    const sum = (name: string, labels: Record<string, string> = {}) => (families.get(name)?.metrics ?? [])
      .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
      // parse-prometheus-text-format keeps only the buckets of a labelled histogram: its count is the +Inf bucket.
      .reduce((n, m) => n + Number(m.value ?? m.count ?? m.buckets?.['+Inf'] ?? 0), 0);
    expect(sum('daneel_queries_total', { transport: 'doh', qtype: 'TLSA' }), res.body).toBeGreaterThanOrEqual(6);
    expect(sum('daneel_queries_total', { transport: 'udp' })).toBeGreaterThan(0);
    expect(sum('daneel_resolutions_total', { status: 'bogus', ede: '7' })).toBeGreaterThan(0);
    expect(sum('daneel_resolutions_total', { status: 'secure' })).toBeGreaterThan(0);
    expect(sum('daneel_upstream_queries_total')).toBeGreaterThan(0);
    expect(families.get('daneel_upstream_rtt_seconds')?.type).toBe('HISTOGRAM');
    expect(sum('daneel_upstream_rtt_seconds')).toBeGreaterThan(0);
    expect(sum('daneel_dane_verdicts_total', { endpoint: 'verify' })).toBeGreaterThan(0);
    expect(sum('daneel_limits_hit_total', { limit: 'http-body-size' })).toBeGreaterThanOrEqual(2);
    expect(sum('daneel_limits_hit_total', { limit: 'http-header-size' })).toBeGreaterThanOrEqual(1);
    // Each daemon counts its own: /resolve was asked of the plain one only.
    const other = await curl(NS, plain('/metrics'));
    const json = parsePrometheus(other.body).find((f) => f.name === 'daneel_queries_total')!.metrics.filter((m) => m.labels?.transport === 'http-json');
    expect(json.reduce((n, m) => n + Number(m.value), 0), other.body).toBeGreaterThanOrEqual(3);
  });
});
