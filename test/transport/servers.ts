/** Small loopback DNS servers for transport tests: each behaves in one specific (mis)way. */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export function makeQuery(name: string, type: 'A' | 'TLSA' | 'TXT' = 'A', id = 0x1234): Uint8Array {
  return new Uint8Array(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }));
}

/** A reply to `query` (its ID and question), with one TXT answer carrying `text`. */
export function makeReply(query: Uint8Array, text: string, override: { id?: number; name?: string } = {}): Buffer {
  const q = dnsPacket.decode(Buffer.from(query));
  const question = q.questions![0]!;
  const name = override.name ?? question.name;
  return dnsPacket.encode({
    type: 'response', id: override.id ?? q.id!, flags: 0,
    questions: [{ ...question, name }],
    answers: [{ name, type: 'TXT', class: 'IN', ttl: 60, data: text }],
  });
}

export interface UdpServer { address: string; port: number; received: number; close(): Promise<void> }

/** UDP server calling `behave` for each datagram; `behave` sends via the given socket. */
export async function udpServer(
  family: 'udp4' | 'udp6',
  behave: (sock: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo) => void,
): Promise<UdpServer> {
  const sock = dgram.createSocket(family);
  const address = family === 'udp4' ? '127.0.0.1' : '::1';
  const state = { received: 0 };
  sock.on('message', (msg, rinfo) => { state.received++; behave(sock, msg, rinfo); });
  await new Promise<void>((r) => sock.bind(0, address, r));
  return {
    address, port: sock.address().port,
    get received() { return state.received; },
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}

/** A port that was just free on 127.0.0.1 (bound and released): nothing listens there. */
export async function closedUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface TcpServer { address: string; port: number; close(): Promise<void> }

/** TCP server calling `behave` with each connection and the first whole framed query. */
export async function tcpServer(host: string, behave: (conn: net.Socket, query: Buffer) => void): Promise<TcpServer> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    conn.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) behave(conn, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const addr = server.address() as net.AddressInfo;
  return {
    address: host, port: addr.port,
    close: () => new Promise<void>((r) => { for (const c of conns) c.destroy(); server.close(() => r()); }),
  };
}

export function framed(msg: Uint8Array): Buffer {
  const b = Buffer.alloc(2 + msg.length);
  b.writeUInt16BE(msg.length, 0);
  b.set(msg, 2);
  return b;
}

export function txtOf(reply: Uint8Array): string {
  const m = dnsPacket.decode(Buffer.from(reply));
  const a = m.answers![0] as { data: Buffer[] };
  return Buffer.concat(a.data).toString();
}
