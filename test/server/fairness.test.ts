/**
 * Per-client fairness of the DNS server (server/limits.ts, README "Limits"): one client's burst, flood, trickle
 * or refusal to read must not take the request slots, TCP connections or memory everyone else needs. Each test
 * prints what it measured (slots held, octets sent, CPU); none asserts a duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { DnsServer } from '../../server/server.js';
import { parseListenAddress } from '../../server/listen-address.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../../server/limits.js';
import { frame } from '../../resolver/wire/stream-framing.js';
import { buildQuery } from '../../resolver/wire/query.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { Name } from '../../resolver/wire/name.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { secure } from '../../resolver/dnssec/verdict.js';
import type { ResolveOptions, ResolveResult, Resolver } from '../../resolver/api.js';
import { FakeResolver, rr } from './fake-resolver.js';

const FAST = '_443._tcp.fast.example.';
/** A fake resolver that also counts how many resolutions run at once (the request slots in use). */
class CountingResolver implements Resolver {
  current = 0;
  max = 0;
  constructor(private readonly inner: Resolver) {}
  async resolve(name: Name, type: number, opts?: ResolveOptions): Promise<ResolveResult> {
    this.current++;
    this.max = Math.max(this.max, this.current);
    try { return await this.inner.resolve(name, type, opts); } finally { this.current--; }
  }
  resolveTLSA(host: Name | string, port: number, proto?: string, opts?: ResolveOptions): Promise<ResolveResult> {
    return this.inner.resolveTLSA(host, port, proto, opts);
  }
  close(): Promise<void> { return this.inner.close(); }
}

const bigTxt = Array.from({ length: 200 }, (_, i) => rr(`big.example. 300 IN TXT "${String(i).padStart(3, '0')}${'x'.repeat(240)}"`));

function resolver(): CountingResolver {
  return new CountingResolver(new FakeResolver()
    .on(FAST, 'TLSA', { answer: [rr(`${FAST} 300 IN TLSA 3 1 1 AABBCCDD`)], verdict: secure('ok') })
    .on('slow.example.', 'A', { answer: [rr('slow.example. 300 IN A 192.0.2.7')], verdict: secure('ok'), delayMs: 300 })
    // A zone that never answers: the resolver gives up only at its request deadline.
    .on('hang.example.', 'A', { verdict: secure('ok'), delayMs: 1500 })
    .on('big.example.', 'TXT', { answer: bigTxt, verdict: secure('ok') }));
}

const servers: DnsServer[] = [];
afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

async function start(limits: Partial<ServerLimits> = {}): Promise<{ port: number; server: DnsServer; res: CountingResolver }> {
  const res = resolver();
  const server = new DnsServer(res, { listen: [parseListenAddress('127.0.0.1:0')], limits });
  servers.push(server);
  const bound = await server.start();
  return { port: bound[0]!.port, server, res };
}

const query = (name: string, type: number, id = 77): Uint8Array => buildQuery({ id, name: Name.parse(name), type, rd: true, cd: false, do: true });
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** A UDP query from another loopback address (another client), resolved with its reply code. */
async function askFrom(source: string, port: number, name = FAST, type = T.TLSA): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, source, () => r()));
  const got = new Promise<Buffer>((r) => sock.once('message', r));
  sock.send(query(name, type, 4242), port, '127.0.0.1');
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000));
  const reply = await Promise.race([got, timeout]);
  sock.close();
  return reply === undefined ? -1 : decodeMessage(new Uint8Array(reply)).rcode;
}

