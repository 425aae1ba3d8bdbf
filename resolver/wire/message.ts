/**
 * DNS message codec (RFC 1035 §4.1) that never changes a byte a signature covers.
 *
 * Names are read as exact label bytes; RDATA is kept raw, except that compressed names inside the RDATA of the
 * types in RDATA_NAME_LAYOUTS are expanded, so the stored RDATA is the uncompressed form that was signed.
 * Every read is bounds-checked: malformed input throws WireError (FORMERR semantics), never anything else.
 */
import { Name } from './name.js';
import { WireError } from './errors.js';
import { T, type EdnsInfo, type EdnsOption, type HeaderFlags, type Message, type Question, type RR } from './types.js';
import { COMPRESSIBLE_RDATA_TYPES, RDATA_NAME_LAYOUTS, type RdataField } from './rdata.js';

const HEADER_LENGTH = 12;
/** Smallest question: root name (1) + type (2) + class (2). */
const MIN_QUESTION_LENGTH = 5;
/** Smallest RR: root name (1) + type, class, TTL, RDLENGTH (10). */
const MIN_RR_LENGTH = 11;
/** Compression pointers carry a 14-bit offset (RFC 1035 §4.1.4). */
const MAX_POINTER_OFFSET = 0x3fff;

export interface EncodeOptions {
  /** Largest message to produce (the UDP payload limit); whole RRsets are dropped to fit (RFC 2181 §9). */
  maxSize?: number;
  /** Compress owner names and names in the RDATA of the RFC 1035 types (default true). */
  compress?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new WireError('MSG_TRUNCATED', `${what} at offset ${this.pos} needs ${n} octets, message has ${this.buf.length}`);
    }
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    const hi = this.u16(what);
    return hi * 0x10000 + this.u16(what);
  }

  name(): Name {
    const { name, next } = Name.decode(this.buf, this.pos);
    this.pos = next;
    return name;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Reads RDATA of a type with names, expanding any compression pointers; the fields must fill RDLENGTH exactly. */
function expandRdata(buf: Uint8Array, start: number, end: number, layout: readonly RdataField[], type: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let pos = start;
  const fail = (what: string): never => {
    throw new WireError('RDATA_MALFORMED', `TYPE${type} RDATA at offset ${start}: ${what}`);
  };
  for (const field of layout) {
    if (field.kind === 'name') {
      if (pos >= end) fail(`name at ${pos} starts past the RDATA end ${end}`);
      const { name, next } = Name.decode(buf, pos);
      if (next > end) fail(`name at ${pos} runs past the RDATA end ${end}`);
      parts.push(name.wire);
      pos = next;
    } else if (field.kind === 'fixed') {
      if (pos + field.length > end) fail(`${field.length}-octet field at ${pos} runs past the RDATA end ${end}`);
      parts.push(buf.subarray(pos, pos + field.length));
      pos += field.length;
    } else {
      for (let i = 0; i < field.count; i++) {
        if (pos >= end || pos + 1 + buf[pos]! > end) fail(`character-string at ${pos} runs past the RDATA end ${end}`);
        parts.push(buf.subarray(pos, pos + 1 + buf[pos]!));
        pos += 1 + buf[pos]!;
      }
    }
  }
  if (pos !== end) fail(`${end - pos} octets left after the last field`);
  return concat(parts);
}

function decodeFlags(hi: number, lo: number): HeaderFlags {
  return {
    qr: (hi & 0x80) !== 0, opcode: (hi >> 3) & 0x0f, aa: (hi & 0x04) !== 0, tc: (hi & 0x02) !== 0, rd: (hi & 0x01) !== 0,
    ra: (lo & 0x80) !== 0, ad: (lo & 0x20) !== 0, cd: (lo & 0x10) !== 0,
  };
}

function decodeQuestion(r: Reader): Question {
  const name = r.name();
  return { name, type: r.u16('question type'), class: r.u16('question class') };
}

function decodeRr(r: Reader): RR {
  const name = r.name();
  const type = r.u16('RR type');
  const cls = r.u16('RR class');
  const ttl = r.u32('RR TTL');
  const rdlength = r.u16('RDLENGTH');
  r.need(rdlength, `RDATA of ${rdlength} octets`);
  const start = r.pos;
  const end = start + rdlength;
  const layout = RDATA_NAME_LAYOUTS.get(type);
  const rdata = layout ? expandRdata(r.buf, start, end, layout, type) : r.buf.slice(start, end);
  r.pos = end;
  return { name, type, class: cls, ttl, rdata };
}

/** RFC 6891 §6.1.2–§6.1.3: lifts the OPT pseudo-RR into EdnsInfo; the extended RCODE bits are returned separately. */
function decodeOpt(rr: RR): { edns: EdnsInfo; extendedRcode: number } {
  if (!rr.name.isRoot) throw new WireError('OPT_BAD_OWNER', `OPT owner must be the root, got ${rr.name.toString()}`);
  const options: EdnsOption[] = [];
  const d = rr.rdata;
  let pos = 0;
  while (pos < d.length) {
    if (pos + 4 > d.length) throw new WireError('OPT_TRUNCATED', `EDNS option header at RDATA offset ${pos} is cut off`);
    const code = (d[pos]! << 8) | d[pos + 1]!;
    const len = (d[pos + 2]! << 8) | d[pos + 3]!;
    if (pos + 4 + len > d.length) throw new WireError('OPT_TRUNCATED', `EDNS option ${code} of ${len} octets runs past the OPT RDATA`);
    options.push({ code, data: d.slice(pos + 4, pos + 4 + len) });
    pos += 4 + len;
  }
  const edns: EdnsInfo = { udpSize: rr.class, version: (rr.ttl >>> 16) & 0xff, do: (rr.ttl & 0x8000) !== 0, options };
  return { edns, extendedRcode: rr.ttl >>> 24 };
}

function decodeSection(r: Reader, count: number, section: 'answer' | 'authority'): RR[] {
  const out: RR[] = [];
  for (let i = 0; i < count; i++) {
    const rr = decodeRr(r);
    // RFC 6891 §6.1.1: OPT appears only in the additional section.
    if (rr.type === T.OPT) throw new WireError('OPT_MISPLACED', `OPT record in the ${section} section`);
    out.push(rr);
  }
  return out;
}

/** Decodes a whole message; trailing octets after the last record are ignored (some servers pad). */
export function decodeMessage(buf: Uint8Array): Message {
  if (buf.length < HEADER_LENGTH) throw new WireError('MSG_TRUNCATED', `message of ${buf.length} octets is shorter than the 12-octet header`);
  const r = new Reader(buf);
  const id = r.u16('ID');
  const hi = buf[2]!;
  const lo = buf[3]!;
  r.pos = 4;
  const qd = r.u16('QDCOUNT');
  const an = r.u16('ANCOUNT');
  const ns = r.u16('NSCOUNT');
  const ar = r.u16('ARCOUNT');
  // Fail fast on counts the message cannot possibly hold.
  const minBody = qd * MIN_QUESTION_LENGTH + (an + ns + ar) * MIN_RR_LENGTH;
  if (minBody > buf.length - HEADER_LENGTH) {
    throw new WireError('MSG_BAD_COUNTS', `counts ${qd}/${an}/${ns}/${ar} need at least ${minBody} octets after the header, message has ${buf.length - HEADER_LENGTH}`);
  }
  const question: Question[] = [];
  for (let i = 0; i < qd; i++) question.push(decodeQuestion(r));
  const answer = decodeSection(r, an, 'answer');
  const authority = decodeSection(r, ns, 'authority');
  const additional: RR[] = [];
  let edns: EdnsInfo | undefined;
  let rcode = lo & 0x0f;
  for (let i = 0; i < ar; i++) {
    const rr = decodeRr(r);
    if (rr.type !== T.OPT) { additional.push(rr); continue; }
    // RFC 6891 §6.1.1: more than one OPT is a FORMERR.
    if (edns) throw new WireError('OPT_DUPLICATE', `second OPT record in the additional section (record ${i})`);
    const opt = decodeOpt(rr);
    edns = opt.edns;
    rcode |= opt.extendedRcode << 4;
  }
  const msg: Message = { id, flags: decodeFlags(hi, lo), rcode, question, answer, authority, additional };
  if (edns) msg.edns = edns;
  return msg;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

class Writer {
  buf = new Uint8Array(512);
  length = 0;
  /** Exact wire bytes of a name suffix (case preserved) -> its offset; case-sensitive so no byte ever changes. */
  private readonly names = new Map<string, number>();

  constructor(private readonly compress: boolean) {}

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
  }

  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }

  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000));
    this.u16(v % 0x10000);
  }

  setU16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  name(name: Name, compress: boolean): void {
    const wire = name.wire;
    const starts: number[] = [];
    let o = 0;
    for (const l of name.labels) { starts.push(o); o += l.length + 1; }
    let stop = name.labels.length;
    let pointer = -1;
    if (compress && this.compress) {
      for (let i = 0; i < starts.length; i++) {
        const hit = this.names.get(latin1(wire.subarray(starts[i]!)));
        if (hit !== undefined) { stop = i; pointer = hit; break; }
      }
    }
    const base = this.length;
    for (let i = 0; i < stop; i++) {
      const at = base + starts[i]!;
      const key = latin1(wire.subarray(starts[i]!));
      if (this.compress && at <= MAX_POINTER_OFFSET && !this.names.has(key)) this.names.set(key, at);
    }
    if (pointer < 0) { this.bytes(wire); return; }
    this.bytes(wire.subarray(0, starts[stop]));
    this.u16(0xc000 | pointer);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function checkRange(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new WireError('ENCODE_OUT_OF_RANGE', `${what} ${v} is outside 0..${max}`);
}

/** Writes RDATA, compressing its names when the type allows it (RFC 3597 §4); otherwise the exact bytes. */
function writeRdata(w: Writer, rr: RR): void {
  const layout = COMPRESSIBLE_RDATA_TYPES.has(rr.type) ? RDATA_NAME_LAYOUTS.get(rr.type) : undefined;
  if (layout) {
    const fields = splitRdata(rr.rdata, layout);
    if (fields) {
      for (const f of fields) {
        if (f instanceof Name) w.name(f, true);
        else w.bytes(f);
      }
      return;
    }
  }
  w.bytes(rr.rdata);
}

/** Splits stored (uncompressed) RDATA into names and raw runs; undefined when it does not fit the layout. */
function splitRdata(rdata: Uint8Array, layout: readonly RdataField[]): (Name | Uint8Array)[] | undefined {
  const out: (Name | Uint8Array)[] = [];
  let pos = 0;
  try {
    for (const field of layout) {
      if (field.kind === 'name') {
        const { name, next } = Name.decode(rdata, pos);
        if (next - pos !== name.wireLength) return undefined; // stored RDATA must not hold pointers
        out.push(name);
        pos = next;
      } else {
        const len = field.kind === 'fixed' ? field.length : characterStringsLength(rdata, pos, field.count);
        if (pos + len > rdata.length) return undefined;
        out.push(rdata.subarray(pos, pos + len));
        pos += len;
      }
    }
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
  return pos === rdata.length ? out : undefined;
}

function characterStringsLength(rdata: Uint8Array, start: number, count: number): number {
  let pos = start;
  for (let i = 0; i < count && pos < rdata.length; i++) pos += 1 + rdata[pos]!;
  return pos - start;
}

function writeRr(w: Writer, rr: RR): void {
  checkRange(rr.type, 0xffff, 'RR type');
  checkRange(rr.class, 0xffff, 'RR class');
  checkRange(rr.ttl, 0xffffffff, 'RR TTL');
  w.name(rr.name, true);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  writeRdata(w, rr);
  const rdlength = w.length - lengthAt - 2;
  checkRange(rdlength, 0xffff, `RDLENGTH of ${rr.name.toString()} TYPE${rr.type}`);
  w.setU16(lengthAt, rdlength);
}

/** The OPT pseudo-RR (RFC 6891 §6.1.2–§6.1.3), never compressed. */
function encodeOpt(edns: EdnsInfo, rcode: number): Uint8Array {
  checkRange(edns.udpSize, 0xffff, 'EDNS UDP size');
  checkRange(edns.version, 0xff, 'EDNS version');
  const w = new Writer(false);
  w.u8(0);
  w.u16(T.OPT);
  w.u16(edns.udpSize);
  w.u8(rcode >>> 4);
  w.u8(edns.version);
  w.u16(edns.do ? 0x8000 : 0);
  let rdlength = 0;
  for (const o of edns.options) {
    checkRange(o.code, 0xffff, 'EDNS option code');
    checkRange(o.data.length, 0xffff, 'EDNS option length');
    rdlength += 4 + o.data.length;
  }
  checkRange(rdlength, 0xffff, 'OPT RDLENGTH');
  w.u16(rdlength);
  for (const o of edns.options) { w.u16(o.code); w.u16(o.data.length); w.bytes(o.data); }
  return w.result();
}

function writeHeader(w: Writer, msg: Message): void {
  const f = msg.flags;
  checkRange(msg.id, 0xffff, 'message ID');
  checkRange(f.opcode, 0x0f, 'opcode');
  checkRange(msg.rcode, msg.edns ? 0xfff : 0x0f, msg.edns ? 'RCODE' : 'RCODE without EDNS');
  w.u16(msg.id);
  w.u8((f.qr ? 0x80 : 0) | (f.opcode << 3) | (f.aa ? 0x04 : 0) | (f.tc ? 0x02 : 0) | (f.rd ? 0x01 : 0));
  w.u8((f.ra ? 0x80 : 0) | (f.ad ? 0x20 : 0) | (f.cd ? 0x10 : 0) | (msg.rcode & 0x0f));
  w.u16(0); w.u16(0); w.u16(0); w.u16(0); // counts are patched after the sections are written
}

/** A point where the message may be cut: its length and the RR counts written so far. */
interface Cut { length: number; counts: [number, number, number] }

/** Writes header, question and sections (each a list of RR groups), recording a cut after every group. */
function writeBody(msg: Message, sections: RR[][][], compress: boolean): { w: Writer; cuts: Cut[] } {
  const w = new Writer(compress);
  writeHeader(w, msg);
  checkRange(msg.question.length, 0xffff, 'QDCOUNT');
  for (const q of msg.question) {
    checkRange(q.type, 0xffff, 'question type');
    checkRange(q.class, 0xffff, 'question class');
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  const counts: [number, number, number] = [0, 0, 0];
  const cuts: Cut[] = [{ length: w.length, counts: [0, 0, 0] }];
  sections.forEach((groups, s) => {
    for (const group of groups) {
      for (const rr of group) writeRr(w, rr);
      counts[s]! += group.length;
      cuts.push({ length: w.length, counts: [...counts] });
    }
  });
  return { w, cuts };
}

function rrsetKey(rr: RR): string {
  // RRSIGs travel with the RRset they cover (RFC 4035 §3.1.1), so dropping one drops the other.
  const covered = rr.type === T.RRSIG && rr.rdata.length >= 2 ? (rr.rdata[0]! << 8) | rr.rdata[1]! : rr.type;
  return `${rr.name.key}/${covered}/${rr.class}`;
}

/** Groups a section into RRsets in order of first appearance. */
function groupRrsets(rrs: RR[]): RR[][] {
  const groups = new Map<string, RR[]>();
  for (const rr of rrs) {
    const k = rrsetKey(rr);
    const g = groups.get(k);
    if (g) g.push(rr); else groups.set(k, [rr]);
  }
  return [...groups.values()];
}

/** Cuts the message at `cut`, patches the counts and TC, and appends the OPT record. */
function finish(w: Writer, qd: number, cut: Cut, opt: Uint8Array | undefined, tc: boolean): Uint8Array {
  const [an, ns, ar] = cut.counts;
  const arWithOpt = ar + (opt ? 1 : 0);
  checkRange(an, 0xffff, 'ANCOUNT');
  checkRange(ns, 0xffff, 'NSCOUNT');
  checkRange(arWithOpt, 0xffff, 'ARCOUNT');
  w.length = cut.length;
  w.setU16(4, qd);
  w.setU16(6, an);
  w.setU16(8, ns);
  w.setU16(10, arWithOpt);
  if (tc) w.buf[2]! |= 0x02;
  if (opt) w.bytes(opt);
  return w.result();
}

/**
 * Encodes a message. With `maxSize`, whole RRsets are dropped from the end (additional first, then authority,
 * then answer) and the OPT record is kept; TC is set when answer or authority data was dropped
 * (RFC 2181 §9, RFC 6891 §7). RRsets are regrouped only when something has to be dropped.
 */
export function encodeMessage(msg: Message, opts: EncodeOptions = {}): Uint8Array {
  const compress = opts.compress ?? true;
  const opt = msg.edns ? encodeOpt(msg.edns, msg.rcode) : undefined;
  const optLength = opt?.length ?? 0;
  const single = (rrs: RR[]): RR[][] => rrs.map((rr) => [rr]);
  let { w, cuts } = writeBody(msg, [single(msg.answer), single(msg.authority), single(msg.additional)], compress);
  const fits = (c: Cut): boolean => opts.maxSize === undefined || c.length + optLength <= opts.maxSize;
  let cut = cuts[cuts.length - 1]!;
  if (!fits(cut)) {
    ({ w, cuts } = writeBody(msg, [groupRrsets(msg.answer), groupRrsets(msg.authority), groupRrsets(msg.additional)], compress));
    let i = cuts.length - 1;
    while (i >= 0 && !fits(cuts[i]!)) i--;
    if (i < 0) throw new WireError('MSG_TOO_LARGE', `header, question and OPT need ${cuts[0]!.length + optLength} octets, limit is ${opts.maxSize}`);
    cut = cuts[i]!;
  }
  const droppedRequired = cut.counts[0] < msg.answer.length || cut.counts[1] < msg.authority.length;
  return finish(w, msg.question.length, cut, opt, msg.flags.tc || droppedRequired);
}
