/**
 * Mutual TLS over real sockets on 127.0.0.1 with the DANE helpers on both sides and an injected lookup built
 * from records: a good peer is accepted both ways; a changed TLSA, a bogus and an insecure answer are refused
 * with the matching verdict, on the side doing the refusing.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientTlsaOwner, tlsaOwner } from '../../dane/owner.js';
import { computeTlsa, formatTlsa } from '../../dane/tlsa.js';
import { connect, daneCheckServerIdentity, DaneRejectedError } from '../../dane/tls-client.js';
import { connect as tlsConnect, createServer as tlsCreateServer } from 'node:tls';
import { createDaneServer } from '../../dane/tls-server.js';
import type { DaneVerdict } from '../../dane/verdict.js';
import type { TlsaLookup, TlsaLookupResult } from '../../dane/verify.js';
import { buildCorpus } from './corpus.js';
import type { Corpus } from './corpus.js';
import { wrongHash } from './rrsets.js';

let corpus: Corpus;
let servers: Server[] = [];
const SERVER_HOST = 'leaf.example.net';
const CLIENT_ID = 'eid1234._device.iot.example.net';

beforeAll(() => {
  corpus = buildCorpus();
});
afterAll(() => rmSync(corpus.dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

const pem = (n: string): string => readFileSync(corpus.file(n), 'utf8');
const cert = (n: string): X509Certificate => new X509Certificate(pem(n));

type Zone = Map<string, TlsaLookupResult>;
function lookupFrom(zone: Zone): TlsaLookup {
  return async (owner) => zone.get(owner.toLowerCase()) ?? { records: [], rcode: 3, status: 'secure', reason: 'NXDOMAIN proven by NSEC' };
}
const secure = (records: string[]): TlsaLookupResult => ({ records, rcode: 0, status: 'secure', reason: 'validated' });

/** Server: root1 → leaf1 (DANE-TA 2 0 1 on root1). Client: root1 → device1 with SAN `_device` name (DANE-EE 3 1 1). */
function goodZone(port: number): Zone {
  return new Map([
    [tlsaOwner(SERVER_HOST, port).toString(), secure([formatTlsa(computeTlsa(cert('root1.pem'), 2, 0, 1))])],
    [clientTlsaOwner(CLIENT_ID).toString(), secure([formatTlsa(computeTlsa(cert('device1.pem'), 3, 1, 1))])],
  ]);
}

interface Run {
  client: { verdict?: DaneVerdict; error?: DaneRejectedError | Error; echoed?: string; closed?: boolean };
  server: { verdicts: DaneVerdict[]; appSawData: boolean };
}

async function runPair(mutate: (zone: Zone, port: number) => void): Promise<Run> {
  const run: Run = { client: {}, server: { verdicts: [], appSawData: false } };
  const zone: Zone = new Map();
  const server = createDaneServer(
    { key: pem('leaf1.key'), cert: pem('leaf1.pem') + pem('root1.pem') },
    { lookup: lookupFrom(zone) },
    (socket: TLSSocket) => {
      socket.on('data', (d) => {
        run.server.appSawData = true;
        socket.end(`echo:${d.toString()}`);
      });
    },
  );
  servers.push(server);
  server.on('daneVerdict', (v: DaneVerdict) => run.server.verdicts.push(v));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  for (const [k, v] of goodZone(port)) zone.set(k, v);
  mutate(zone, port);
  try {
    const { socket, verdict } = await connect(SERVER_HOST, port, {
      lookup: lookupFrom(zone),
      address: '127.0.0.1',
      key: pem('device1.key'),
      cert: pem('device1.pem') + pem('root1.pem'),
    });
    run.client.verdict = verdict;
    socket.write('hello');
    run.client.echoed = await new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => {
        run.client.closed = true;
        resolve(got);
      });
      socket.on('error', () => undefined);
    });
  } catch (e) {
    run.client.error = e as Error;
  }
  // Let the server finish its verdict when the client gave up first.
  for (let i = 0; i < 50 && run.server.verdicts.length === 0 && !run.client.error; i++) await new Promise((r) => setTimeout(r, 20));
  return run;
}

