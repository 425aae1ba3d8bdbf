import { describe, expect, it } from 'vitest';
import { advance, fallBack, MAX_MINIMISE_COUNT, nextQuestion, skipKnown, startMinimising, usingNsProbes } from '../../resolver/iterator/qname-min.js';
import { chooseAddress, DEFAULT_HEALTH_SIZES, LAME_MS, PROBE_INTERVAL_MS, ServerHealth, TIMEOUTS_BEFORE_BLOCK, UNKNOWN_RTT_MS } from '../../resolver/iterator/servers.js';
import { isAllowedTarget } from '../../resolver/iterator/address-guard.js';
import { checkReferral, readReferral } from '../../resolver/iterator/referral.js';
import { weakest } from '../../resolver/iterator/zone-state.js';
import { decide } from '../../resolver/iterator/step.js';
import { bogus, indeterminate, insecure, secure } from '../../resolver/dnssec/verdict.js';
import { T } from '../../resolver/wire/types.js';
import { n, rdata, response, rr } from './helpers.js';

describe('QNAME minimisation (RFC 9156)', () => {
  it('adds one label per step below each cut and sends the real type only with the full name', () => {
    let st = startMinimising(true);
    const q1 = nextQuestion(n('www.example.com'), T.TLSA, n('.'), st);
    expect([q1.name.toString(), q1.type, q1.minimised]).toEqual(['com.', T.A, true]);
    st = advance(st, q1);
    const q2 = nextQuestion(n('www.example.com'), T.TLSA, n('com'), st);
    expect(q2.name.toString()).toBe('example.com.');
    st = advance(st, q2);
    const q3 = nextQuestion(n('www.example.com'), T.TLSA, n('example.com'), st);
    expect([q3.name.toString(), q3.type, q3.minimised]).toEqual(['www.example.com.', T.TLSA, false]);
  });

  it('sends the full name instead of probing an underscored label (RFC 8552), and skips known labels', () => {
    let st = startMinimising(true);
    // Above the host's zone the host is still hidden: com.'s servers see example.com. first.
    const q1 = nextQuestion(n('_443._tcp.www.example.com'), T.TLSA, n('com'), st);
    expect([q1.name.toString(), q1.minimised]).toEqual(['example.com.', true]);
    st = advance(st, q1);
    // In the host's zone the host itself is not probed: only underscored labels would follow it.
    const q2 = nextQuestion(n('_443._tcp.www.example.com'), T.TLSA, n('example.com'), st);
    expect([q2.name.toString(), q2.type, q2.minimised]).toEqual(['_443._tcp.www.example.com.', T.TLSA, false]);
    const known = skipKnown(startMinimising(true), n('b.c.example.com').labelCount);
    expect(nextQuestion(n('a.b.c.example.com'), T.A, n('example.com'), known).minimised).toBe(false);
  });

  it('bounds a long name to MAX_MINIMISE_COUNT queries (§2.3)', () => {
    const long = n('a.b.c.d.e.f.g.h.i.j.k.l.m.n.example');
    let st = startMinimising(true);
    const sent: number[] = [];
    for (;;) {
      const q = nextQuestion(long, T.A, n('.'), st);
      sent.push(q.name.labelCount);
      if (!q.minimised) break;
      st = advance(st, q);
    }
    expect(sent.length).toBeLessThanOrEqual(MAX_MINIMISE_COUNT);
    expect(sent.slice(0, 4)).toEqual([1, 2, 3, 4]); // MINIMISE_ONE_LAB single-label steps
    expect(sent[sent.length - 1]).toBe(15);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('falls back to the full name', () => {
    const st = fallBack(startMinimising(true));
    expect(nextQuestion(n('www.example.com'), T.A, n('.'), st).minimised).toBe(false);
  });

  it('switches the probes to QTYPE NS once (RFC 9156 §2.1), keeping the labels reached; then only the full name is left', () => {
    let st = startMinimising(true);
    st = advance(st, nextQuestion(n('a.b.example.com'), T.AAAA, n('.'), st));
    const ns = usingNsProbes(st)!;
    const q = nextQuestion(n('a.b.example.com'), T.AAAA, n('com'), ns);
    expect([q.name.toString(), q.type, q.minimised]).toEqual(['example.com.', T.NS, true]);
    expect(usingNsProbes(ns)).toBeUndefined();
    expect(nextQuestion(n('a.b.example.com'), T.AAAA, n('com'), fallBack(ns)).minimised).toBe(false);
  });
});

describe('server selection', () => {
  const limits = { initialTimeoutMs: 400, maxTimeoutMs: 3000 };
  const opts = (tried: string[] = []) => ({ zoneKey: 'z', nowMs: 0, doIp6: false, tried: new Set(tried) });

  it('prefers the lowest smoothed RTT and skips IPv6 without doIp6', () => {
    const h = new ServerHealth(limits);
    h.recordReply('192.0.2.1', 80);
    h.recordReply('192.0.2.2', 10);
    expect(chooseAddress(['2001:db8::1', '192.0.2.1', '192.0.2.2'], h, opts())).toBe('192.0.2.2');
    expect(chooseAddress(['2001:db8::1'], h, opts())).toBeUndefined();
    expect(chooseAddress(['192.0.2.1', '192.0.2.2'], h, opts(['192.0.2.2']))).toBe('192.0.2.1');
  });

  it('doubles the timeout on each timeout up to the max and then skips the address for a while', () => {
    const h = new ServerHealth(limits);
    expect(h.timeoutFor('192.0.2.9')).toBe(400);
    h.recordTimeout('192.0.2.9', 0);
    expect(h.timeoutFor('192.0.2.9')).toBe(800);
    for (let i = 1; i < TIMEOUTS_BEFORE_BLOCK; i++) h.recordTimeout('192.0.2.9', 0);
    expect(h.timeoutFor('192.0.2.9')).toBe(3000);
    expect(h.isBlocked('192.0.2.9', 1000)).toBe(true);
    expect(chooseAddress(['192.0.2.9', '192.0.2.10'], h, { ...opts(), nowMs: 1000 })).toBe('192.0.2.10');
    // When every address is blocked, the least bad is still tried rather than none.
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: 1000 })).toBe('192.0.2.9');
  });

  it('skips IPv4 without doIp4 (an IPv6-only host)', () => {
    const h = new ServerHealth(limits);
    const v6only = { ...opts(), doIp6: true, doIp4: false };
    expect(chooseAddress(['192.0.2.1', '2001:db8::1'], h, v6only)).toBe('2001:db8::1');
    expect(chooseAddress(['192.0.2.1'], h, v6only)).toBeUndefined();
  });

  it('sends a blocked address one probe at a time; in between, the requests that have nothing else give up', () => {
    const h = new ServerHealth(limits);
    for (let i = 0; i < TIMEOUTS_BEFORE_BLOCK; i++) h.recordTimeout('192.0.2.9', 0);
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: 1000 })).toBe('192.0.2.9'); // the probe
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: 1500 })).toBeUndefined();
    expect(chooseAddress(['192.0.2.9', '192.0.2.10'], h, { ...opts(), nowMs: 1500 })).toBe('192.0.2.10');
    // The next probe once the first one's timeout has run out (and at least PROBE_INTERVAL_MS later).
    const next = 1000 + Math.max(PROBE_INTERVAL_MS, h.timeoutFor('192.0.2.9'));
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: next - 1 })).toBeUndefined();
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: next })).toBe('192.0.2.9');
    h.recordReply('192.0.2.9', 20); // the probe answered: no longer blocked, no longer rationed
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: next + 1 })).toBe('192.0.2.9');
    expect(chooseAddress(['192.0.2.9'], h, { ...opts(), nowMs: next + 1 })).toBe('192.0.2.9');
  });

  it('skips a server marked lame for the zone only', () => {
    const h = new ServerHealth(limits);
    h.recordLame('192.0.2.1', 'z', 0);
    expect(chooseAddress(['192.0.2.1', '192.0.2.2'], h, opts())).toBe('192.0.2.2');
    expect(chooseAddress(['192.0.2.1'], h, { ...opts(), zoneKey: 'other' })).toBe('192.0.2.1');
  });
});

