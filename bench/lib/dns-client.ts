/**
 * The benchmarks' DNS client: one query, its wall-clock latency and the header bits a benchmark checks (rcode,
 * AD, answer count). Independent of daneel's own wire code, so the thing measured does not measure itself.
 * UDP first; a truncated reply (TC) is asked again over TCP, as a stub would.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import packet from 'dns-packet';
import { readHeader } from './dns-header.js';

export interface Reply {
  /** Milliseconds from sending the query to the full reply (both attempts when TC sent it to TCP). */
  ms: number;
  rcode: number;
  ad: boolean;
  answers: number;
  tcp: boolean;
}

export interface Outcome extends Partial<Reply> {
  ms: number;
  error?: string;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
export const rcodeName = (r: number | undefined): string => (r === undefined ? '-' : RCODE_NAMES[r] ?? String(r));

function encodeQuery(id: number, name: string, type: string): Buffer {
  // RD set (a stub asks a recursive resolver); EDNS with DO, as a DANE client that wants the AD bit does
  return packet.encode({
    type: 'query', id, flags: packet.RECURSION_DESIRED,
    questions: [{ type: type as packet.RecordType, name }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK } as packet.Answer],
  });
}

function udpExchange(server: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const timer = setTimeout(() => { sock.close(); reject(new Error('timeout')); }, timeoutMs);
    sock.on('message', (msg) => {
      if (msg.length < 2 || msg.readUInt16BE(0) !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(msg);
    });
    sock.on('error', (err) => { clearTimeout(timer); sock.close(); reject(err); });
    sock.send(query, port, server);
  });
}

function tcpExchange(server: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const conn = connect({ host: server, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { conn.destroy(); reject(new Error('timeout')); }, timeoutMs);
    conn.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      conn.write(Buffer.concat([len, query]));
    });
    conn.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        conn.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    conn.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

/** Asks `server` for NAME/TYPE; never throws: a timeout or socket error comes back as `error`. */
export async function ask(server: string, port: number, name: string, type: string, timeoutMs: number): Promise<Outcome> {
  const query = encodeQuery(randomInt(0, 0x10000), name, type);
  const start = performance.now();
  try {
    let msg = await udpExchange(server, port, query, timeoutMs);
    let tcp = false;
    if (readHeader(msg).tc) {
      msg = await tcpExchange(server, port, query, timeoutMs);
      tcp = true;
    }
    const h = readHeader(msg);
    return { ms: performance.now() - start, rcode: h.rcode, ad: h.ad, answers: h.answers, tcp };
  } catch (err) {
    return { ms: performance.now() - start, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A secure positive answer: NOERROR, AD set, at least one answer record. */
export const isSecureAnswer = (o: Outcome): boolean => !o.error && o.rcode === 0 && o.ad === true && (o.answers ?? 0) > 0;
