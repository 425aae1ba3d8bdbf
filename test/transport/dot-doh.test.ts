/**
 * DoT and DoH upstream clients against small loopback servers (Node TLS and HTTP/2 with certificates made by
 * openssl): pipelining with out-of-order replies on one connection, authentication name and SPKI pin checks,
 * padding-agnostic framing, reconnect after the server closes, GET and POST. The real servers (Unbound) are
 * exercised in test/e2e/forwarding.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import http2 from 'node:http2';
import { FrameReader, frame } from '../../resolver/wire/stream-framing.js';
import { DotClient } from '../../resolver/transport/dot.js';
import { DohClient } from '../../resolver/transport/doh.js';
import { parseUpstreamUrl } from '../../resolver/forward/upstream-url.js';
import { TransportError } from '../../resolver/transport/transport.js';
import { makeTestPki, type TestPki } from '../support/tls-certs.js';
import { makeQuery, makeReply } from './servers.js';
import dnsPacket from 'dns-packet';

let pki: TestPki;
let other: TestPki;

beforeAll(() => {
  pki = makeTestPki(['dot.test.example'], ['127.0.0.1']);
  other = makeTestPki(['dot.test.example'], ['127.0.0.1']);
});

interface DotServer { port: number; connections: number; queries: number; dropAll(): void; close(): Promise<void> }

/** A DoT server that collects queries in batches of `batch` and answers each batch in reverse order. */
async function dotServer(p: TestPki, batch = 1): Promise<DotServer> {
  const state = { connections: 0, queries: 0 };
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: p.key, cert: p.cert, ALPNProtocols: ['dot'] }, (sock) => {
    state.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const reader = new FrameReader();
    let held: Uint8Array[] = [];
    sock.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let q = reader.take(); q; q = reader.take()) {
        state.queries++;
        held.push(q);
        if (held.length >= batch) {
          for (const h of held.reverse()) sock.write(frame(makeReply(h, dnsPacket.decode(Buffer.from(h)).questions![0]!.name)));
          held = [];
        }
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    dropAll: () => { for (const s of sockets) s.destroy(); },
    get connections() { return state.connections; },
    get queries() { return state.queries; },
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

function answerText(reply: Uint8Array): string {
  const m = dnsPacket.decode(Buffer.from(reply));
  return String((m.answers![0] as { data: Buffer[] }).data[0]);
}

describe('DoT client (RFC 7858, RFC 7766 §6.2.1.1)', () => {
  it('runs 200 concurrent queries over one connection, matching out-of-order replies by ID', async () => {
    const srv = await dotServer(pki, 50);
    const client = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?name=dot.test.example`), pki.ca);
    try {
      // Every caller uses the same ID: the client must keep them apart on the wire.
      const names = Array.from({ length: 200 }, (_, i) => `q${i}.example`);
      const replies = await Promise.all(names.map((n) => client.query(makeQuery(n, 'TXT', 0x4242), { timeoutMs: 10_000 })));
      replies.forEach((r, i) => {
        expect(answerText(r)).toBe(names[i]);
        expect((r[0]! << 8) | r[1]!).toBe(0x4242);
      });
      expect(srv.connections).toBe(1);
      expect(client.connectionsOpened).toBe(1);
      expect(srv.queries).toBe(200);
    } finally {
      await client.close();
      await srv.close();
    }
  });

  it('accepts a matching SPKI pin without a name, refuses a wrong pin and a wrong name before sending', async () => {
    const srv = await dotServer(pki);
    const good = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?pin=${pki.pin}`));
    const wrongPin = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?name=dot.test.example&pin=${other.pin}`), pki.ca);
    const wrongName = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?name=evil.example`), pki.ca);
    const wrongCa = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?name=dot.test.example`), other.ca);
    try {
      expect(answerText(await good.query(makeQuery('pinned.example', 'TXT'), { timeoutMs: 5000 }))).toBe('pinned.example');
      for (const [client, why] of [[wrongPin, /SPKI pins/], [wrongName, /not valid for evil\.example/], [wrongCa, /not valid for dot\.test\.example/]] as const) {
        const err = await client.query(makeQuery('x.example', 'TXT'), { timeoutMs: 5000 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TransportError);
        expect((err as TransportError).code).toBe('AUTH');
        expect((err as Error).message).toMatch(why);
      }
      // Only the pinned query reached the server: refused connections never carried a query.
      expect(srv.queries).toBe(1);
      // A refused upstream is down for the backoff: the next query fails at once without connecting.
      const before = srv.connections;
      await expect(wrongPin.query(makeQuery('y.example', 'TXT'), { timeoutMs: 5000 })).rejects.toThrow(/is down/);
      expect(srv.connections).toBe(before);
    } finally {
      for (const c of [good, wrongPin, wrongName, wrongCa]) await c.close();
      await srv.close();
    }
  });

  it('fails in-flight queries when the server drops the connection, and reconnects for the next one', async () => {
    const srv = await dotServer(pki, 2); // holds a lone query forever
    const client = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${srv.port}?name=127.0.0.1`), pki.ca);
    try {
      const pending = client.query(makeQuery('held.example', 'TXT'), { timeoutMs: 10_000 });
      while (srv.queries < 1) await new Promise((r) => setTimeout(r, 10));
      srv.dropAll();
      await expect(pending).rejects.toMatchObject({ code: 'NETWORK' });
      // The next query opens a new connection (the server holds it too; only the connection count matters).
      const again = client.query(makeQuery('again.example', 'TXT'), { timeoutMs: 10_000 }).catch((e: unknown) => e);
      while (srv.connections < 2) await new Promise((r) => setTimeout(r, 10));
      srv.dropAll();
      expect(await again).toMatchObject({ code: 'NETWORK' });
      expect(client.connectionsOpened).toBe(2);
    } finally {
      await client.close();
      await srv.close();
    }
  });
});