describe('address guard', () => {
  it('refuses special-use targets only with the built-in hints', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.1.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::']) {
      expect(isAllowedTarget(a, true), a).toBe(false);
      expect(isAllowedTarget(a, false), a).toBe(true);
    }
    for (const a of ['198.41.0.4', '2001:503:ba3e::2:30']) expect(isAllowedTarget(a, true), a).toBe(true);
    expect(isAllowedTarget('not-an-ip', false)).toBe(false);
    expect(isAllowedTarget('1.2.3.256', false)).toBe(false);
  });
});

describe('referrals', () => {
  it('reads NS names and glue, and refuses loops and non-descending cuts', () => {
    const msg = response({
      aa: false,
      authority: [rr('example.com', T.NS, rdata.ns('ns1.example.com')), rr('example.com', T.NS, rdata.ns('ns.elsewhere.net'))],
      additional: [rr('ns1.example.com', T.A, rdata.a('192.0.2.53'))],
    });
    const ref = readReferral(msg, n('example.com'));
    expect(ref.servers.map((s) => [s.name.toString(), s.addresses])).toEqual([['ns1.example.com.', ['192.0.2.53']], ['ns.elsewhere.net.', []]]);
    expect(checkReferral(ref, n('com'), new Set())).toBeUndefined();
    expect(checkReferral(ref, n('example.com'), new Set())).toBe('not-below');
    expect(checkReferral(ref, n('com'), new Set([n('example.com').key]))).toBe('loop');
  });
});

describe('chain verdicts', () => {
  it('takes the weakest link: bogus > indeterminate > insecure > secure', () => {
    expect(weakest([secure('a'), insecure('b')]).status).toBe('insecure');
    expect(weakest([secure('a'), indeterminate('c'), insecure('b')]).status).toBe('indeterminate');
    expect(weakest([bogus('x'), indeterminate('c')]).status).toBe('bogus');
  });
});

