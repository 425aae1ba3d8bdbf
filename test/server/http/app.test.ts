/**
 * The HTTP API over a scripted resolver, through fastify's inject() (no sockets): the JSON shapes, the DNS
 * semantics shared with the socket handler (AD/DO/CD, EDE), RFC 8484 framing and caching, and every refusal
 * (unknown parameters, bad values, sizes, content types, access control, the request limit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import parsePrometheus from 'parse-prometheus-text-format';
import { encodeMessage, decodeMessage } from '../../../resolver/wire/message.js';
import { queryMessage } from '../../../resolver/wire/query.js';
import { getEde } from '../../../resolver/wire/edns.js';
import { Name } from '../../../resolver/wire/name.js';
import { RCODE, T } from '../../../resolver/wire/types.js';
import { EDE, bogus, insecure, secure } from '../../../resolver/dnssec/verdict.js';
import { FakeResolver, rr, rrsig } from '../fake-resolver.js';
import { ClientPolicy } from '../../../server/admission.js';
import { policyAccess } from '../../../server/http/access.js';
import { buildTestApp } from './test-app.js';

const TLSA_NAME = '_443._tcp.js.example.fr.';
const TLSA_HEX = '8CB0FC6C527506A053F4F14C8464BEBBD6DEDE2738D11468DD953D7D6A3021F1';
const tlsa = rr(`${TLSA_NAME} 300 IN TLSA 3 1 1 ${TLSA_HEX}`);
const soa = rr('example.fr. 600 IN SOA ns.example.fr. admin.example.fr. 1 3600 600 86400 120');

function scripted(): FakeResolver {
  return new FakeResolver()
    .on('js.example.fr.', 'A', { answer: [rr('js.example.fr. 300 IN A 192.0.2.7')], verdict: secure('chain complete') })
    .on(TLSA_NAME, 'TLSA', { answer: [tlsa, rrsig(TLSA_NAME, 'TLSA')], verdict: secure('chain complete') })
    .on('nodata.example.fr.', 'TLSA', { authority: [soa, rrsig('example.fr.', 'SOA')], verdict: secure('NODATA proven') })
    .on('insecure.example.', 'A', { answer: [rr('insecure.example. 300 IN A 192.0.2.1')], verdict: insecure('no DS') })
    .on('bogus.example.fr.', 'A', { answer: [rr('bogus.example.fr. 300 IN A 192.0.2.9')], verdict: bogus('signature expired', EDE.SIGNATURE_EXPIRED, 'V007') });
}

let app: FastifyInstance;
afterEach(async () => { await app?.close(); });

async function withApp(o: Parameters<typeof buildTestApp>[0] = {}) {
  const built = await buildTestApp({ resolver: scripted(), ...o });
  app = built.app;
  return built;
}

function wire(name: string, type: number, o: { do?: boolean; cd?: boolean; id?: number } = {}): Buffer {
  return Buffer.from(encodeMessage(queryMessage({ id: o.id ?? 0, name: Name.parse(name), type, rd: true, cd: o.cd ?? false, do: o.do ?? false, udpSize: 1232 })));
}

describe('GET /resolve (DoH JSON format, with the verdict)', () => {
  it('a secure answer: Status 0, AD, records with name/type/TTL/data, status secure', async () => {
    await withApp();
    const res = await app.inject({ url: `/resolve?name=${TLSA_NAME}&type=TLSA` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      Status: 0, TC: false, RD: true, RA: true, AD: true, CD: false,
      Question: [{ name: TLSA_NAME, type: 52 }],
      Answer: [{ name: TLSA_NAME, type: 52, TTL: 300, data: `3 1 1 ${TLSA_HEX}` }],
      Authority: [],
      status: 'secure', reason: 'chain complete', ede: null, edeText: null,
    });
  });

  it('do=1 adds the RRSIGs (RFC 4035 §3.2.1); the type may be a number or TYPEnn', async () => {
    await withApp();
    for (const type of ['52', 'TYPE52', 'tlsa']) {
      const res = await app.inject({ url: `/resolve?name=${TLSA_NAME}&type=${type}&do=1` });
      expect(res.json<{ Answer: { type: number }[] }>().Answer.map((a) => a.type), type).toEqual([52, 46]);
    }
  });

  it('bogus: SERVFAIL without data, the EDE code and text, status bogus; cd=1 returns the data without AD', async () => {
    await withApp();
    const res = await app.inject({ url: '/resolve?name=bogus.example.fr' });
    expect(res.json()).toMatchObject({ Status: 2, AD: false, Answer: [], status: 'bogus', ede: 7, reason: 'signature expired [V007]', edeText: 'signature expired [V007]' });
    const cd = await app.inject({ url: '/resolve?name=bogus.example.fr&cd=true' });
    expect(cd.json()).toMatchObject({ Status: 0, AD: false, CD: true, Answer: [{ data: '192.0.2.9' }] });
  });

  it('insecure: data, no AD', async () => {
    await withApp();
    const res = await app.inject({ url: '/resolve?name=insecure.example&type=A' });
    expect(res.json()).toMatchObject({ Status: 0, AD: false, status: 'insecure', Answer: [{ data: '192.0.2.1', TTL: 300 }] });
  });

  it('a refused type never reaches the resolver: Status 5, status null', async () => {
    const { ctx } = await withApp();
    const res = await app.inject({ url: '/resolve?name=example.fr&type=252' });
    expect(res.json()).toMatchObject({ Status: 5, status: null });
    expect((ctx.resolver as FakeResolver).calls).toEqual([]);
  });

  const bad: [string, string, RegExp][] = [
    ['an unknown parameter', '/resolve?name=a.example&edns_client_subnet=1.2.3.0/24', /unknown querystring parameter "edns_client_subnet"/],
    ['no name', '/resolve?type=A', /"name" is required/],
    ['a repeated name', '/resolve?name=a.example&name=b.example', /parameter "name" must be string/],
    ['an empty label', '/resolve?name=a..example', /"name": bad name/],
    ['a label over 63 octets', `/resolve?name=${'a'.repeat(64)}.example`, /"name": bad name/],
    ['a name over 255 octets', `/resolve?name=${Array(60).fill('abcde').join('.')}`, /"name": bad name/],
    ['a name over maxNameChars', `/resolve?name=${'a'.repeat(1025)}`, /must NOT have more than 1024 characters/],
    ['an unknown type', '/resolve?name=a.example&type=FOO', /unknown record type "FOO"/],
    ['a type over 65535', '/resolve?name=a.example&type=70000', /unknown record type "70000"/],
    ['the OPT pseudo-type', '/resolve?name=a.example&type=OPT', /pseudo-type/],
    ['do=yes', '/resolve?name=a.example&do=yes', /"do" must be equal to one of the allowed values/],
  ];
  it.each(bad)('%s: 400 with a JSON error naming it', async (_what, url, message) => {
    await withApp();
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringMatching(message) });
  });
});

describe('GET /tlsa', () => {
  it('host+port: the parsed RRset, the verdict of `daneel tlsa`, the owner and the remaining TTL', async () => {
    await withApp();
    const res = await app.inject({ url: '/tlsa?host=js.example.fr&port=443' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      verdict: 'usable-tlsa', reason: expect.stringMatching(/^1 of 1 TLSA records usable/), ede: null, matched: null,
      records: [{ record: `3 1 1 ${TLSA_HEX.toLowerCase()}`, usage: 3, selector: 1, mtype: 1, data: TLSA_HEX.toLowerCase(), usable: true, matched: false, depth: null, reason: 'usable' }],
      dnssec: { status: 'secure', reason: 'chain complete' }, status: 'secure',
      owner: TLSA_NAME, cnameTarget: null, names: ['js.example.fr'], ttl: 300,
    });
  });

  it('a securely denied RRset: no-tlsa, TTL from the SOA (RFC 2308 §5: min(TTL, MINIMUM))', async () => {
    await withApp();
    const res = await app.inject({ url: '/tlsa?client-id=nodata.example.fr' });
    expect(res.json()).toMatchObject({ verdict: 'no-tlsa', status: 'secure', records: [], ttl: 120, owner: 'nodata.example.fr.' });
  });

  const bad: [string, string, RegExp][] = [
    ['host without port', '/tlsa?host=js.example.fr', /give "host" and "port"/],
    ['both forms', '/tlsa?host=js.example.fr&port=443&client-id=ns._device.example.fr', /not both/],
    ['proto with client-id', '/tlsa?client-id=ns._device.example.fr&proto=udp', /"proto" applies to/],
    ['a port out of range', '/tlsa?host=js.example.fr&port=65536', /"port" must be <= 65535/],
    ['a port that is not a number', '/tlsa?host=js.example.fr&port=https', /"port" must be integer/],
    ['a proto with a dot', '/tlsa?host=js.example.fr&port=443&proto=tcp.x', /"proto" must match pattern/],
    ['an unknown parameter', '/tlsa?host=js.example.fr&port=443&usage=3', /unknown querystring parameter "usage"/],
    ['a bad host', '/tlsa?host=a..b&port=443', /bad "host"/],
  ];
  it.each(bad)('%s: 400', async (_what, url, message) => {
    await withApp();
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(message);
  });
});

describe('POST /dane/verify: refusals before any lookup', () => {
  const cases: [string, { payload: string; contentType?: string }, number, RegExp][] = [
    ['no chain', { payload: JSON.stringify({ host: 'js.example.fr', port: 443 }) }, 400, /"chain" is required/],
    ['a chain without certificates', { payload: JSON.stringify({ chain: 'hello', host: 'js.example.fr', port: 443 }) }, 400, /BEGIN CERTIFICATE/],
    ['a broken certificate', { payload: JSON.stringify({ chain: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', host: 'js.example.fr', port: 443 }) }, 400, /does not parse/],
    ['an unknown field', { payload: JSON.stringify({ chain: 'x', host: 'js.example.fr', port: 443, insecure: true }) }, 400, /unknown body parameter "insecure"/],
    ['no target', { payload: JSON.stringify({ chain: 'x' }) }, 400, /give "host" and "port"/],
    ['invalid JSON', { payload: '{"chain": ' }, 400, /JSON/],
    ['a form body', { payload: 'chain=x', contentType: 'application/x-www-form-urlencoded' }, 415, /Unsupported Media Type|content-type/i],
    ['a body over maxBodyBytes', { payload: JSON.stringify({ chain: 'x'.repeat(70_000), host: 'a.example', port: 1 }) }, 413, /too large/],
  ];
  it.each(cases)('%s: %s', async (_what, req, status, message) => {
    const { ctx } = await withApp();
    const res = await app.inject({ method: 'POST', url: '/dane/verify', payload: req.payload, headers: { 'content-type': req.contentType ?? 'application/json' } });
    expect(res.statusCode).toBe(status);
    expect(res.json<{ message: string }>().message).toMatch(message);
    expect((ctx.resolver as FakeResolver).calls).toEqual([]);
  });
});

describe('/dns-query (RFC 8484)', () => {
  it('GET and POST answer the same message as the socket handler, ID echoed, Cache-Control from the smallest TTL (§5.1)', async () => {
    await withApp();
    const q = wire(TLSA_NAME, T.TLSA, { do: true, id: 0 });
    const get = await app.inject({ url: `/dns-query?dns=${q.toString('base64url')}` });
    const post = await app.inject({ method: 'POST', url: '/dns-query', payload: q, headers: { 'content-type': 'application/dns-message' } });
    for (const res of [get, post]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/dns-message');
      expect(res.headers['cache-control']).toBe('max-age=300');
      const m = decodeMessage(res.rawPayload);
      expect(m.id).toBe(0);
      expect(m.flags.ad).toBe(true);
      expect(m.answer.map((r) => r.type)).toEqual([T.TLSA, T.RRSIG]);
    }
    expect(post.rawPayload.equals(get.rawPayload)).toBe(true);
  });

  it('bogus: SERVFAIL with the EDE (RFC 8914), max-age=0; a negative answer is cached per RFC 2308 §5', async () => {
    await withApp();
    const res = await app.inject({ url: `/dns-query?dns=${wire('bogus.example.fr', T.A).toString('base64url')}` });
    const m = decodeMessage(res.rawPayload);
    expect(m.rcode).toBe(RCODE.SERVFAIL);
    expect(getEde(m)).toEqual({ infoCode: 7, extraText: 'signature expired [V007]' });
    expect(res.headers['cache-control']).toBe('max-age=0');
    const neg = await app.inject({ url: `/dns-query?dns=${wire('nodata.example.fr', T.TLSA).toString('base64url')}` });
    expect(neg.headers['cache-control']).toBe('max-age=120');
  });

  const header = 'AAABAAABAAAAAAAA'; // ID 0, RD, one question, but no question follows
  const bad: [string, { method: 'GET' | 'POST'; url?: string; payload?: Buffer | string; type?: string }, number, RegExp][] = [
    ['no dns parameter', { method: 'GET' }, 400, /"dns" is required/],
    ['dns with padding', { method: 'GET', url: `/dns-query?dns=${wire('a.example', 1).toString('base64')}` }, 400, /must match pattern|fewer|base64url/],
    ['a truncated message', { method: 'GET', url: `/dns-query?dns=${header}` }, 400, /does not decode/],
    ['a response (QR set)', { method: 'GET', url: `/dns-query?dns=${Buffer.from([0, 0, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).toString('base64url')}` }, 400, /QR set/],
    ['dns over maxDnsParamChars', { method: 'GET', url: `/dns-query?dns=${'A'.repeat(5463)}` }, 400, /more than 5462/],
    ['an extra parameter', { method: 'GET', url: `/dns-query?dns=${wire('a.example', 1).toString('base64url')}&ct=x` }, 400, /unknown querystring parameter "ct"/],
    ['POST of 5 octets', { method: 'POST', payload: Buffer.from('short') }, 400, /shorter than a header/],
    ['POST as text/plain', { method: 'POST', payload: 'hello', type: 'text/plain' }, 415, /application\/dns-message/],
    ['POST as JSON', { method: 'POST', payload: '{}', type: 'application/json' }, 415, /application\/dns-message/],
    ['POST over 65535 octets', { method: 'POST', payload: Buffer.alloc(65_536) }, 413, /too large/],
  ];
  it.each(bad)('%s: %s', async (_what, req, status, message) => {
    await withApp();
    const res = await app.inject({
      method: req.method, url: req.url ?? '/dns-query',
      ...(req.payload !== undefined ? { payload: req.payload, headers: { 'content-type': req.type ?? 'application/dns-message' } } : {}),
    });
    expect(res.statusCode).toBe(status);
    expect(res.json<{ message: string }>().message).toMatch(message);
  });
});

describe('access control, the request limit, health and metrics', () => {
  it('by default only loopback clients are served; others get 403 with a JSON error', async () => {
    await withApp();
    expect((await app.inject({ url: '/healthz', remoteAddress: '127.0.0.1' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/healthz', remoteAddress: '::1' })).statusCode).toBe(200);
    const res = await app.inject({ url: '/healthz', remoteAddress: '192.0.2.1' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'FORBIDDEN', message: 'client 192.0.2.1 is refused by the access policy' });
  });

  it('the DNS server\'s client policy decides: ACL (--allow/--refuse) and the per-client rate limit (429)', async () => {
    const policy = new ClientPolicy([{ prefix: '192.0.2.0/24', action: 'allow' }, { prefix: '198.51.100.0/24', action: 'refuse' }], { qps: 1, burst: 2 }, () => 0);
    await withApp({ app: { access: policyAccess(() => policy) } });
    const from = async (remoteAddress: string) => (await app.inject({ url: '/healthz', remoteAddress })).statusCode;
    expect(await from('192.0.2.1')).toBe(200);
    expect(await from('198.51.100.1')).toBe(403);
    expect(await from('203.0.113.1')).toBe(403); // not listed: the ACL's default is refuse
    expect(await from('127.0.0.1')).toBe(200); // loopback stays allowed (server/acl.ts LOOPBACK_RULES)
    expect(await from('192.0.2.1')).toBe(200); // burst 2, the clock stands still
    const limited = await app.inject({ url: '/healthz', remoteAddress: '192.0.2.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
  });

  it('beyond maxConcurrentRequests: 503 with Retry-After, nothing resolved', async () => {
    const { ctx } = await withApp({ limits: { maxConcurrentRequests: 0 } });
    const res = await app.inject({ url: `/tlsa?host=js.example.fr&port=443` });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ error: 'BUSY' });
    expect((ctx.resolver as FakeResolver).calls).toEqual([]);
  });

  it('/metrics parses as Prometheus text and counts queries by transport, type and rcode, verdicts and limits', async () => {
    await withApp({ limits: { maxBodyBytes: 100 } });
    await app.inject({ url: `/dns-query?dns=${wire(TLSA_NAME, T.TLSA).toString('base64url')}` });
    await app.inject({ url: `/resolve?name=bogus.example.fr` });
    await app.inject({ url: '/tlsa?host=js.example.fr&port=443' });
    await app.inject({ method: 'POST', url: '/dane/verify', payload: { chain: 'x'.repeat(200) } });
    const res = await app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    const families = new Map(parsePrometheus(res.body).map((f) => [f.name, f]));
    const sample = (name: string, labels: Record<string, string>) =>
      families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
    expect(families.get('daneel_queries_total')?.type).toBe('COUNTER');
    expect(sample('daneel_queries_total', { transport: 'doh', qtype: 'TLSA', rcode: 'NOERROR' })).toBe('1');
    expect(sample('daneel_queries_total', { transport: 'http-json', qtype: 'A', rcode: 'SERVFAIL' })).toBe('1');
    expect(sample('daneel_dane_verdicts_total', { endpoint: 'tlsa', verdict: 'usable-tlsa' })).toBe('1');
    expect(sample('daneel_limits_hit_total', { limit: 'http-body-size' })).toBe('1');
    expect(sample('daneel_http_responses_total', { route: '/dane/verify', code: '413' })).toBe('1');
  });
});
