/**
 * Hostile traffic against a running `daneel serve` (inside the hierarchy's namespace): a child process sends a
 * fixed number of malformed UDP datagrams and TCP streams — random bytes, truncated queries, headers with huge
 * counts, compression loops, OPT in the wrong place, responses (QR=1), TC=1, zero-length and short TCP frames,
 * slowloris connections up to the connection limit — and then stops by itself. Afterwards the same process must
 * still be alive, answer a TLSA query with AD, and have logged no uncaught exception (the project standard:
 * bad input gets an error, never a crash or lost state).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import type { HierarchyInfo } from '../hierarchy/global-setup.js';
import { digInNetns } from '../hierarchy/dig.js';
import { DEFAULT_SERVER_LIMITS } from '../../server/limits.js';
import { startDaneel, type RunningDaneel } from './daneel-process.js';

const hierarchy = inject('hierarchy') as HierarchyInfo;
/** A free 127.53.0.x address (differential.test.ts uses .54, hostile.test.ts .61). */
const ADDRESS = '127.53.0.62';
const UDP_DATAGRAMS = 3000;
const TCP_STREAMS = 300;
const SLOWLORIS = DEFAULT_SERVER_LIMITS.maxTcpConnections + 10;
/** The fuzzer gives up after this long whatever happens (it normally needs a few seconds). */
const FUZZ_DEADLINE_MS = 60_000;

/**
 * The fuzzer, run as `node --input-type=module -e` inside the namespace. Each datagram with a header gets a
 * unique ID so replies can be matched to the kind of packet that caused them. Prints one JSON line of counts.
 */
