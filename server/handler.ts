/**
 * The one request handler behind every front end (UDP, TCP, and later HTTP/DoH): a decoded query in, the
 * response message out. It never throws for bad input: refusals are rcodes, resolver failures are SERVFAIL
 * with an Extended DNS Error (RFC 8914).
 *
 * DNSSEC semantics of a validating recursive server:
 * - RFC 4035 §3.2.3 / RFC 6840 §5.7: AD only when every RRset is authentic (secure verdict), and only to a
 *   query that set DO or AD.
 * - RFC 4035 §3.2.1: with DO the RRSIGs (and NSEC/NSEC3 proofs) are included; without DO they are left out
 *   unless their type was asked for explicitly.
 * - RFC 4035 §3.2.2 / RFC 6840 §5.9: CD asks us not to validate; the data comes back without AD.
 * - RFC 4035 §5.5: bogus data is never handed out: SERVFAIL (with EDE 6 or the more precise code).
 */
import type { Resolver, ResolveResult } from '../resolver/api.js';
import { CLASS_IN, RCODE, T } from '../resolver/wire/types.js';
import type { Message, Question, RR } from '../resolver/wire/types.js';
import { encodeEde } from '../resolver/wire/edns.js';
import { EDE } from '../resolver/dnssec/verdict.js';
import type { Verdict } from '../resolver/dnssec/verdict.js';
import { SERVER_UDP_SIZE } from './limits.js';

export interface QueryContext {
  /** How the query arrived: decides nothing here but is logged and lets HTTP front ends share the code. */
  protocol: 'udp' | 'tcp' | 'https';
  /** Cancelled when the server closes or the client goes away. */
  signal?: AbortSignal;
  /** Called with every resolution's result (query log, validation-failure log). */
  onResult?: (question: Question, result: ResolveResult) => void;
  /** Called when a query fails inside the resolver (a bug or an operational error), for logging. */
  onError?: (err: unknown, question: Question) => void;
  /** Called with every response handleQuery gives, refusals included (metrics count queries here, per transport). */
  onAnswered?: (query: Message, response: Message) => void;
}

/** Types a recursive server will not resolve: zone transfers (RFC 5936, RFC 1995) and the mail meta-types. */
const REFUSED_TYPES = new Set<number>([251 /* IXFR */, 252 /* AXFR */]);
const NOTIMP_TYPES = new Set<number>([253 /* MAILB */, 254 /* MAILA */, T.ANY]);
/** RFC 4035 §3.2.1: types left out of a DO=0 response unless explicitly asked for. */
const DNSSEC_TYPES = new Set<number>([T.RRSIG, T.NSEC, T.NSEC3]);

/** A response skeleton for `query`: ID, opcode, RD and the question echoed (RFC 1035 §4.1.1), RA set. */
export function responseTo(query: Message, rcode: number): Message {
  const response: Message = {
    id: query.id,
    flags: { qr: true, opcode: query.flags.opcode, aa: false, tc: false, rd: query.flags.rd, ra: true, ad: false, cd: query.flags.cd },
    rcode,
    question: query.question.slice(0, 1),
    answer: [],
    authority: [],
    additional: [],
  };
  // RFC 6891 §7: a responder that understands EDNS includes an OPT record when the request had one.
  if (query.edns) response.edns = { udpSize: SERVER_UDP_SIZE, version: 0, do: query.edns.do, options: [] };
  return response;
}

export function withExtendedError(response: Message, infoCode: number, text: string): Message {
  // RFC 8914 §3: EDE rides in the OPT record, so only a query that had EDNS can receive it.
  if (response.edns) response.edns = { ...response.edns, options: [...response.edns.options, encodeEde({ infoCode, extraText: text })] };
  return response;
}

