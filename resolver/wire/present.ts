/** dig-like text rendering of records and messages, for the CLI and for logs. */
import { rcodeName, typeName, type Message, type Question, type RR } from './types.js';
import { rdataToText } from './rdata.js';
import { toHex } from './encoding.js';
import { decodeEde, edeName, EDNS_OPTION } from './edns.js';

const CLASS_NAMES = new Map<number, string>([[1, 'IN'], [3, 'CH'], [4, 'HS'], [254, 'NONE'], [255, 'ANY']]);
const OPCODE_NAMES = ['QUERY', 'IQUERY', 'STATUS', 'OPCODE3', 'NOTIFY', 'UPDATE'];
/** Response codes beyond the ones in types.ts (RFC 2136 §2.2, RFC 7873 §8). */
const EXTRA_RCODES = new Map<number, string>([[6, 'YXDOMAIN'], [7, 'YXRRSET'], [8, 'NXRRSET'], [9, 'NOTAUTH'], [10, 'NOTZONE'], [23, 'BADCOOKIE']]);

export function className(cls: number): string {
  return CLASS_NAMES.get(cls) ?? `CLASS${cls}`;
}

export function statusName(rcode: number): string {
  return EXTRA_RCODES.get(rcode) ?? rcodeName(rcode);
}

/** `owner TTL CLASS TYPE rdata`, tab separated like dig. */
export function rrToText(rr: RR): string {
  return `${rr.name.toString()}\t${rr.ttl}\t${className(rr.class)}\t${typeName(rr.type)}\t${rdataToText(rr.type, rr.rdata)}`;
}

function questionToText(q: Question): string {
  return `;${q.name.toString()}\t\t${className(q.class)}\t${typeName(q.type)}`;
}

function flagsText(msg: Message): string {
  const f = msg.flags;
  const names: [boolean, string][] = [[f.qr, 'qr'], [f.aa, 'aa'], [f.tc, 'tc'], [f.rd, 'rd'], [f.ra, 'ra'], [f.ad, 'ad'], [f.cd, 'cd']];
  return names.filter(([on]) => on).map(([, n]) => n).join(' ');
}

function ednsLines(msg: Message): string[] {
  const e = msg.edns;
  if (!e) return [];
  const lines = [';; OPT PSEUDOSECTION:', `; EDNS: version: ${e.version}, flags:${e.do ? ' do' : ''}; udp: ${e.udpSize}`];
  for (const o of e.options) {
    if (o.code === EDNS_OPTION.EDE && o.data.length >= 2) {
      const ede = decodeEde(o);
      lines.push(`; EDE: ${ede.infoCode} (${edeName(ede.infoCode)})${ede.extraText ? `: (${ede.extraText})` : ''}`);
    } else if (o.code === EDNS_OPTION.COOKIE) {
      lines.push(`; COOKIE: ${toHex(o.data)}`);
    } else {
      lines.push(`; OPT=${o.code}: ${toHex(o.data)}`);
    }
  }
  return [...lines, ''];
}

function section(title: string, rrs: RR[]): string[] {
  return rrs.length === 0 ? [] : [`;; ${title} SECTION:`, ...rrs.map(rrToText), ''];
}

/** A dig-like rendering: header, flags (incl. ad/cd), status, the EDNS line with EDE, then the sections. */
export function messageToText(msg: Message): string {
  const opcode = OPCODE_NAMES[msg.flags.opcode] ?? `OPCODE${msg.flags.opcode}`;
  const additionalCount = msg.additional.length + (msg.edns ? 1 : 0);
  const lines = [
    `;; ->>HEADER<<- opcode: ${opcode}, status: ${statusName(msg.rcode)}, id: ${msg.id}`,
    `;; flags: ${flagsText(msg)}; QUERY: ${msg.question.length}, ANSWER: ${msg.answer.length}, ` +
      `AUTHORITY: ${msg.authority.length}, ADDITIONAL: ${additionalCount}`,
    '',
    ...ednsLines(msg),
    ...(msg.question.length ? [';; QUESTION SECTION:', ...msg.question.map(questionToText), ''] : []),
    ...section('ANSWER', msg.answer),
    ...section('AUTHORITY', msg.authority),
    ...section('ADDITIONAL', msg.additional),
  ];
  return lines.join('\n');
}
