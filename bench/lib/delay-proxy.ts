/**
 * A userspace network delay for the benchmarks (the kernel here has no tc netem): listens on ADDRESS:PORT (UDP
 * and TCP; PORT is 53 in the benchmarks) for every authority address and forwards to ADDRESS:REAL_PORT, holding each packet for half the
 * round-trip time in each direction. Over TCP the handshake's round trip is added before the first bytes go on
 * (a real connection can send data only one RTT after its SYN). Every query that crosses is counted, by
 * transport, query type and source address (the resolver that sent it).
 *
 *   node --import tsx bench/lib/delay-proxy.ts PROXY_JSON ONE_WAY_MS
 * PROXY_JSON: [["127.54.0.1", 53, 5300], ...] (address, listening port, the real server's port). Prints "ready" once bound. Reads commands on stdin, one a line:
 * "counts" prints the counts since the last "counts" as one JSON line, then resets them.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, connect, type Socket as TcpSocket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ProxyCounts } from './proxy-control.js';
import { queryType } from './dns-header.js';

/** An upstream UDP exchange the server never answers is abandoned after this long. */
const UDP_UPSTREAM_TIMEOUT_MS = 10_000;


/** Delivers chunks in order, each no earlier than its due time. */
class DelayLine {
  private queue: Array<{ due: number; data: Buffer | null }> = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly deliver: (data: Buffer | null) => void) {}

  /** `data` null means end of stream. */
  push(due: number, data: Buffer | null): void {
    this.queue.push({ due, data });
    this.arm();
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now + 0.5) this.deliver(this.queue.shift()!.data);
      this.arm();
    }, Math.max(0, this.queue[0]!.due - performance.now()));
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.queue = [];
  }
}

class Proxy {
  counts: ProxyCounts = Proxy.empty();
  constructor(private readonly oneWayMs: number) {}

  static empty(): ProxyCounts {
    return { queries: 0, udp: 0, tcp: 0, byType: {}, bySource: {}, byServer: {} };
  }

  private count(transport: 'udp' | 'tcp', msg: Buffer, source: string, server: string): void {
    const c = this.counts;
    c.queries++;
    c[transport]++;
    const t = queryType(msg);
    c.byType[t] = (c.byType[t] ?? 0) + 1;
    c.bySource[source] = (c.bySource[source] ?? 0) + 1;
    c.byServer[server] = (c.byServer[server] ?? 0) + 1;
  }

  async listenUdp(address: string, port: number, realPort: number): Promise<void> {
    const front = createSocket('udp4');
    front.on('message', (msg: Buffer, client: RemoteInfo) => {
      this.count('udp', msg, client.address, address);
      setTimeout(() => this.forwardUdp(front, msg, client, address, realPort), this.oneWayMs);
    });
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(port, address, () => resolve());
    });
  }

  private forwardUdp(front: Socket, msg: Buffer, client: RemoteInfo, address: string, realPort: number): void {
    const up = createSocket('udp4');
    const timer = setTimeout(() => up.close(), UDP_UPSTREAM_TIMEOUT_MS);
    up.on('message', (reply) => {
      clearTimeout(timer);
      up.close();
      setTimeout(() => front.send(reply, client.port, client.address), this.oneWayMs);
    });
    up.on('error', () => { clearTimeout(timer); up.close(); });
    up.send(msg, realPort, address);
  }

  async listenTcp(address: string, port: number, realPort: number): Promise<void> {
    const server = createServer((client) => this.relayTcp(client, address, realPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
  }

  private relayTcp(client: TcpSocket, address: string, realPort: number): void {
    const d = this.oneWayMs;
    // the first byte could only have left one RTT after the SYN: nothing reaches the server before accept + 3 × d
    const firstDue = performance.now() + 3 * d;
    const up = connect({ host: address, port: realPort });
    const toServer = new DelayLine((data) => (data ? up.write(data) : up.end()));
    const toClient = new DelayLine((data) => (data ? client.write(data) : client.end()));
    let pending = Buffer.alloc(0);
    const source = client.remoteAddress ?? '?';
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        this.count('tcp', pending.subarray(2, 2 + pending.readUInt16BE(0)), source, address);
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      toServer.push(Math.max(performance.now() + d, firstDue), chunk);
    });
    client.on('end', () => toServer.push(Math.max(performance.now() + d, firstDue), null));
    up.on('data', (chunk: Buffer) => toClient.push(performance.now() + d, chunk));
    up.on('end', () => toClient.push(performance.now() + d, null));
    const fail = () => { toServer.cancel(); toClient.cancel(); client.destroy(); up.destroy(); };
    client.on('error', fail);
    up.on('error', fail);
    client.on('close', () => setTimeout(() => up.destroy(), 2 * d + 100));
  }
}

async function main(): Promise<void> {
  const [file, oneWay] = process.argv.slice(2);
  if (!file || !oneWay) throw new Error('usage: delay-proxy.ts PROXY_JSON ONE_WAY_MS');
  const map = JSON.parse(readFileSync(file, 'utf8')) as Array<[string, number, number]>;
  const proxy = new Proxy(Number(oneWay));
  for (const [address, port, realPort] of map) {
    await proxy.listenUdp(address, port, realPort);
    await proxy.listenTcp(address, port, realPort);
  }
  console.log('ready');
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'counts') return;
    console.log(JSON.stringify(proxy.counts));
    proxy.counts = Proxy.empty();
  });
  process.stdin.on('end', () => process.exit(0));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