/** Checks the query's shape; returns a refusal response or undefined when it may be resolved. */
function refusal(query: Message): Message | undefined {
  // RFC 6891 §6.1.3: an unsupported EDNS version gets BADVERS, with our OPT (version 0).
  if (query.edns && query.edns.version !== 0) return responseTo(query, RCODE.BADVERS);
  if (query.flags.opcode !== 0) return responseTo(query, RCODE.NOTIMP);
  if (query.question.length !== 1) return responseTo(query, RCODE.FORMERR);
  const q = query.question[0]!;
  if (q.type === T.OPT) return responseTo(query, RCODE.FORMERR); // RFC 6891 §6.1.1: OPT is a pseudo-type
  if (q.class !== CLASS_IN) return responseTo(query, RCODE.REFUSED);
  if (REFUSED_TYPES.has(q.type)) return responseTo(query, RCODE.REFUSED);
  if (NOTIMP_TYPES.has(q.type)) return responseTo(query, RCODE.NOTIMP);
  if (query.answer.length > 0 || query.authority.length > 0) return responseTo(query, RCODE.FORMERR);
  return undefined;
}

/** RFC 4035 §3.2.1: without DO, drop RRSIG/NSEC/NSEC3 records whose type the client did not ask for. */
function visible(rrs: RR[], dnssecOk: boolean, qtype: number): RR[] {
  if (dnssecOk) return rrs;
  return rrs.filter((rr) => !DNSSEC_TYPES.has(rr.type) || rr.type === qtype);
}

function edeText(verdict: Verdict): string {
  return verdict.id ? `${verdict.reason} [${verdict.id}]` : verdict.reason;
}

/** Turns a resolution result into the client's response, applying the DO/AD/CD rules above. */
export function buildAnswer(query: Message, result: ResolveResult): Message {
  const cd = query.flags.cd;
  const { verdict } = result;
  const dnssecOk = query.edns?.do ?? false;
  if (!cd && (verdict.status === 'bogus' || verdict.status === 'indeterminate')) {
    // RFC 4035 §5.5: never hand out bogus (or unprovable) data; say why in an EDE (RFC 8914 §4.7).
    const fallback = verdict.status === 'bogus' ? EDE.DNSSEC_BOGUS : EDE.DNSSEC_INDETERMINATE;
    return withExtendedError(responseTo(query, RCODE.SERVFAIL), verdict.ede ?? fallback, edeText(verdict));
  }
  const response = responseTo(query, result.rcode);
  const qtype = query.question[0]!.type;
  response.answer = visible(result.answer, dnssecOk, qtype);
  response.authority = visible(result.authority, dnssecOk, qtype);
  // RFC 6840 §5.7: AD only for a query that set DO or AD; RFC 4035 §3.2.3: only when all data is authentic.
  response.flags.ad = !cd && verdict.status === 'secure' && (dnssecOk || query.flags.ad);
  if (result.rcode === RCODE.SERVFAIL) {
    // No answer at all (servers unreachable, limits hit): always say why.
    withExtendedError(response, verdict.ede ?? EDE.OTHER, edeText(verdict));
  } else if (!cd && verdict.ede !== undefined && (verdict.status === 'insecure' || verdict.ede === EDE.STALE_ANSWER)) {
    // Informational, e.g. EDE 1 for a zone signed only with an unsupported algorithm (RFC 8914 §4.2), or
    // EDE 3 for data served past its TTL by the cache (RFC 8767 §4, RFC 8914 §4.4).
    withExtendedError(response, verdict.ede, edeText(verdict));
  }
  return response;
}

/**
 * Answers one decoded query. Never throws: refusals are rcodes, resolver exceptions become SERVFAIL with EDE 0.
 */
export async function handleQuery(query: Message, resolver: Resolver, ctx: QueryContext): Promise<Message> {
  const response = await answerQuery(query, resolver, ctx);
  ctx.onAnswered?.(query, response);
  return response;
}

async function answerQuery(query: Message, resolver: Resolver, ctx: QueryContext): Promise<Message> {
  const refused = refusal(query);
  if (refused) return refused;
  const question = query.question[0]!;
  try {
    const opts = ctx.signal ? { cd: query.flags.cd, signal: ctx.signal } : { cd: query.flags.cd };
    const result = await resolver.resolve(question.name, question.type, opts);
    ctx.onResult?.(question, result);
    return buildAnswer(query, result);
  } catch (err) {
    ctx.onError?.(err, question);
    return withExtendedError(responseTo(query, RCODE.SERVFAIL), EDE.OTHER, `internal error: ${(err as Error)?.message ?? String(err)}`);
  }
}
