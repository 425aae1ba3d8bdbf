/**
 * Access control and rate limit on real sockets (DnsServer in process, loopback clients): what a refused,
 * dropped or rate-limited client receives over UDP and TCP, and a policy swapped by reconfigure().
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DnsServer } from '../../server/server.js';
import { ClientPolicy } from '../../server/admission.js';
import { parseListenAddress } from '../../server/listen-address.js';
import { udpQuery } from '../../resolver/transport/udp.js';
import { tcpQuery } from '../../resolver/transport/tcp.js';
import { TransportError } from '../../resolver/transport/transport.js';
import { buildQuery } from '../../resolver/wire/query.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { getEde } from '../../resolver/wire/edns.js';
import { Name } from '../../resolver/wire/name.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { EDE, secure } from '../../resolver/dnssec/verdict.js';
import { SwappableResolver } from '../../resolver/swappable.js';
import { FakeResolver, rr } from './fake-resolver.js';
import type { Resolver } from '../../resolver/api.js';

const servers: DnsServer[] = [];
afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

const answer = (addr: string): FakeResolver => new FakeResolver().on('www.example.', 'A', { answer: [rr(`www.example. 300 IN A ${addr}`)], verdict: secure('ok') });

async function start(policy?: ClientPolicy, resolver: Resolver = answer('192.0.2.7')): Promise<{ server: DnsServer; at: { address: string; port: number } }> {
  const server = new DnsServer(resolver, { listen: [parseListenAddress('127.0.0.1:0')], ...(policy ? { policy } : {}) });
  servers.push(server);
  const [bound] = await server.start();
  return { server, at: bound! };
}

const q = (): Uint8Array => buildQuery({ id: 9, name: Name.parse('www.example.'), type: T.A, rd: true, cd: false, do: true });
const ask = async (at: { address: string; port: number }, tcp: boolean) =>
  decodeMessage(tcp ? await tcpQuery(at, q(), { timeoutMs: 1500, tcp: true }) : await udpQuery(at, q(), { timeoutMs: 1500, tcp: false }));

describe('DnsServer client policy', () => {
  it('default policy answers loopback', async () => {
    const { at } = await start();
    expect((await ask(at, false)).rcode).toBe(RCODE.NOERROR);
  });

  it('refuse: REFUSED with EDE 18 Prohibited over UDP and TCP, without resolving', async () => {
    const resolver = answer('192.0.2.7');
    const { at } = await start(new ClientPolicy([{ prefix: '127.0.0.0/8', action: 'refuse' }], { qps: 0 }), resolver);
    for (const tcp of [false, true]) {
      const r = await ask(at, tcp);
      expect(r.rcode).toBe(RCODE.REFUSED);
      expect(getEde(r)?.infoCode).toBe(EDE.PROHIBITED);
      expect(r.answer).toEqual([]);
    }
    expect(resolver.calls).toHaveLength(0);
  });

  it('drop: no reply over UDP, the TCP connection is closed', async () => {
    const { at } = await start(new ClientPolicy([{ prefix: '127.0.0.1', action: 'drop' }], { qps: 0 }));
    await expect(ask(at, false)).rejects.toBeInstanceOf(TransportError);
    await expect(ask(at, true)).rejects.toBeInstanceOf(TransportError);
  });

  it('rate limit: the burst is answered, then UDP alternates silence and TC=1, TCP gets REFUSED + EDE 18', async () => {
    const { at } = await start(new ClientPolicy([], { qps: 0.001, burst: 2, exemptLoopback: false }));
    expect((await ask(at, false)).rcode).toBe(RCODE.NOERROR);
    expect((await ask(at, false)).rcode).toBe(RCODE.NOERROR);
    await expect(ask(at, false)).rejects.toBeInstanceOf(TransportError);
    const slip = await ask(at, false);
    expect(slip.flags.tc).toBe(true);
    expect(slip.answer).toEqual([]);
    const tcp = await ask(at, true);
    expect(tcp.rcode).toBe(RCODE.REFUSED);
    expect(getEde(tcp)?.infoCode).toBe(EDE.PROHIBITED);
  });

  it('reconfigure swaps the policy and the resolver for later queries', async () => {
    const front = new SwappableResolver(answer('192.0.2.7'));
    const { server, at } = await start(undefined, front);
    server.reconfigure({ policy: new ClientPolicy([{ prefix: '127.0.0.1', action: 'refuse' }], { qps: 0 }) });
    expect((await ask(at, false)).rcode).toBe(RCODE.REFUSED);
    server.reconfigure({ policy: new ClientPolicy([], { qps: 0 }) });
    front.swap(answer('192.0.2.8'));
    const r = await ask(at, false);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.answer[0]?.rdata).toEqual(new Uint8Array([192, 0, 2, 8]));
  });
});

describe('DnsServer.close (SIGTERM drain)', () => {
  it('answers the query in flight, while new TCP connections and UDP queries are turned away', async () => {
    const slow = new FakeResolver().on('www.example.', 'A', { answer: [rr('www.example. 300 IN A 192.0.2.9')], verdict: secure('ok'), delayMs: 400 });
    const server = new DnsServer(slow, { listen: [parseListenAddress('127.0.0.1:0')] });
    const [at] = await server.start();
    const inFlight = ask(at!, true);
    while (server.gate.inFlight === 0) await new Promise((r) => setTimeout(r, 10));
    const closing = server.close();
    // The listening socket is closed at once: the kernel refuses the connection (not a timeout).
    await expect(ask(at!, true)).rejects.toMatchObject({ code: 'REFUSED' });
    await expect(ask(at!, false)).rejects.toBeInstanceOf(TransportError);
    const answered = await inFlight;
    expect(answered.rcode).toBe(RCODE.NOERROR);
    expect(answered.answer[0]?.rdata).toEqual(new Uint8Array([192, 0, 2, 9]));
    await closing;
  });
});

describe('SwappableResolver', () => {
  it('closes the old resolver once its requests in flight are done, not before', async () => {
    let closed = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const old = answer('192.0.2.7');
    const slow = {
      ...old,
      resolve: async (...args: Parameters<FakeResolver['resolve']>) => { await gate; return old.resolve(...args); },
      resolveTLSA: old.resolveTLSA.bind(old),
      close: async () => { closed++; },
    };
    const front = new SwappableResolver(slow);
    const running = front.resolve(Name.parse('www.example.'), T.A);
    front.swap(answer('192.0.2.8'));
    expect(closed).toBe(0);
    const next = await front.resolve(Name.parse('www.example.'), T.A);
    expect(next.answer[0]?.rdata).toEqual(new Uint8Array([192, 0, 2, 8]));
    release();
    expect((await running).answer[0]?.rdata).toEqual(new Uint8Array([192, 0, 2, 7]));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(1);
  });
});
