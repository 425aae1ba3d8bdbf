/**
 * The cache in `daneel serve` on the real signed hierarchy, asked with dig. What daneel sends upstream is counted
 * by an nftables counter in the namespace: every packet to port 53 of an address that is not a resolver under
 * test (daneel on 127.53.0.7x, Unbound on 127.53.0.53) — i.e. to the root, NSD, BIND and Knot.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { digInNetns } from '../hierarchy/dig.js';
import { startDaneel, type RunningDaneel } from './daneel-process.js';

const execFileAsync = promisify(execFile);
const h = inject('hierarchy');
const TABLE = 'answer_cache_count';
const PLAIN = '127.53.0.71';
const SMALL = '127.53.0.72';
const PREFETCH = '127.53.0.73';
const WARM = '127.53.0.74';
const STALE = '127.53.0.75';
/** Distinct names in the flood: several times what a 1 MiB budget holds. */
const FLOOD = 1000;

async function nft(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('ip', ['netns', 'exec', h.netns, 'nft', ...args]);
  return stdout;
}

/** Packets sent to the authoritative servers so far. */
async function upstream(): Promise<number> {
  const out = await nft('list', 'table', 'inet', TABLE);
  return [...out.matchAll(/packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `upstream()` until it exceeds `than` (or gives up after `ms`); returns the last count. */
async function upstreamAbove(than: number, ms = 20_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await upstream();
    if (now > than || Date.now() > deadline) return now;
    await sleep(200);
  }
}

/** The `cache counters` object daneel logs when it stops. */
function countersOf(d: RunningDaneel): Record<string, number> {
  const line = d.stderr().split('\n').find((l) => l.includes('"cache counters"'));
  if (!line) throw new Error(`no cache counters in daneel's log:\n${d.stderr().slice(-2000)}`);
  return (JSON.parse(line) as { cache: Record<string, number> }).cache;
}

beforeAll(async () => {
  await nft('add', 'table', 'inet', TABLE);
  await nft('add', 'chain', 'inet', TABLE, 'out', '{ type filter hook output priority 0; policy accept; }');
  await nft('add', 'rule', 'inet', TABLE, 'out', 'meta l4proto { tcp, udp } th dport 53 ip daddr != { 127.53.0.53, 127.53.0.70-127.53.0.79 } counter');
  await nft('add', 'rule', 'inet', TABLE, 'out', 'meta l4proto { tcp, udp } th dport 53 ip6 daddr fd53::/64 counter');
});

afterAll(async () => {
  await nft('delete', 'table', 'inet', TABLE);
});

describe('answers from the cache (defaults)', () => {
  let d: RunningDaneel;
  beforeAll(async () => { d = await startDaneel(h, PLAIN); });
  afterAll(async () => { await d.stop(); });

  it('a second identical query sends nothing upstream and is still secure', async () => {
    const first = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls.example.', 'TLSA');
    expect([first.rcode, first.ad], first.raw).toEqual(['NOERROR', true]);
    const sent = await upstream();
    expect(sent).toBeGreaterThan(0);
    const second = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls.example.', 'TLSA');
    expect(await upstream()).toBe(sent);
    expect([second.rcode, second.ad]).toEqual(['NOERROR', true]);
    expect(second.answer.map((l) => l.split(' ')[3])).toEqual(first.answer.map((l) => l.split(' ')[3]));
  });

  it('a CNAME chain is answered from the cache the second time', async () => {
    const first = await digInNetns(h.netns, PLAIN, 'alias.mtls.example.', 'A');
    expect(first.answer.some((l) => l.includes(' CNAME '))).toBe(true);
    const sent = await upstream();
    const second = await digInNetns(h.netns, PLAIN, 'alias.mtls.example.', 'A');
    expect(await upstream()).toBe(sent);
    expect(second.answer.length).toBe(first.answer.length);
  });

  it('NXDOMAIN and NODATA are cached (RFC 2308): asked again, nothing goes upstream', async () => {
    const nx = await digInNetns(h.netns, PLAIN, 'zz1.mtls.example.', 'A');
    const nodata = await digInNetns(h.netns, PLAIN, 'js.mtls.example.', 'TXT');
    expect([nx.rcode, nx.ad, nodata.rcode, nodata.answer.length]).toEqual(['NXDOMAIN', true, 'NOERROR', 0]);
    const sent = await upstream();
    expect((await digInNetns(h.netns, PLAIN, 'zz1.mtls.example.', 'A')).rcode).toBe('NXDOMAIN');
    expect((await digInNetns(h.netns, PLAIN, 'zz1.mtls.example.', 'TLSA')).rcode).toBe('NXDOMAIN');
    expect((await digInNetns(h.netns, PLAIN, 'js.mtls.example.', 'TXT')).rcode).toBe('NOERROR');
    expect(await upstream()).toBe(sent);
  });

  it('a name covered by a cached secure NSEC is denied with nothing sent upstream (RFC 8198)', async () => {
    await digInNetns(h.netns, PLAIN, 'zz1.mtls.example.', 'A');
    const sent = await upstream();
    // zz2 sorts after every name of mtls.example.: the last NSEC (back to the apex) covers it, as it did zz1.
    const r = await digInNetns(h.netns, PLAIN, 'zz2.mtls.example.', 'AAAA');
    expect([r.rcode, r.ad], r.raw).toEqual(['NXDOMAIN', true]);
    expect(r.authority.some((l) => l.includes(' NSEC '))).toBe(true);
    expect(await upstream()).toBe(sent);
  });

  it('a bogus zone is not re-validated within the bad-cache time (RFC 4035 §4.7)', async () => {
    const first = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls-bogus.example.', 'TLSA');
    expect([first.rcode, first.ede]).toEqual(['SERVFAIL', 7]);
    const sent = await upstream();
    const again = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls-bogus.example.', 'TLSA');
    expect([again.rcode, again.ede]).toEqual(['SERVFAIL', 7]);
    expect(await upstream()).toBe(sent);
  });

  it('DO, AD and CD keep their meaning on cached answers (RFC 4035 §3.2, RFC 6840 §5.7)', async () => {
    const noDo = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls.example.', 'TLSA', { dnssec: false });
    expect(noDo.ad).toBe(true); // dig sets AD in the query
    expect(noDo.answer.some((l) => l.includes(' RRSIG '))).toBe(false);
    const noAd = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls.example.', 'TLSA', { dnssec: false, adFlag: false });
    expect(noAd.ad).toBe(false);
    const cd = await digInNetns(h.netns, PLAIN, '_443._tcp.js.mtls.example.', 'TLSA', { checkingDisabled: true });
    expect([cd.rcode, cd.ad]).toEqual(['NOERROR', false]);
  });
});

describe('the memory budget under a flood of distinct names', () => {
  it('--cache-max-bytes holds: entries are evicted, daneel keeps answering', { timeout: 240_000 }, async () => {
    // The smallest budget the configuration accepts (1 MiB); each distinct NXDOMAIN costs a few KB.
    const d = await startDaneel(h, SMALL, ['--cache-max-bytes', '1048576']);
    const dir = await mkdtemp(join(tmpdir(), 'answer-cache-flood-'));
    try {
      // Names in an unsigned zone: each is a distinct NXDOMAIN that NSEC synthesis cannot answer.
      const batch = Array.from({ length: FLOOD }, (_, i) => `flood-${i}.mtls-insecure.example. A +tries=1 +time=5`).join('\n');
      await writeFile(join(dir, 'batch'), batch + '\n');
      await execFileAsync('ip', ['netns', 'exec', h.netns, 'dig', `@${SMALL}`, '+nocmd', '+noall', '-f', join(dir, 'batch')], { timeout: 200_000 });
      const after = await digInNetns(h.netns, SMALL, '_443._tcp.js.mtls.example.', 'TLSA');
      expect([after.rcode, after.ad]).toEqual(['NOERROR', true]);
    } finally {
      await d.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const c = countersOf(d);
    expect(c.maxBytes).toBe(1048576);
    expect(c.bytes).toBeLessThanOrEqual(1048576);
    expect(c.evictions).toBeGreaterThan(0);
    expect(c.misses).toBeGreaterThanOrEqual(FLOOD);
  });
});

describe('prefetch', () => {
  it('a record near expiry is refreshed in the background; the client gets the cached answer', async () => {
    // TTLs capped at 4 s: after 1.5 s less than 90 % is left, so the next hit starts a refresh.
    const d = await startDaneel(h, PREFETCH, ['--cache-max-ttl', '4', '--prefetch-share', '0.9']);
    try {
      const first = await digInNetns(h.netns, PREFETCH, 'js.mtls.example.', 'A');
      expect(first.answer[0]).toMatch(/^js\.mtls\.example\. 4 /);
      await sleep(1500);
      const sent = await upstream();
      const served = await digInNetns(h.netns, PREFETCH, 'js.mtls.example.', 'A');
      // Served from the cache (TTL counted down), not from a new resolution (TTL 4) ...
      expect(served.answer[0]).toMatch(/^js\.mtls\.example\. [0-3] /);
      // ... and the refresh went upstream behind it.
      expect(await upstreamAbove(sent)).toBeGreaterThan(sent);
      // Once the refresh has landed (polled: a loaded machine may take a while), the fresh TTL is served.
      let fresh = '';
      for (let i = 0; i < 40 && !/^js\.mtls\.example\. [34] /.test(fresh); i++) {
        await sleep(250);
        fresh = (await digInNetns(h.netns, PREFETCH, 'js.mtls.example.', 'A')).answer[0] ?? '';
      }
      expect(fresh).toMatch(/^js\.mtls\.example\. [34] /);
    } finally {
      await d.stop();
    }
    expect(countersOf(d).prefetches).toBeGreaterThanOrEqual(1);
  });
});

describe('serve-stale (RFC 8767)', () => {
  it('when the refresh fails, the expired answer is served with EDE 3 and TTL 30', { timeout: 180_000 }, async () => {
    const d = await startDaneel(h, STALE, ['--serve-stale', 'yes', '--serve-stale-window', '600', '--cache-max-ttl', '2']);
    // mtls.example. is served by NSD alone: dropping what daneel sends there makes every refresh fail.
    const drop = `ip daddr ${h.servers.nsd} meta l4proto { tcp, udp } th dport 53 drop`;
    try {
      const fresh = await digInNetns(h.netns, STALE, 'js.mtls.example.', 'A');
      expect([fresh.rcode, fresh.ad, fresh.ede]).toEqual(['NOERROR', true, undefined]);
      await nft('add', 'rule', 'inet', TABLE, 'out', drop);
      await sleep(2500); // past the 2 s TTL
      const stale = await digInNetns(h.netns, STALE, 'js.mtls.example.', 'A', { timeoutSeconds: 20 });
      expect([stale.rcode, stale.ede], stale.raw).toEqual(['NOERROR', 3]);
      expect(stale.answer[0]).toMatch(/^js\.mtls\.example\. 30 IN A 127\.53\.10\.1$/);
    } finally {
      const rules = await nft('-a', 'list', 'chain', 'inet', TABLE, 'out');
      const handle = /drop # handle (\d+)/.exec(rules)?.[1];
      if (handle) await nft('delete', 'rule', 'inet', TABLE, 'out', 'handle', handle);
      await d.stop();
    }
    expect(countersOf(d).staleAnswers).toBe(1);
  });
});

describe('keep-warm', () => {
  it('keeps a TLSA name and its DS and DNSKEY warm with no client query; clients then miss nothing', async () => {
    const d = await startDaneel(h, WARM, ['--keep-warm', 'js.mtls.example:443', '--cache-max-ttl', '3', '--log-level', 'debug']);
    try {
      // No client question for 3 refresh cycles: the traffic is keep-warm's alone.
      const start = await upstream();
      await sleep(7000);
      expect(await upstream()).toBeGreaterThan(start);
      for (const [name, type] of [['_443._tcp.js.mtls.example.', 'TLSA'], ['mtls.example.', 'DNSKEY'], ['mtls.example.', 'DS'], ['example.', 'DS']]) {
        const r = await digInNetns(h.netns, WARM, name!, type!);
        expect([r.rcode, r.ad], `${name} ${type}\n${r.raw}`).toEqual(['NOERROR', true]);
      }
    } finally {
      await d.stop();
    }
    const c = countersOf(d);
    // Each cycle: TLSA, then DNSKEY + DS of mtls.example. and example., and the root DNSKEY.
    expect(c.keepWarmRefreshes).toBeGreaterThanOrEqual(12);
    const misses = d.stderr().split('\n').filter((l) => l.includes('"cache miss"')).map((l) => JSON.parse(l) as { qname: string; qtype: number });
    expect(misses.filter((m) => m.qname !== '.'), JSON.stringify(misses)).toEqual([]);
  });
});