const FUZZER = String.raw`
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
const [host, udpCount, tcpCount, slowCount, deadlineMs] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const stopAt = Date.now() + deadlineMs;
setTimeout(() => { console.log(JSON.stringify({ error: 'deadline' })); process.exit(3); }, deadlineMs).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const u16 = (v) => [(v >> 8) & 255, v & 255];
const header = (id, { flags = 0x0100, qd = 1, an = 0, ns = 0, ar = 0 } = {}) => [...u16(id), ...u16(flags), ...u16(qd), ...u16(an), ...u16(ns), ...u16(ar)];
const nameWire = (name) => [...name.split('.').filter(Boolean).flatMap((l) => [l.length, ...Buffer.from(l)]), 0];
const question = (name, type = 52, cls = 1) => [...nameWire(name), ...u16(type), ...u16(cls)];
const opt = ({ version = 0, udp = 1232, rdata = [] } = {}) => [0, ...u16(41), ...u16(udp), 0, version, 0x80, 0, ...u16(rdata.length), ...rdata];
const randomName = () => Array.from({ length: randomInt(1, 5) }, () => randomBytes(randomInt(1, 12)).toString('hex').slice(0, randomInt(1, 20))).join('.') + '.example.';
const validQuery = (id) => [...header(id, { ar: 1 }), ...question(randomName()), ...opt()];

// Each kind returns the bytes of one hostile message for ID id.
const KINDS = {
  random: () => [...randomBytes(randomInt(0, 600))],
  truncated: (id) => { const q = validQuery(id); return q.slice(0, randomInt(1, q.length - 1)); },
  hugeCounts: (id) => [...header(id, { qd: 65535, an: 65535, ns: 65535, ar: 65535 }), ...question('www.iot.example.')],
  selfPointer: (id) => [...header(id), 0xc0, 12, ...u16(52), ...u16(1)],
  pointerPair: (id) => [...header(id), 3, 97, 98, 99, 0xc0, 18, 0xc0, 12, ...u16(52), ...u16(1)],
  forwardPointer: (id) => [...header(id), 0xc0, 200, ...u16(52), ...u16(1)],
  optInAnswer: (id) => [...header(id, { an: 1 }), ...question('www.iot.example.'), ...opt()],
  optInAuthority: (id) => [...header(id, { ns: 1 }), ...question('www.iot.example.'), ...opt()],
  twoOpts: (id) => [...header(id, { ar: 2 }), ...question('www.iot.example.'), ...opt(), ...opt()],
  optBadLength: (id) => [...header(id, { ar: 1 }), ...question('www.iot.example.'), ...opt({ rdata: [0, 10, 0xff, 0xff, 1] })],
  optVersion1: (id) => [...header(id, { ar: 1 }), ...question('www.iot.example.'), ...opt({ version: 1 })],
  qtypeOpt: (id) => [...header(id, { ar: 1 }), ...question('www.iot.example.', 41), ...opt()],
  response: (id) => [...header(id, { flags: 0x8180 }), ...question('www.iot.example.')],
  tcSet: (id) => [...header(id, { flags: 0x0300, ar: 1 }), ...question('www.iot.example.'), ...opt()],
  opcodeUpdate: (id) => [...header(id, { flags: 0x2800 }), ...question('iot.example.', 6)],
  noQuestion: (id) => header(id, { qd: 0 }),
  twoQuestions: (id) => [...header(id, { qd: 2 }), ...question('a.example.'), ...question('b.example.')],
  longLabel: (id) => [...header(id), 64, ...Buffer.alloc(64, 97), 0, ...u16(1), ...u16(1)],
  longName: (id) => [...header(id), ...Array.from({ length: 5 }, () => [63, ...Buffer.alloc(63, 98)]).flat(), 0, ...u16(1), ...u16(1)],
  badLabelType: (id) => [...header(id), 0x80, 1, 97, 0, ...u16(1), ...u16(1)],
  chaos: (id) => [...header(id), ...question('version.bind.', 16, 3)],
  anyAxfr: (id) => [...header(id), ...question('iot.example.', randomInt(0, 2) ? 255 : 252)],
  trailing: (id) => [...validQuery(id), ...randomBytes(randomInt(1, 40))],
  bitFlip: (id) => { const q = validQuery(id); for (let i = 0; i < 3; i++) q[randomInt(4, q.length)] ^= 1 << randomInt(0, 8); return q; },
};
const kindNames = Object.keys(KINDS);
const stats = { udpSent: 0, udpReplies: {}, udpRepliesToResponses: 0, tcpStreams: 0, tcpErrors: 0, slowOpened: 0, slowClosedByServer: 0 };

async function fuzzUdp() {
  const sock = dgram.createSocket('udp4');
  const sentKind = new Map();
  sock.on('message', (msg) => {
    const kind = msg.length >= 2 ? sentKind.get(msg.readUInt16BE(0)) : undefined;
    stats.udpReplies[kind ?? '?'] = (stats.udpReplies[kind ?? '?'] ?? 0) + 1;
    if (kind === 'response') stats.udpRepliesToResponses++;
  });
  await new Promise((r) => sock.bind(0, r));
  for (let i = 0; i < udpCount && Date.now() < stopAt; i++) {
    const kind = kindNames[i % kindNames.length];
    const id = i & 0xffff;
    sentKind.set(id, kind);
    sock.send(Uint8Array.from(KINDS[kind](id)), 53, host);
    stats.udpSent++;
    if (i % 50 === 49) await sleep(10); // paced: the point is malformed input, not a flood
  }
  await sleep(1500); // replies (FORMERR, NOTIMP, SERVFAIL, NXDOMAIN) still on the way
  sock.close();
}

// One TCP stream: connect, write the given chunks, then close (or wait for the server to close).
function tcpStream(chunks, { waitMs = 200 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(53, host);
    const done = () => { s.destroy(); resolve(); };
    s.setTimeout(3000, done);
    s.on('error', () => { stats.tcpErrors++; done(); });
    s.on('close', () => resolve());
    s.on('data', () => {});
    s.on('connect', async () => {
      for (const c of chunks) { if (s.destroyed) break; s.write(Uint8Array.from(c)); }
      await sleep(waitMs);
      done();
    });
  });
}
const framed = (bytes) => [...u16(bytes.length), ...bytes];
const TCP_KINDS = [
  () => [[...randomBytes(randomInt(1, 2000))]],
  () => [[0, 0], [0, 0], [0, 0]],
  () => [[0xff, 0xff, ...randomBytes(100)]],
  () => { const q = validQuery(1); return [[...u16(q.length + 500), ...q]]; },
  () => [[0x00]],
  () => [framed(KINDS.hugeCounts(2)), framed(KINDS.selfPointer(3)), framed(KINDS.response(4))],
  () => Array.from({ length: 40 }, (_, i) => framed(KINDS[kindNames[i % kindNames.length]](i))),
  () => [framed(validQuery(5)).slice(0, 7)],
];
async function fuzzTcp() {
  for (let i = 0; i < tcpCount && Date.now() < stopAt; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => tcpStream(TCP_KINDS[(i + j) % TCP_KINDS.length]())));
    stats.tcpStreams += 10;
  }
}

// Slowloris: connections that send one byte of a length prefix and then nothing, more than the server allows.
async function slowloris() {
  const socks = [];
  for (let i = 0; i < slowCount; i++) {
    const s = net.connect(53, host);
    s.on('error', () => {});
    s.on('connect', () => { stats.slowOpened++; s.write(Uint8Array.from([0])); });
    s.on('close', () => { if (!s.destroyedByUs) stats.slowClosedByServer++; });
    socks.push(s);
  }
  await sleep(2000);
  for (const s of socks) { s.destroyedByUs = true; s.destroy(); }
}

await fuzzUdp();
await fuzzTcp();
await slowloris();
console.log(JSON.stringify(stats));
process.exit(0);
`;

