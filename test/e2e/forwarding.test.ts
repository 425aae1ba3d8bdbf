/**
 * Forwarding over DNS-over-TLS and DNS-over-HTTPS (issue 16) against real upstreams: two Unbound 1.17 instances
 * in the hierarchy's namespace, recursing over the signed hierarchy and serving DoT (tls-port) and DoH
 * (https-port, HTTP/2) with certificates from the test's own CA. daneel validates every forwarded answer itself,
 * so each case of the hierarchy must get the same verdict forwarded (UDP, DoT, DoH) as iterated, in the same run;
 * a forging upstream (strip / alter RRSIGs, AD on bogus data) never yields secure; a wrong pin or authentication
 * name refuses the upstream; one DoT connection carries 200 concurrent questions; stopping one of two upstreams
 * mid-stream loses no query.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES } from '../hierarchy/cases.js';
import { NetnsProcess, jsonLines, nodeInNetns } from '../hierarchy/netns-run.js';
import { makeTestPki, type TestPki } from '../support/tls-certs.js';
import { runDaneelInNetns, startDaneel } from './daneel-process.js';
import { digInNetns } from '../hierarchy/dig.js';
import { DOH_PATH, startUpstream, type UnboundUpstream } from './forwarding/upstreams.js';

const hierarchy = inject('hierarchy');
const A = '127.53.0.61';
const B = '127.53.0.62';
const AUTH = 'upstream.forward.lab';
const DRIVER = 'test/e2e/forwarding/driver.ts';
const RCODE = { NOERROR: 0, NXDOMAIN: 3, SERVFAIL: 2 } as const;

let dir: string;
let pki: TestPki;
let otherPki: TestPki;
const upstreams = new Map<string, UnboundUpstream>();

const dot = (addr: string, extra = ''): string => `tls://${addr}?name=${AUTH}${extra}`;
const doh = (addr: string): string => `https://${addr}${DOH_PATH}?name=${AUTH}`;

async function drive(job: object, timeoutMs = 120_000): Promise<Record<string, unknown>[]> {
  const file = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ rootHints: hierarchy.rootHints, trustAnchor: hierarchy.trustAnchor, ca: pki.ca, modes: {}, ...job }));
  const ran = await nodeInNetns(hierarchy.netns, ['--import', 'tsx', DRIVER, file], timeoutMs);
  const lines = jsonLines(ran.stdout);
  if (!lines.some((l) => l.kind === 'done')) throw new Error(`driver failed (${ran.code}): ${ran.stderr}\n${ran.stdout}`);
  return lines;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daneel-forward-'));
  pki = makeTestPki([AUTH], [A, B], mkdtempSync(join(dir, 'pki-')));
  otherPki = makeTestPki([AUTH], [A, B], mkdtempSync(join(dir, 'other-')));
  for (const addr of [A, B]) upstreams.set(addr, await startUpstream(hierarchy, addr, pki, dir));
});

afterAll(async () => {
  for (const u of upstreams.values()) await u.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('forwarded answers get the verdict iteration gives', () => {
  let byMode: Map<string, Map<string, Record<string, unknown>>>;
  beforeAll(async () => {
    const lines = await drive({
      modes: { iterate: [], udp: [`.=udp://${A}`], dot: [`.=${dot(A)}`], doh: [`.=${doh(A)}`] },
      warmUp: [`.=udp://${A}`],
      cases: CASES.map((c) => ({ id: c.id, qname: c.qname, qtype: c.qtype })),
    }, 300_000);
    byMode = new Map();
    for (const l of lines.filter((x) => x.kind === 'case')) {
      const m = byMode.get(l.mode as string) ?? new Map<string, Record<string, unknown>>();
      m.set(l.id as string, l);
      byMode.set(l.mode as string, m);
    }
  });

  for (const c of CASES) {
    it(`${c.id}: ${c.qname} ${c.qtype} -> ${c.expect.status}`, () => {
      const iterated = byMode.get('iterate')!.get(c.id)!;
      expect(iterated.status, JSON.stringify(iterated)).toBe(c.expect.status);
      for (const mode of ['udp', 'dot', 'doh']) {
        const fwd = byMode.get(mode)!.get(c.id)!;
        const context = `${mode}: ${JSON.stringify(fwd)}\niterate: ${JSON.stringify(iterated)}`;
        expect(fwd.status, context).toBe(iterated.status);
        expect(fwd.rcode, context).toBe(iterated.rcode);
        expect(fwd.rcode, context).toBe(RCODE[c.expect.rcode]);
      }
    });
  }
});

describe('a forging upstream never makes data secure', () => {
  it.each([
    ['strip', '_443._tcp.www.iot.example.', 'TLSA', 'bogus'],
    ['alter', '_443._tcp.www.iot.example.', 'TLSA', 'bogus'],
    ['ad', 'www.altered.example.', 'A', 'bogus'],
    ['ad', 'www.unsigned.example.', 'A', 'insecure'],
    ['strip', 'www.unsigned.example.', 'A', 'insecure'],
  ])('%s on %s %s -> %s', async (forgery, target, qtype, status) => {
    const lines = await drive({ forge: { upstream: A, target, qtype, forgery } });
    const r = lines.find((l) => l.kind === 'forge')!;
    expect(r.forged, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.status, JSON.stringify(r)).toBe(status);
    if (status === 'bogus') expect(r.rcode).toBe(RCODE.SERVFAIL);
  });
});

describe('upstream authentication (RFC 7858 §4.2)', () => {
  const query = (forward: string, extra: string[] = []): ReturnType<typeof runDaneelInNetns> =>
    runDaneelInNetns(hierarchy, ['query', '_443._tcp.www.iot.example.', 'TLSA', '--json', '--root-hints', hierarchy.rootHints,
      '--trust-anchor', hierarchy.trustAnchor, '--forward', forward, ...extra]);

  it('the right pin, or the right name with the CA, gives the secure answer', async () => {
    const pinned = await query(`.=tls://${A}?pin=${pki.pin}`);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(JSON.parse(pinned.stdout).status).toBe('secure');
    const named = await query(`.=${doh(A)}`, ['--forward-ca', pki.caFile]);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).status).toBe('secure');
  });

  it.each([
    ['a wrong SPKI pin', () => `.=${dot(A, `&pin=${otherPki.pin}`)}`, /SPKI pins/],
    ['a wrong authentication name', () => `.=tls://${A}?name=other.forward.lab`, /not valid for other\.forward\.lab/],
    ['a certificate from another CA', () => `.=${doh(A)}`, /not valid for upstream\.forward\.lab/],
  ])('%s refuses the upstream: SERVFAIL, EDE 22, exit 2', async (_what, forward, why) => {
    const r = await query(forward(), ['--forward-ca', _what.includes('another CA') ? otherPki.caFile : pki.caFile]);
    expect(r.code, r.stderr + r.stdout).toBe(2);
    const out = JSON.parse(r.stdout) as { rcode: string; ede: number; reason: string };
    expect(out.rcode).toBe('SERVFAIL');
    expect(out.ede).toBe(22);
    expect(out.reason).toMatch(why);
  });

  it('an upstream that is closed or silent gives SERVFAIL with EDE 22 (bounded by queryTimeoutMs per upstream)', async () => {
    const r = await query(`.=tls://${hierarchy.servers.closed}?name=${AUTH},tls://${hierarchy.servers.silent}:53?name=${AUTH}`, ['--forward-ca', pki.caFile]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ede: number; reason: string };
    expect(out.ede).toBe(22);
    expect(out.reason).toMatch(/ECONNREFUSED/);
  });

  it('bad URLs are usage errors (exit 64)', async () => {
    for (const bad of ['.=tls://127.53.0.61', 'x=udp://host.example', '.=https://127.53.0.61/', '.=tls://127.53.0.61?name=a&pin=sha256/xx']) {
      const r = await query(bad);
      expect(r.code, `${bad}: ${r.stderr}`).toBe(64);
      expect(r.stderr).toMatch(/bad upstream URL|bad --forward/);
    }
  });
});

describe('daneel serve --forward', () => {
  it('answers dig through a DoH upstream for `.` and a DoT upstream for one zone, with AD only on secure data', async () => {
    const daneel = await startDaneel(hierarchy, '127.53.0.63', ['--forward', `.=${doh(A)}`, '--forward', `iot.example=${dot(B)}`, '--forward-ca', pki.caFile]);
    try {
      const secure = await digInNetns(hierarchy.netns, daneel.address, '_443._tcp.www.iot.example.', 'TLSA');
      expect(secure.rcode, secure.raw).toBe('NOERROR');
      expect(secure.ad, secure.raw).toBe(true);
      const bogus = await digInNetns(hierarchy.netns, daneel.address, 'www.altered.example.', 'A');
      expect(bogus.rcode, bogus.raw).toBe('SERVFAIL');
      expect(bogus.ede, bogus.raw).toBe(6);
      const insecure = await digInNetns(hierarchy.netns, daneel.address, 'www.unsigned.example.', 'A');
      expect(insecure.rcode, insecure.raw).toBe('NOERROR');
      expect(insecure.ad, insecure.raw).toBe(false);
    } finally {
      await daneel.stop();
    }
  });
});

describe('connections', () => {
  it('200 concurrent questions share one DoT connection (counted by a relay in front of Unbound)', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `_${1000 + i}._tcp.www.iot.example.`);
    const lines = await drive({ concurrency: { forward: `.=tls://127.0.0.1:PORT?name=${AUTH}`, upstreamTls: A, names } });
    const r = lines.find((l) => l.kind === 'concurrency')! as { connections: number; results: string[] };
    expect(r.results).toHaveLength(200);
    // Names that do not exist in the signed zone: NXDOMAIN, proven.
    expect(new Set(r.results)).toEqual(new Set([`${RCODE.NXDOMAIN}/secure`]));
    expect(r.connections).toBe(1);
  });

  it('stopping one of two upstreams mid-stream loses no client question', async () => {
    const names = [...CASES.filter((c) => c.qtype === 'TLSA' && c.expect.status === 'secure').map((c) => c.qname),
      ...Array.from({ length: 40 }, (_, i) => `_${2000 + i}._tcp.www.iot.example.`)];
    const file = join(dir, 'stream.json');
    writeFileSync(file, JSON.stringify({ rootHints: hierarchy.rootHints, trustAnchor: hierarchy.trustAnchor, ca: pki.ca, modes: {},
      stream: { forward: [`.=${dot(A)},${dot(B)}`], names, waves: 40, perWave: 20 } }));
    const proc = new NetnsProcess(hierarchy.netns, ['--import', 'tsx', DRIVER, file]);
    await proc.waitFor((l) => l.kind === 'wave' && l.wave === 3, 120_000);
    // The upstream holding the DoT connection (seen at the server side) is the one to stop.
    const ss = execFileSync('ip', ['netns', 'exec', hierarchy.netns, 'ss', '-Htnp', 'state', 'established', '( sport = :853 )'], { encoding: 'utf8' });
    const victim = [...upstreams.values()].find((u) => ss.includes(`pid=${u.pid},`));
    expect(victim, ss).toBeDefined();
    await victim!.stop();
    upstreams.delete(victim!.address);
    const done = await proc.waitFor((l) => l.kind === 'stream-done', 180_000);
    await proc.stop();
    expect(done.asked).toBe(800);
    const results = proc.lines.filter((l) => l.kind === 'wave').flatMap((l) => l.results as string[]);
    expect(results).toHaveLength(800);
    const failed = results.filter((x) => !x.startsWith(`${RCODE.NOERROR}/secure`) && !x.startsWith(`${RCODE.NXDOMAIN}/secure`));
    expect(failed).toEqual([]);
  });
});
