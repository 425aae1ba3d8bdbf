// dnstap-collector.mjs SOCKET LOG — receives the root NSD's dnstap stream (Frame Streams, bidirectional, over a
// Unix socket) and appends one line per query the root saw: "QNAME<TAB>QTYPE". Lets tests see what went over
// the wire to the root (RFC 9156 QNAME minimisation) without packet capture. Started by start.sh before NSD.
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const [socketPath, logPath] = process.argv.slice(2);
if (!socketPath || !logPath) {
  console.error('usage: dnstap-collector.mjs SOCKET LOG');
  process.exit(2);
}

const CONTROL = { ACCEPT: 1, START: 2, STOP: 3, READY: 4, FINISH: 5 };
const FIELD_CONTENT_TYPE = 1;
const CONTENT_TYPE = Buffer.from('protobuf:dnstap.Dnstap');

/** A Frame Streams control frame: escape (0), length, type, optional content-type field. */
function controlFrame(type, withContentType) {
  const body = [u32(type)];
  if (withContentType) body.push(u32(FIELD_CONTENT_TYPE), u32(CONTENT_TYPE.length), CONTENT_TYPE);
  const payload = Buffer.concat(body);
  return Buffer.concat([u32(0), u32(payload.length), payload]);
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Minimal protobuf reader: yields [fieldNumber, wireType, value] (value: number or Buffer). */
function* protobufFields(buf) {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield [field, wire, varint()];
    else if (wire === 2) { const len = varint(); yield [field, wire, buf.subarray(at, at + len)]; at += len; }
    else if (wire === 1) { at += 8; }
    else if (wire === 5) { at += 4; }
    else return;
  }
}

/** "qname<TAB>qtype" of a DNS message's first question (names in questions are never compressed). */
function question(message) {
  let at = 12;
  const labels = [];
  while (at < message.length && message[at] !== 0) {
    const len = message[at];
    labels.push(message.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return `${labels.join('.')}.\t${message.readUInt16BE(at + 1)}`;
}

/** Dnstap.message (14) -> Message.query_message (10). */
function queryOf(frame) {
  for (const [field, , value] of protobufFields(frame)) {
    if (field !== 14 || !Buffer.isBuffer(value)) continue;
    for (const [inner, , data] of protobufFields(value)) {
      if (inner === 10 && Buffer.isBuffer(data) && data.length >= 17) return question(data);
    }
  }
  return undefined;
}

function serve(conn) {
  let pending = Buffer.alloc(0);
  conn.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 4) return;
      const length = pending.readUInt32BE(0);
      if (length === 0) {
        if (pending.length < 8) return;
        const controlLength = pending.readUInt32BE(4);
        if (pending.length < 8 + controlLength) return;
        const type = pending.readUInt32BE(8);
        pending = pending.subarray(8 + controlLength);
        if (type === CONTROL.READY) conn.write(controlFrame(CONTROL.ACCEPT, true));
        if (type === CONTROL.STOP) conn.end(controlFrame(CONTROL.FINISH, false));
        continue;
      }
      if (pending.length < 4 + length) return;
      const query = queryOf(pending.subarray(4, 4 + length));
      pending = pending.subarray(4 + length);
      if (query) appendFileSync(logPath, `${query}\n`);
    }
  });
  conn.on('error', () => undefined);
}

rmSync(socketPath, { force: true });
writeFileSync(logPath, '');
const server = net.createServer(serve);
server.listen(socketPath);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { server.close(); rmSync(socketPath, { force: true }); process.exit(0); });
}
