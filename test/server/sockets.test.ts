import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { DnsServer } from '../../server/server.js';
import { parseListenAddress, formatListenAddress } from '../../server/listen-address.js';
import { udpQuery } from '../../resolver/transport/udp.js';
import { tcpQuery } from '../../resolver/transport/tcp.js';
import { FrameReader, frame } from '../../resolver/wire/stream-framing.js';
import { buildQuery } from '../../resolver/wire/query.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { getEde } from '../../resolver/wire/edns.js';
import { Name } from '../../resolver/wire/name.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { EDE, bogus, secure } from '../../resolver/dnssec/verdict.js';
import { TransportError } from '../../resolver/transport/transport.js';
import { FakeResolver, rr, rrsig } from './fake-resolver.js';
import { freeDnsPort } from '../support/ports.js';

const NAME = '_443._tcp.js.example.fr.';
const servers: DnsServer[] = [];
afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

function fake(): FakeResolver {
  return new FakeResolver()
    .on(NAME, 'TLSA', { answer: [rr(`${NAME} 300 IN TLSA 3 1 1 AABBCCDD`), rrsig(NAME, 'TLSA')], verdict: secure('ok') })
    .on('bogus.example.fr.', 'TLSA', { verdict: bogus('DS matches no DNSKEY', EDE.DNSKEY_MISSING) })
    .on('slow.example.', 'A', { answer: [rr('slow.example. 300 IN A 192.0.2.7')], verdict: secure('ok'), delayMs: 300 });
}

async function start(listen: string[], limits = {}, resolver = fake()): Promise<{ port: number; server: DnsServer }> {
  const server = new DnsServer(resolver, { listen: listen.map(parseListenAddress), limits });
  servers.push(server);
  const bound = await server.start();
  return { port: bound[0]!.port, server };
}

const query = (name: string, type: number, id = 77): Uint8Array =>
  buildQuery({ id, name: Name.parse(name), type, rd: true, cd: false, do: true });

describe('parseListenAddress', () => {
  it('parses IPv4 and bracketed IPv6, rejects the rest', () => {
    expect(parseListenAddress('127.0.0.1:5300')).toEqual({ address: '127.0.0.1', port: 5300 });
    expect(parseListenAddress('[::1]:53')).toEqual({ address: '::1', port: 53 });
    expect(formatListenAddress({ address: '::1', port: 53 })).toBe('[::1]:53');
    for (const bad of ['127.0.0.1', '::1:53', 'localhost:53', '[::1]', '1.2.3.4:70000', '1.2.3.4:-1', '']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/listen address/);
    }
  });
});

