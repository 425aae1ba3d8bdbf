/**
 * HttpServer on real loopback sockets: several listeners, HTTPS with HTTP/2 negotiated by ALPN (node:http2 as
 * the client, a certificate made with openssl), the drop decision closing the connection before any reply, and
 * a graceful close that lets a request in flight finish.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secure } from '../../../resolver/dnssec/verdict.js';
import { HttpServer } from '../../../server/http/server.js';
import type { HttpServerOptions } from '../../../server/http/server.js';
import { createDaneelMetrics } from '../../../server/metrics/instruments.js';
import { createMetricsRegistry } from '../../../server/metrics/registry.js';
import { FakeResolver, rr } from '../fake-resolver.js';

let dir: string;
let tls: { key: Buffer; cert: Buffer };
let server: HttpServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'daneel-http-unit-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'),
    '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => { await server?.close(); server = undefined; });

const resolver = () => new FakeResolver()
  .on('slow.example.', 'A', { answer: [rr('slow.example. 300 IN A 192.0.2.1')], verdict: secure('ok'), delayMs: 300 });

async function start(opts: Partial<HttpServerOptions> = {}) {
  server = new HttpServer(resolver(), { listen: [{ address: '127.0.0.1', port: 0 }, { address: '::1', port: 0 }], metrics: createDaneelMetrics(createMetricsRegistry()), ...opts });
  return server.start();
}

describe('HttpServer', () => {
  it('listens on every address (port 0 picks one each) and answers HTTP/1.1 on IPv4 and IPv6', async () => {
    const bound = await start();
    expect(bound.map((b) => b.address)).toEqual(['127.0.0.1', '::1']);
    for (const url of [`http://127.0.0.1:${bound[0]!.port}/healthz`, `http://[::1]:${bound[1]!.port}/healthz`]) {
      expect(await (await fetch(url)).json()).toEqual({ status: 'ok' });
    }
  });

  it('with a certificate: HTTP/2 by ALPN', async () => {
    const [a] = await start({ tls, listen: [{ address: '127.0.0.1', port: 0 }] });
    const session = http2.connect(`https://127.0.0.1:${a!.port}`, { ca: tls.cert });
    try {
      const { status, body, alpn } = await new Promise<{ status: number; body: string; alpn: string }>((resolve, reject) => {
        const req = session.request({ ':path': '/resolve?name=slow.example' });
        let body = '';
        let status = 0;
        req.on('response', (h) => { status = Number(h[':status']); });
        req.on('data', (d: Buffer) => { body += d.toString(); });
        req.on('end', () => resolve({ status, body, alpn: String(session.alpnProtocol) }));
        req.on('error', reject);
        req.end();
      });
      expect({ status, alpn }).toEqual({ status: 200, alpn: 'h2' });
      expect(JSON.parse(body)).toMatchObject({ Status: 0, AD: true, status: 'secure' });
    } finally {
      session.close();
    }
  });

  it('a dropped client gets no reply at all: the connection is closed', async () => {
    const [a] = await start({ access: () => 'drop', listen: [{ address: '127.0.0.1', port: 0 }] });
    await expect(fetch(`http://127.0.0.1:${a!.port}/healthz`)).rejects.toThrow();
  });

  it('a policy that turns to drop after the connection was accepted closes it at the request, HTTP/1.1 and HTTP/2', async () => {
    let calls = 0;
    const allowThenDrop = (_a: string, stage: string) => { calls++; return stage === 'connection' ? 'allow' : 'drop'; };
    const [plain] = await start({ access: allowThenDrop, listen: [{ address: '127.0.0.1', port: 0 }] });
    await expect(fetch(`http://127.0.0.1:${plain!.port}/healthz`)).rejects.toThrow();
    await server!.close();
    expect(calls).toBe(2);
    calls = 0;
    const [h2] = await start({ tls, access: allowThenDrop, listen: [{ address: '127.0.0.1', port: 0 }] });
    const session = http2.connect(`https://127.0.0.1:${h2!.port}`, { ca: tls.cert });
    session.on('error', () => undefined);
    const outcome = await new Promise<string>((resolve) => {
      const req = session.request({ ':path': '/healthz' });
      req.on('response', (h) => resolve(`status ${String(h[':status'])}`));
      req.on('error', () => resolve('closed'));
      req.on('close', () => resolve('closed'));
      req.end();
    });
    session.destroy();
    expect(outcome).toBe('closed');
    expect(calls).toBe(2);
  });

  it('close() lets a request in flight finish, then refuses new work', async () => {
    const [a] = await start({ listen: [{ address: '127.0.0.1', port: 0 }] });
    const inFlight = fetch(`http://127.0.0.1:${a!.port}/resolve?name=slow.example`).then((r) => r.json());
    // Close only once the request holds its slot (the resolver answers 300 ms later).
    while (server!.ctx.gate.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
    const closing = server!.close();
    expect(await inFlight).toMatchObject({ Status: 0, status: 'secure' });
    await closing;
    server = undefined;
    await expect(fetch(`http://127.0.0.1:${a!.port}/healthz`)).rejects.toThrow();
  });
});
