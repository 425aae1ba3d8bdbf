/**
 * The JSON form of a DNS answer used by the widely deployed DoH JSON APIs (Google Public DNS `/resolve`,
 * Cloudflare `application/dns-json`): `Status` (rcode), the header flags `TC RD RA AD CD`, `Question` and
 * `Answer`/`Authority` entries `{ name, type, TTL, data }` with `data` in presentation format. daneel adds its
 * verdict: `status`, `reason`, `ede` (RFC 8914 code) and `edeText`.
 *
 * The query behind it is a normal DNS message answered by the socket's request handler, so DO/CD/AD mean the
 * same as on the socket: AD is asked for (RFC 6840 §5.7) and set only on secure answers; `do` adds RRSIGs and
 * denial proofs; `cd` returns data without validation.
 */
import type { Name } from '../../resolver/wire/name.js';
import { getEde } from '../../resolver/wire/edns.js';
import { queryMessage } from '../../resolver/wire/query.js';
import { rdataToText } from '../../resolver/wire/rdata.js';
import type { Message, RR } from '../../resolver/wire/types.js';
import type { Verdict } from '../../resolver/dnssec/verdict.js';

export interface DnsJsonRecord {
  name: string;
  type: number;
  TTL: number;
  data: string;
}

export interface DnsJson {
  Status: number;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  AD: boolean;
  CD: boolean;
  Question: { name: string; type: number }[];
  Answer: DnsJsonRecord[];
  Authority: DnsJsonRecord[];
  /** The DNSSEC verdict, or null when the query was refused before resolution (e.g. AXFR). */
  status: string | null;
  reason: string;
  ede: number | null;
  edeText: string | null;
}

/** The query a JSON request stands for: RD, AD (RFC 6840 §5.7), EDNS so EDE can come back, DO and CD as asked. */
export function jsonQuery(name: Name, type: number, opts: { do: boolean; cd: boolean }): Message {
  return queryMessage({ id: 0, name, type, rd: true, ad: true, cd: opts.cd, do: opts.do, udpSize: 65535 });
}

function record(rr: RR): DnsJsonRecord {
  return { name: rr.name.toString(), type: rr.type, TTL: rr.ttl, data: rdataToText(rr.type, rr.rdata) };
}

/** The JSON answer for `response`; `verdict` is the resolution's, when the question was resolved at all. */
export function toDnsJson(response: Message, verdict: Verdict | undefined): DnsJson {
  const ede = getEde(response);
  return {
    Status: response.rcode,
    TC: response.flags.tc,
    RD: response.flags.rd,
    RA: response.flags.ra,
    AD: response.flags.ad,
    CD: response.flags.cd,
    Question: response.question.map((q) => ({ name: q.name.toString(), type: q.type })),
    Answer: response.answer.map(record),
    Authority: response.authority.map(record),
    status: verdict?.status ?? null,
    reason: verdict ? (verdict.id ? `${verdict.reason} [${verdict.id}]` : verdict.reason) : 'not resolved: the query was refused by the request handler',
    ede: ede?.infoCode ?? null,
    edeText: ede?.extraText ?? null,
  };
}