describe('mutual TLS with DANE on both sides', () => {
  it('accepts a good peer on both sides', async () => {
    const run = await runPair(() => undefined);
    expect(run.client.verdict?.verdict).toBe('dane-valid');
    expect(run.client.verdict?.matched).toEqual({ usage: 2, selector: 0, mtype: 1, depth: 1 });
    expect(run.server.verdicts.map((v) => v.verdict)).toEqual(['dane-valid']);
    expect(run.client.echoed).toBe('echo:hello');
  });

  const serverCases: [string, (z: Zone, port: number) => void, string][] = [
    ['changed TLSA', (z, p) => z.set(tlsaOwner(SERVER_HOST, p).toString(), secure([wrongHash(formatTlsa(computeTlsa(cert('root1.pem'), 2, 0, 1)))])), 'dane-mismatch'],
    ['bogus', (z, p) => z.set(tlsaOwner(SERVER_HOST, p).toString(), { records: [], rcode: 2, status: 'bogus', reason: 'RRSIG expired', ede: 7 }), 'bogus'],
    ['insecure', (z, p) => z.set(tlsaOwner(SERVER_HOST, p).toString(), { ...secure([formatTlsa(computeTlsa(cert('root1.pem'), 2, 0, 1))]), status: 'insecure', reason: 'no DS' }), 'insecure'],
  ];
  it.each(serverCases)('client refuses a server whose TLSA is %s', async (_n, mutate, expected) => {
    const run = await runPair(mutate);
    expect(run.client.error).toBeInstanceOf(DaneRejectedError);
    expect((run.client.error as DaneRejectedError).verdict.verdict).toBe(expected);
    expect(run.server.appSawData).toBe(false);
  });

  const clientCases: [string, (z: Zone) => void, string][] = [
    ['changed TLSA', (z) => z.set(clientTlsaOwner(CLIENT_ID).toString(), secure([wrongHash(formatTlsa(computeTlsa(cert('device1.pem'), 3, 1, 1)))])), 'dane-mismatch'],
    ['bogus', (z) => z.set(clientTlsaOwner(CLIENT_ID).toString(), { records: [], rcode: 2, status: 'bogus', reason: 'DS digest mismatch' }), 'bogus'],
    ['insecure', (z) => z.set(clientTlsaOwner(CLIENT_ID).toString(), { ...secure([formatTlsa(computeTlsa(cert('device1.pem'), 3, 1, 1))]), status: 'insecure', reason: 'unsigned zone' }), 'insecure'],
  ];
  it.each(clientCases)('server refuses a client whose TLSA is %s', async (_n, mutate, expected) => {
    const run = await runPair((z) => mutate(z));
    expect(run.server.verdicts.map((v) => v.verdict)).toEqual([expected]);
    expect(run.server.appSawData).toBe(false);
    // The client authenticated the server, then observes the close without any application reply.
    expect(run.client.verdict?.verdict).toBe('dane-valid');
    expect(run.client.echoed ?? '').toBe('');
  });
});

describe('daneCheckServerIdentity for an RRset resolved beforehand', () => {
  async function tryConnect(records: string[]): Promise<string> {
    const server = tlsCreateServer({ key: pem('leaf1.key'), cert: pem('leaf1.pem') }, (s) => s.end('hi'));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    return new Promise((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: SERVER_HOST, ca: pem('root1.pem'), checkServerIdentity: daneCheckServerIdentity(records) });
      s.once('secureConnect', () => {
        s.destroy();
        resolve('ok');
      });
      s.once('error', (e) => resolve(e.message));
    });
  }
  it('accepts a matching DANE-EE record and refuses a changed one', async () => {
    const good = formatTlsa(computeTlsa(cert('leaf1.pem'), 3, 1, 1));
    expect(await tryConnect([good])).toBe('ok');
    expect(await tryConnect([wrongHash(good)])).toMatch(/no TLSA record matches/);
  });
});