describe('decide (the pure consume step)', () => {
  const full = (name: string, type: number) => ({ name: n(name), type, minimised: false });
  const min = (name: string) => ({ name: n(name), type: T.A, minimised: true });
  const base = { qname: n('www.example.com'), qtype: T.TLSA, zone: n('com'), msg: response({}) };

  it('descends on a referral; asks DS at the parent instead of following the cut', () => {
    expect(decide({ ...base, asked: min('example.com'), classified: { kind: 'referral', next: n('example.com') } }).do).toBe('descend');
    const ds = { ...base, qname: n('example.com'), qtype: T.DS };
    expect(decide({ ...ds, asked: min('example.com'), classified: { kind: 'referral', next: n('example.com') } }).do).toBe('ask-full');
    expect(decide({ ...ds, asked: full('example.com', T.DS), classified: { kind: 'referral', next: n('example.com') } }).do).toBe('fail');
  });

  it('goes deeper on NOERROR for a minimised name, asks the full name on NXDOMAIN, finishes on the full name', () => {
    expect(decide({ ...base, asked: min('example.com'), classified: { kind: 'nodata' } }).do).toBe('ask-deeper');
    expect(decide({ ...base, asked: min('example.com'), classified: { kind: 'nxdomain' } }).do).toBe('ask-full');
    expect(decide({ ...base, asked: full('www.example.com', T.TLSA), classified: { kind: 'nxdomain' } }).do).toBe('finish');
  });

  it('enters a child zone whose NS set a server carrying both sides put in the answer (RFC 1034 §4.2.1)', () => {
    // An unsigned child has no signer to reveal the cut: its NS set below the apex does.
    const msg = response({ answer: [rr('example.com', T.NS, rdata.ns('ns.example.com'))] });
    const a = decide({ ...base, msg, asked: { name: n('example.com'), type: T.NS, minimised: true }, classified: { kind: 'answer' } });
    expect(a.do === 'descend-hidden' && a.child.toString()).toBe('example.com.');
  });

  it('enters a child zone the server answered from (SOA owner below the zone asked)', () => {
    const msg = response({ authority: [rr('example.com', T.SOA, rdata.soa('ns.example.com', 'h.example.com'))] });
    const a = decide({ ...base, msg, asked: min('example.com'), classified: { kind: 'nodata' } });
    expect(a.do === 'descend-hidden' && a.child.toString()).toBe('example.com.');
  });
});

describe('ServerHealth stays bounded (HealthSizes, LRU)', () => {
  const limits = { initialTimeoutMs: 400, maxTimeoutMs: 3000 };

  it('200 000 attacker-chosen addresses and lame pairs keep at most maxServerAddresses / maxLameEntries entries', () => {
    const h = new ServerHealth(limits);
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.cpuUsage();
    for (let i = 0; i < 200_000; i++) {
      const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      h.recordReply(a, 5);
      h.recordLame(a, `zone${i}`, 0);
    }
    const d = process.cpuUsage(t0);
    expect(h.size).toEqual({ addresses: DEFAULT_HEALTH_SIZES.maxServerAddresses, lame: DEFAULT_HEALTH_SIZES.maxLameEntries });
    console.log(`ServerHealth after 200 000 addresses: ${JSON.stringify(h.size)} entries, heap +${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(1)} MB, ` +
      `${((d.user + d.system) / 1000).toFixed(0)} ms CPU`);
  });

  it('recently used addresses survive a flood; the oldest are forgotten (back to the initial timeout)', () => {
    const h = new ServerHealth(limits, { maxServerAddresses: 3, maxLameEntries: 2 });
    h.recordTimeout('192.0.2.1', 0);
    h.recordReply('192.0.2.2', 50);
    h.recordReply('192.0.2.3', 50);
    h.timeoutFor('192.0.2.1'); // used: moves to the front
    h.recordReply('192.0.2.4', 50); // evicts 192.0.2.2, the least recently used
    expect(h.rank('192.0.2.2')).toBe(UNKNOWN_RTT_MS);
    expect(h.timeoutFor('192.0.2.1')).toBeGreaterThan(limits.initialTimeoutMs);
    h.recordLame('192.0.2.1', 'a', 0);
    h.recordLame('192.0.2.1', 'b', 0);
    h.recordLame('192.0.2.1', 'c', 0);
    expect(h.isLame('192.0.2.1', 'a', 1)).toBe(false);
    expect(h.isLame('192.0.2.1', 'c', 1)).toBe(true);
    expect(h.size.lame).toBeLessThanOrEqual(2);
  });

  it('an expired lame mark is dropped when read', () => {
    const h = new ServerHealth(limits);
    h.recordLame('192.0.2.9', 'z', 0);
    expect(h.isLame('192.0.2.9', 'z', LAME_MS + 1)).toBe(false);
    expect(h.size.lame).toBe(0);
  });
});
