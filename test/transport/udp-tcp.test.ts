import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { udpQuery, replyMatchesQuery } from '../../resolver/transport/udp.js';
import { tcpQuery } from '../../resolver/transport/tcp.js';
import { FrameReader, frame } from '../../resolver/wire/stream-framing.js';
import { StandardTransport } from '../../resolver/transport/standard.js';
import { TransportError } from '../../resolver/transport/transport.js';
import { closedUdpPort, framed, makeQuery, makeReply, tcpServer, txtOf, udpServer } from './servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function expectCode(p: Promise<unknown>, code: string): Promise<TransportError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
  expect((err as TransportError).code).toBe(code);
  return err as TransportError;
}

describe('replyMatchesQuery (RFC 5452 §9.1)', () => {
  const query = makeQuery('Js.Example.FR', 'TLSA', 7);
  it('accepts the same ID and question, names case-insensitively', () => {
    expect(replyMatchesQuery(query, makeReply(query, 'x', { name: 'js.EXAMPLE.fr' }))).toBe(true);
  });
  it('rejects another ID, another name, a non-response, or a different type', () => {
    expect(replyMatchesQuery(query, makeReply(query, 'x', { id: 8 }))).toBe(false);
    expect(replyMatchesQuery(query, makeReply(query, 'x', { name: 'js.example.com' }))).toBe(false);
    expect(replyMatchesQuery(query, query)).toBe(false); // QR clear
    const otherType = makeQuery('js.example.fr', 'TXT', 7);
    expect(replyMatchesQuery(query, makeReply(otherType, 'x'))).toBe(false);
    expect(replyMatchesQuery(query, new Uint8Array(5))).toBe(false);
  });
  it('does not fold type bytes: HTTPS (65 = 0x41) is not type 97 (0x61)', () => {
    const a = Uint8Array.from(query); const b = Uint8Array.from(query);
    const end = a.length;
    a[end - 3] = 0x41; b[end - 3] = 0x61;
    b[2]! |= 0x80;
    expect(replyMatchesQuery(a, b)).toBe(false);
  });
});

describe('udpQuery', () => {
  it('gets the answer from a responder over IPv4 and IPv6', async () => {
    for (const family of ['udp4', 'udp6'] as const) {
      const srv = await udpServer(family, (s, msg, r) => s.send(makeReply(msg, 'hello'), r.port, r.address));
      cleanups.push(srv.close);
      const reply = await udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.'), { timeoutMs: 2000, tcp: false });
      expect(txtOf(reply)).toBe('hello');
    }
  });

  it('uses a fresh random source port per query', async () => {
    const ports = new Set<number>();
    const srv = await udpServer('udp4', (s, msg, r) => { ports.add(r.port); s.send(makeReply(msg, 'ok'), r.port, r.address); });
    cleanups.push(srv.close);
    for (let i = 0; i < 5; i++) await udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.', 'A', i), { timeoutMs: 2000, tcp: false });
    expect(ports.size).toBe(5);
  });

  it('ignores a spoofed wrong-ID reply and a reply from another port, then takes the real one', async () => {
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => spoofer.close(() => r())));
    const srv = await udpServer('udp4', (s, msg, r) => {
      s.send(makeReply(msg, 'spoofed-id', { id: (msg.readUInt16BE(0) + 1) & 0xffff }), r.port, r.address);
      s.send(makeReply(msg, 'wrong-name', { name: 'evil.example.' }), r.port, r.address);
      spoofer.send(makeReply(msg, 'other-port'), r.port, r.address);
      setTimeout(() => s.send(makeReply(msg, 'genuine'), r.port, r.address), 50);
    });
    cleanups.push(srv.close);
    const reply = await udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.'), { timeoutMs: 2000, tcp: false });
    expect(txtOf(reply)).toBe('genuine');
  });

  it('times out on a silent server', async () => {
    const srv = await udpServer('udp4', () => undefined);
    cleanups.push(srv.close);
    const t0 = Date.now();
    await expectCode(udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.'), { timeoutMs: 200, tcp: false }), 'TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(srv.received).toBe(1);
  });

  it('fails at once with REFUSED on a closed port (ICMP port unreachable)', async () => {
    const port = await closedUdpPort();
    // REFUSED (not TIMEOUT) can only come from the ICMP error, so no wall-clock assertion is needed.
    await expectCode(udpQuery({ address: '127.0.0.1', port }, makeQuery('a.example.'), { timeoutMs: 30_000, tcp: false }), 'REFUSED');
  });

  it('honours an abort signal', async () => {
    const srv = await udpServer('udp4', () => undefined);
    cleanups.push(srv.close);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await expectCode(udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.'), { timeoutMs: 5000, tcp: false, signal: ctl.signal }), 'ABORTED');
    await expectCode(udpQuery({ address: srv.address, port: srv.port }, makeQuery('a.example.'), { timeoutMs: 5000, tcp: false, signal: ctl.signal }), 'ABORTED');
  });
});