interface FuzzStats {
  udpSent: number;
  udpReplies: Record<string, number>;
  udpRepliesToResponses: number;
  tcpStreams: number;
  tcpErrors: number;
  slowOpened: number;
  slowClosedByServer: number;
}

function runFuzzer(): Promise<FuzzStats> {
  const args = ['netns', 'exec', hierarchy.netns, process.execPath, '--input-type=module', '-e', FUZZER,
    ADDRESS, String(UDP_DATAGRAMS), String(TCP_STREAMS), String(SLOWLORIS), String(FUZZ_DEADLINE_MS)];
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: FUZZ_DEADLINE_MS + 10_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) { reject(new Error(`fuzzer failed: ${error.message}\n${stdout}\n${stderr}`)); return; }
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as FuzzStats);
    });
  });
}

describe('daneel serve under hostile UDP and TCP input', () => {
  let daneel: RunningDaneel;
  beforeAll(async () => { daneel = await startDaneel(hierarchy, ADDRESS); });
  afterAll(async () => { await daneel?.stop(); });

  it('answers TLSA with AD before the traffic', async () => {
    const r = await digInNetns(hierarchy.netns, ADDRESS, '_443._tcp.www.iot.example.', 'TLSA');
    expect([r.rcode, r.ad], r.raw).toEqual(['NOERROR', true]);
  });

  it(`survives ${UDP_DATAGRAMS} hostile datagrams, ${TCP_STREAMS} hostile TCP streams and ${SLOWLORIS} slowloris connections`, async () => {
    const stats = await runFuzzer();
    console.log(`fuzz: ${JSON.stringify(stats)}`);
    expect(stats.udpSent).toBe(UDP_DATAGRAMS);
    expect(stats.tcpStreams).toBe(TCP_STREAMS);
    // The traffic reached the server and it answered what deserves an answer (FORMERR, NOTIMP, ...).
    expect(Object.values(stats.udpReplies).reduce((a, b) => a + b, 0)).toBeGreaterThan(UDP_DATAGRAMS / 4);
    expect(stats.udpReplies.hugeCounts ?? 0).toBeGreaterThan(0);
    expect(stats.udpReplies.selfPointer ?? 0).toBeGreaterThan(0);
    // A response (QR=1) is never answered: two servers would bounce packets forever.
    expect(stats.udpRepliesToResponses).toBe(0);
    // Connections beyond maxTcpConnections are closed by the server, not queued.
    expect(stats.slowClosedByServer).toBeGreaterThanOrEqual(SLOWLORIS - DEFAULT_SERVER_LIMITS.maxTcpConnections);

    expect(daneel.child.exitCode, daneel.stderr()).toBeNull();
    expect(daneel.child.signalCode).toBeNull();
    const r = await digInNetns(hierarchy.netns, ADDRESS, '_443._tcp.www.iot.example.', 'TLSA');
    expect([r.rcode, r.ad], r.raw).toEqual(['NOERROR', true]);
    const tcp = await digInNetns(hierarchy.netns, ADDRESS, '_443._tcp.www.iot.example.', 'TLSA', { tcp: true });
    expect([tcp.rcode, tcp.ad], tcp.raw).toEqual(['NOERROR', true]);

    const err = daneel.stderr();
    expect(err).not.toMatch(/Uncaught|unhandled|^\s+at /im);
    // pino levels 50 (error) and 60 (fatal): an internal error in the request path would show here.
    const severe = err.split('\n').filter((l) => /"level":(50|60)/.test(l));
    expect(severe, severe.join('\n')).toEqual([]);
  }, FUZZ_DEADLINE_MS + 60_000);
});
