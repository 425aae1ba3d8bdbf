// The benchmarks' delay proxy forwards UDP and TCP queries to the real server and counts each one by transport,
// query type, source and server. (Its delay is not asserted: no timed assertions in tests; the benchmarks
// print the round trip they measure through it.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeDnsPort } from '../support/ports.js';
import { DelayProxy } from '../../bench/lib/proxy-control.js';
import { ask } from '../../bench/lib/dns-client.js';

/** The query turned into an empty NOERROR reply; `tc` sets the truncation bit (sends the client to TCP). */
function reply(query: Buffer, tc: boolean): Buffer {
  const r = Buffer.from(query);
  r[2] = 0x80 | (query[2]! & 0x01) | (tc ? 0x02 : 0); // QR, RD copied, TC
  r[3] = 0x80; // RA
  return r;
}

describe('delay proxy', () => {
  let udp: Socket;
  let tcp: Server;
  let proxy: DelayProxy;
  let proxyPort: number;

  beforeAll(async () => {
    const realPort = await freeDnsPort();
    proxyPort = await freeDnsPort();
    udp = createSocket('udp4');
    udp.on('message', (msg, from) => udp.send(reply(msg, true), from.port, from.address));
    await new Promise<void>((resolve) => udp.bind(realPort, '127.0.0.1', resolve));
    tcp = createServer((conn) => {
      let buf = Buffer.alloc(0);
      conn.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = reply(buf.subarray(2, 2 + buf.readUInt16BE(0)), false);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(msg.length);
          conn.write(Buffer.concat([len, msg]));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
      });
    });
    await new Promise<void>((resolve) => tcp.listen(realPort, '127.0.0.1', resolve));
    const map = join(mkdtempSync(join(tmpdir(), 'bench-proxy-')), 'proxy.json');
    writeFileSync(map, JSON.stringify([['127.0.0.1', proxyPort, realPort]]));
    proxy = await DelayProxy.start(map, 2);
  });

  afterAll(async () => {
    await proxy?.stop();
    udp?.close();
    tcp?.close();
  });

  it('forwards a truncated UDP reply and the TCP retry, and counts both queries', async () => {
    const r = await ask('127.0.0.1', proxyPort, '_443._tcp.www.example.', 'TLSA', 5000);
    expect(r.error).toBeUndefined();
    expect(r.tcp).toBe(true);
    expect(r.rcode).toBe(0);
    const counts = await proxy.takeCounts();
    expect(counts).toMatchObject({ queries: 2, udp: 1, tcp: 1, byType: { TLSA: 2 }, bySource: { '127.0.0.1': 2 }, byServer: { '127.0.0.1': 2 } });
  });

  it('resets the counts each time they are taken', async () => {
    expect((await proxy.takeCounts()).queries).toBe(0);
    await ask('127.0.0.1', proxyPort, 'example.', 'DNSKEY', 5000);
    const counts = await proxy.takeCounts();
    expect(counts.byType).toEqual({ DNSKEY: 2 });
  });
});