describe('DnsServer over real UDP and TCP sockets', () => {
  it('answers over UDP and TCP on IPv4 and IPv6 listeners, AD and RRSIG with DO', async () => {
    const v4 = await start(['127.0.0.1:0']);
    const v6 = await start(['[::1]:0']);
    for (const server of [{ address: '127.0.0.1', port: v4.port }, { address: '::1', port: v6.port }]) {
      for (const tcp of [false, true]) {
        const bytes = tcp
          ? await tcpQuery(server, query(NAME, T.TLSA), { timeoutMs: 2000, tcp: true })
          : await udpQuery(server, query(NAME, T.TLSA), { timeoutMs: 2000, tcp: false });
        const reply = decodeMessage(bytes);
        expect(reply.flags.ad, `${server.address} tcp=${tcp}`).toBe(true);
        expect(reply.answer.map((r) => r.type)).toEqual([T.TLSA, T.RRSIG]);
      }
    }
  });

  it('bogus: SERVFAIL with EDE over the socket', async () => {
    const { port } = await start(['127.0.0.1:0']);
    const reply = decodeMessage(await udpQuery({ address: '127.0.0.1', port }, query('bogus.example.fr.', T.TLSA), { timeoutMs: 2000, tcp: false }));
    expect(reply.rcode).toBe(RCODE.SERVFAIL);
    expect(getEde(reply)).toEqual({ infoCode: EDE.DNSKEY_MISSING, extraText: 'DS matches no DNSKEY' });
  });

  it('several listeners at once', async () => {
    const server = new DnsServer(fake(), { listen: ['127.0.0.1:0', '127.0.0.2:0'].map(parseListenAddress) });
    servers.push(server);
    const bound = await server.start();
    expect(bound).toHaveLength(2);
    for (const b of bound) {
      const reply = decodeMessage(await udpQuery(b, query(NAME, T.TLSA), { timeoutMs: 2000, tcp: false }));
      expect(reply.rcode).toBe(RCODE.NOERROR);
    }
  });

  it('answers a FORMERR to a malformed UDP query and keeps serving', async () => {
    const { port } = await start(['127.0.0.1:0']);
    const sock = dgram.createSocket('udp4');
    const got = new Promise<Buffer>((r) => sock.once('message', r));
    const broken = query(NAME, T.TLSA).slice(0, 18);
    sock.send(broken, port, '127.0.0.1');
    const reply = decodeMessage(new Uint8Array(await got));
    sock.close();
    expect(reply.rcode).toBe(RCODE.FORMERR);
    const ok = decodeMessage(await udpQuery({ address: '127.0.0.1', port }, query(NAME, T.TLSA), { timeoutMs: 2000, tcp: false }));
    expect(ok.rcode).toBe(RCODE.NOERROR);
  });

  it('TCP: pipelined queries on one connection are all answered', async () => {
    const { port } = await start(['127.0.0.1:0']);
    const conn = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => conn.once('connect', r));
    conn.write(Buffer.concat([frame(query('slow.example.', T.A, 1)), frame(query(NAME, T.TLSA, 2))]));
    const reader = new FrameReader();
    const ids: number[] = [];
    await new Promise<void>((resolve) => conn.on('data', (d) => {
      reader.push(d);
      for (let m = reader.take(); m; m = reader.take()) ids.push(decodeMessage(m).id);
      if (ids.length === 2) resolve();
    }));
    conn.destroy();
    expect(ids).toEqual([2, 1]); // RFC 7766 §6.2.1.1: the fast one is not held up behind the slow one
  });

  it('connection limit: a connection beyond maxTcpConnections is closed at once', async () => {
    const { port, server } = await start(['127.0.0.1:0'], { maxTcpConnections: 1 });
    const first = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => first.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    const second = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => second.once('close', r));
    expect(server.connections.refused).toBe(1);
    first.destroy();
  });

  it('request limit: beyond maxConcurrentRequests UDP queries are dropped', async () => {
    const { port, server } = await start(['127.0.0.1:0'], { maxConcurrentRequests: 1 });
    const slow = udpQuery({ address: '127.0.0.1', port }, query('slow.example.', T.A, 1), { timeoutMs: 2000, tcp: false });
    await new Promise((r) => setTimeout(r, 50));
    const dropped = await udpQuery({ address: '127.0.0.1', port }, query(NAME, T.TLSA, 2), { timeoutMs: 150, tcp: false }).catch((e: unknown) => e);
    expect((dropped as TransportError).code).toBe('TIMEOUT');
    expect(decodeMessage(await slow).rcode).toBe(RCODE.NOERROR);
    expect(server.gate.dropped).toBe(1);
  });

  it('graceful close: an in-flight query is still answered, then the port is free', async () => {
    // A fixed port below Linux's ephemeral range (32768–60999): no outgoing connection of another test can take
    // it between our close and the re-bind, as could happen with a port-0 pick.
    const { port, server } = await start([`127.0.0.1:${await freeDnsPort()}`]);
    const slow = udpQuery({ address: '127.0.0.1', port }, query('slow.example.', T.A), { timeoutMs: 2000, tcp: false });
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect(decodeMessage(await slow).answer).toHaveLength(1);
    const again = new DnsServer(fake(), { listen: [{ address: '127.0.0.1', port }] });
    servers.push(again);
    await again.start();
  });

  it('a port already in use is a LISTEN_FAILED error', async () => {
    const { port } = await start(['127.0.0.1:0']);
    const clash = new DnsServer(fake(), { listen: [{ address: '127.0.0.1', port }] });
    await expect(clash.start()).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
  });
});