describe('DoT client: a server closing a kept-open connection (RFC 7766 §6.2.3)', () => {
  it('writes the query caught by the close once more on a fresh connection', async () => {
    // Each connection answers its first query, then closes when the second one arrives (an idle close racing it).
    let connections = 0;
    const server = tls.createServer({ key: pki.key, cert: pki.cert }, (sock) => {
      connections++;
      const reader = new FrameReader();
      let seen = 0;
      sock.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let q = reader.take(); q; q = reader.take()) {
          if (++seen === 1) sock.write(frame(makeReply(q, 'first on this connection')));
          else sock.destroy();
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new DotClient(parseUpstreamUrl(`tls://127.0.0.1:${(server.address() as { port: number }).port}?name=dot.test.example`), pki.ca);
    try {
      expect(answerText(await client.query(makeQuery('one.example', 'TXT'), { timeoutMs: 5000 }))).toBe('first on this connection');
      expect(answerText(await client.query(makeQuery('two.example', 'TXT'), { timeoutMs: 5000 }))).toBe('first on this connection');
      expect(connections).toBe(2);
      expect(client.connectionsOpened).toBe(2);
    } finally {
      await client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

interface DohServer { port: number; sessions: number; methods: string[]; close(): Promise<void> }

async function dohServer(p: TestPki): Promise<DohServer> {
  const state = { sessions: 0, methods: [] as string[] };
  const server = http2.createSecureServer({ key: p.key, cert: p.cert });
  server.on('session', () => state.sessions++);
  server.on('stream', (stream, headers) => {
    const method = String(headers[':method']);
    state.methods.push(method);
    const answer = (q: Buffer): void => {
      stream.respond({ ':status': 200, 'content-type': 'application/dns-message' });
      stream.end(makeReply(q, `${method} ${dnsPacket.decode(q).questions![0]!.name}`));
    };
    if (method === 'GET') {
      const dns = new URL(String(headers[':path']), 'https://x').searchParams.get('dns')!;
      answer(Buffer.from(dns, 'base64url'));
    } else if (headers['content-type'] !== 'application/dns-message') {
      stream.respond({ ':status': 415 });
      stream.end();
    } else {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => answer(Buffer.concat(chunks)));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get sessions() { return state.sessions; },
    methods: state.methods,
    close: () => new Promise<void>((r) => { server.close(() => r()); }),
  };
}

describe('DoH client (RFC 8484 over HTTP/2)', () => {
  let srv: DohServer;
  beforeAll(async () => { srv = await dohServer(pki); });
  afterAll(async () => { await srv?.close(); });

  it('POSTs and GETs with ID 0 on the wire, restores the caller ID, reuses one session', async () => {
    const post = new DohClient(parseUpstreamUrl(`https://127.0.0.1:${srv.port}/dns-query?name=dot.test.example`), pki.ca);
    const get = new DohClient(parseUpstreamUrl(`https://127.0.0.1:${srv.port}/dns-query?name=dot.test.example&method=get`), pki.ca);
    try {
      const names = Array.from({ length: 50 }, (_, i) => `p${i}.example`);
      const replies = await Promise.all(names.map((n) => post.query(makeQuery(n, 'TXT', 0x1111), { timeoutMs: 10_000 })));
      replies.forEach((r, i) => { expect(answerText(r)).toBe(`POST ${names[i]}`); expect((r[0]! << 8) | r[1]!).toBe(0x1111); });
      expect(answerText(await get.query(makeQuery('g.example', 'TXT', 0x2222), { timeoutMs: 10_000 }))).toBe('GET g.example');
      expect(post.connectionsOpened).toBe(1);
      expect(get.connectionsOpened).toBe(1);
      expect(srv.sessions).toBe(2);
    } finally {
      await post.close();
      await get.close();
    }
  });

  it('refuses a wrong pin and a wrong authentication name', async () => {
    for (const url of [`https://127.0.0.1:${srv.port}/dns-query?pin=${other.pin}`, `https://127.0.0.1:${srv.port}/dns-query?name=evil.example`]) {
      const c = new DohClient(parseUpstreamUrl(url), pki.ca);
      await expect(c.query(makeQuery('x.example', 'TXT'), { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'AUTH' });
      await c.close();
    }
  });
});