describe('tcpQuery (RFC 7766)', () => {
  it('reassembles a reply split across writes, over IPv4 and IPv6', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const srv = await tcpServer(host, (conn, q) => {
        const whole = framed(makeReply(q, 'x'.repeat(200)));
        conn.write(whole.subarray(0, 1));
        setTimeout(() => conn.write(whole.subarray(1, 30)), 20);
        setTimeout(() => conn.write(whole.subarray(30)), 40);
      });
      cleanups.push(srv.close);
      const reply = await tcpQuery({ address: host, port: srv.port }, makeQuery('big.example.'), { timeoutMs: 2000, tcp: true });
      expect(txtOf(reply)).toBe('x'.repeat(200));
    }
  });

  it('times out when the server accepts but never answers', async () => {
    const srv = await tcpServer('127.0.0.1', () => undefined);
    cleanups.push(srv.close);
    await expectCode(tcpQuery({ address: '127.0.0.1', port: srv.port }, makeQuery('a.example.'), { timeoutMs: 200, tcp: true }), 'TIMEOUT');
  });

  it('reports REFUSED on a closed port', async () => {
    const port = await closedUdpPort();
    await expectCode(tcpQuery({ address: '127.0.0.1', port }, makeQuery('a.example.'), { timeoutMs: 2000, tcp: true }), 'REFUSED');
  });

  it('refuses a reply larger than the cap and a mismatched reply', async () => {
    const big = await tcpServer('127.0.0.1', (conn, q) => conn.write(framed(makeReply(q, 'y'.repeat(300)))));
    cleanups.push(big.close);
    await expectCode(tcpQuery({ address: '127.0.0.1', port: big.port }, makeQuery('a.example.'), { timeoutMs: 2000, tcp: true }, { maxReplySize: 100 }), 'TOO_LARGE');
    const wrong = await tcpServer('127.0.0.1', (conn, q) => conn.write(framed(makeReply(q, 'z', { id: 1 }))));
    cleanups.push(wrong.close);
    await expectCode(tcpQuery({ address: '127.0.0.1', port: wrong.port }, makeQuery('a.example.', 'A', 2), { timeoutMs: 2000, tcp: true }), 'MALFORMED');
  });

  it('reports NETWORK when the server closes mid-reply', async () => {
    const srv = await tcpServer('127.0.0.1', (conn, q) => conn.end(framed(makeReply(q, 'cut')).subarray(0, 10)));
    cleanups.push(srv.close);
    await expectCode(tcpQuery({ address: '127.0.0.1', port: srv.port }, makeQuery('a.example.'), { timeoutMs: 2000, tcp: true }), 'NETWORK');
  });

  it('FrameReader yields whole messages only', () => {
    const r = new FrameReader();
    const f = frame(Uint8Array.of(1, 2, 3));
    r.push(f.subarray(0, 1));
    expect(r.take()).toBeUndefined();
    r.push(Buffer.concat([f.subarray(1), frame(Uint8Array.of(9))]));
    expect([...r.take()!]).toEqual([1, 2, 3]);
    expect([...r.take()!]).toEqual([9]);
    expect(r.take()).toBeUndefined();
  });
});

describe('StandardTransport', () => {
  it('uses UDP or TCP as asked and cancels in-flight queries on close', async () => {
    const u = await udpServer('udp4', (s, msg, r) => s.send(makeReply(msg, 'udp'), r.port, r.address));
    const t = await tcpServer('127.0.0.1', (conn, q) => conn.write(framed(makeReply(q, 'tcp'))));
    const silent = await udpServer('udp4', () => undefined);
    cleanups.push(u.close, t.close, silent.close);
    const tr = new StandardTransport();
    expect(txtOf(await tr.query({ address: '127.0.0.1', port: u.port }, makeQuery('a.'), { timeoutMs: 2000, tcp: false }))).toBe('udp');
    expect(txtOf(await tr.query({ address: '127.0.0.1', port: t.port }, makeQuery('a.'), { timeoutMs: 2000, tcp: true }))).toBe('tcp');
    const pending = tr.query({ address: '127.0.0.1', port: silent.port }, makeQuery('a.'), { timeoutMs: 5000, tcp: false });
    await new Promise((r) => setTimeout(r, 30));
    await tr.close();
    await expectCode(pending, 'ABORTED');
    await expectCode(tr.query({ address: '127.0.0.1', port: u.port }, makeQuery('a.'), { timeoutMs: 2000, tcp: false }), 'ABORTED');
  });
});