describe('per-client fairness', () => {
  it('one 64 KB TCP write of 3 000 queries holds at most maxPipelinedPerConnection slots; another client is answered', async () => {
    const { port, server, res } = await start();
    const conn = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => conn.once('connect', r));
    conn.on('data', () => undefined);
    conn.on('error', () => undefined);
    const burst = Buffer.concat(Array.from({ length: 3000 }, (_, i) => frame(query('slow.example.', T.A, i))));
    const c0 = cpu();
    conn.write(burst);
    await new Promise((r) => setTimeout(r, 200));
    const other = await askFrom('127.0.0.2', port);
    const held = res.max;
    console.log(`3000 pipelined queries in one ${burst.length}-octet write: ${held} request slots held at most ` +
      `(limit ${DEFAULT_SERVER_LIMITS.maxPipelinedPerConnection} per connection), ${server.gate.dropped} dropped, another client got rcode ${other}, ` +
      `${(cpu() - c0).toFixed(0)} ms CPU`);
    conn.destroy();
    expect(held).toBeLessThanOrEqual(DEFAULT_SERVER_LIMITS.maxPipelinedPerConnection + 1);
    expect(other).toBe(RCODE.NOERROR);
  });

  it('a UDP flood to a zone that never answers holds at most maxRequestsPerClient slots; another client is answered', async () => {
    const { port, server } = await start();
    const flood = dgram.createSocket('udp4');
    await new Promise<void>((r) => flood.bind(0, '127.0.0.1', () => r()));
    for (let i = 0; i < 400; i++) flood.send(query('hang.example.', T.A, i), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    const mine = server.gate.inFlightFor('127.0.0.1/32');
    const other = await askFrom('127.0.0.2', port);
    console.log(`400 queries to a silent zone from one client: ${mine} slots held (limit ${DEFAULT_SERVER_LIMITS.maxRequestsPerClient}), ` +
      `${server.gate.droppedForClient} dropped for that client, another client got rcode ${other}`);
    flood.close();
    expect(mine).toBe(DEFAULT_SERVER_LIMITS.maxRequestsPerClient);
    expect(server.gate.droppedForClient).toBeGreaterThan(0);
    expect(other).toBe(RCODE.NOERROR);
  });

  it('TCP queries beyond the client share wait on their connection (answered later, never dropped)', async () => {
    const { port, res } = await start({ maxRequestsPerClient: 4 });
    const conn = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => conn.once('connect', r));
    let replies = 0;
    const done = new Promise<void>((resolve) => conn.on('data', (d) => {
      // Count frames by their length prefixes (each reply is small and arrives whole here).
      for (let o = 0; o + 2 <= d.length; o += 2 + d.readUInt16BE(o)) replies++;
      if (replies >= 12) resolve();
    }));
    conn.write(Buffer.concat(Array.from({ length: 12 }, (_, i) => frame(query('slow.example.', T.A, i)))));
    await done;
    conn.destroy();
    expect(replies).toBe(12);
    expect(res.max).toBeLessThanOrEqual(4);
  });

  it('a client trickling one octet at a time is cut off after tcpFrameTimeoutMs, whatever the idle timeout', async () => {
    const { port } = await start({ tcpFrameTimeoutMs: 300, tcpIdleTimeoutMs: 10_000 });
    const conn = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => conn.once('connect', r));
    const msg = frame(query(FAST, T.TLSA));
    let sent = 0;
    const closed = new Promise<void>((r) => conn.once('close', () => r()));
    conn.on('error', () => undefined);
    const timer = setInterval(() => { if (sent < msg.length && !conn.destroyed) conn.write(msg.subarray(sent, ++sent)); }, 40);
    await closed;
    clearInterval(timer);
    console.log(`trickle: server closed the connection after ${sent} of ${msg.length} octets`);
    expect(sent).toBeLessThan(msg.length);
  });

  /** Sends queries for ~50 KB replies on a connection that never reads, until the server closes it. */
  async function neverRead(port: number): Promise<{ written: number; closedByServer: boolean; grownMb: number }> {
    const conn = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => conn.once('connect', r));
    conn.pause(); // never read
    conn.on('error', () => undefined);
    let closedByServer = false;
    conn.once('close', () => { closedByServer = true; });
    const mem = (): number => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const before = mem();
    let written = 0;
    for (let round = 0; round < 150 && !closedByServer; round++) {
      conn.write(Buffer.concat(Array.from({ length: 20 }, (_, i) => frame(query('big.example.', T.TXT, (written + i) & 0xffff)))));
      written += 20;
      await new Promise((r) => setTimeout(r, 20));
    }
    const grownMb = (mem() - before) / 1e6;
    conn.destroy();
    return { written, closedByServer, grownMb };
  }

  it('a client that never reads its replies: reading stops, server memory stays flat, the connection is closed', async () => {
    // The kernel's socket buffers take the first megabytes; then replies queue in the server and reading stops
    // (writableNeedDrain). The connection is closed either when the queue passes maxTcpUnsentReplyBytes or when,
    // with nothing in flight, it sat idle for tcpIdleTimeoutMs: which comes first depends on the kernel's buffers.
    const { port } = await start({ tcpIdleTimeoutMs: 1000 });
    const r = await neverRead(port);
    console.log(`non-reading client: ${r.written} queries for ~50 KB replies sent, closed by server: ${r.closedByServer}, ` +
      `server-side memory grew ${r.grownMb.toFixed(1)} MB`);
    expect(r.closedByServer).toBe(true);
  });

  it('connections beyond maxTcpConnectionsPerClient are closed; another client can still connect', async () => {
    const { port, server } = await start({ maxTcpConnectionsPerClient: 3 });
    const open: net.Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const c = net.connect({ host: '127.0.0.1', port });
      await new Promise((r) => c.once('connect', r));
      open.push(c);
    }
    await new Promise((r) => setTimeout(r, 50));
    const fourth = net.connect({ host: '127.0.0.1', port });
    fourth.on('error', () => undefined);
    await new Promise((r) => fourth.once('close', r));
    const other = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    await new Promise((r) => other.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(other.destroyed).toBe(false);
    expect(server.connections.refused).toBe(1);
    for (const c of [...open, other]) c.destroy();
  });
});
