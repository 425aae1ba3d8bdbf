/**
 * A scripted network (in the spirit of Unbound's testbound and Deckard): a fake Transport that routes each query
 * by server address to an in-memory authoritative server, counts and records every query, and plays scripted
 * misbehaviour (silence, REFUSED, lame answers, junk, truncation). Time only moves when a scripted timeout
 * advances the FixedClock, so scenarios are exact and instant.
 */
import type { FixedClock } from '../../resolver/clock.js';
import { TransportError, type QueryOptions, type ServerAddress, type Transport } from '../../resolver/transport/transport.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import type { Name } from '../../resolver/wire/name.js';
import { RCODE, typeName, type Message } from '../../resolver/wire/types.js';
import { answerFrom, replyTo, type AuthZone } from './authority.js';

/** What a server does with a query. */
export type Behaviour =
  | 'normal'
  /** Never answers: the query times out (the clock advances by the timeout). */
  | 'silent'
  /** Port closed: rejected at once (ICMP port unreachable). */
  | 'closed'
  | 'refused'
  | 'servfail'
  /** Answers without AA and without records: lame for every zone. */
  | 'lame'
  /** Replies with bytes that are not a DNS message. */
  | 'junk'
  /** Every UDP reply has TC set and no records, so the resolver must retry over TCP. */
  | 'always-tc';

export interface ServerSpec {
  address: string;
  zones: AuthZone[];
  behaviour?: Behaviour;
  /** Rewrites a reply before it is sent (to break exactly one thing); throwing drops the reply (a timeout). */
  tamper?: (reply: Message, query: Message) => Message;
}

export interface LoggedQuery {
  address: string;
  port: number;
  /** The QNAME lowercased (names compare case-insensitively; 0x20 randomises the case the server sees). */
  qname: string;
  /** The QNAME exactly as sent, random case included. */
  sentQname: string;
  qtype: string;
  tcp: boolean;
  /** The query's EDNS DO bit, RD bit and UDP size, for asserting what the resolver sends. */
  do: boolean;
  rd: boolean;
  udpSize: number | undefined;
  id: number;
}

export class ScriptedNetwork implements Transport {
  readonly log: LoggedQuery[] = [];
  private readonly servers = new Map<string, ServerSpec>();

  constructor(private readonly clock: FixedClock, servers: ServerSpec[] = []) {
    for (const s of servers) this.add(s);
  }

  add(spec: ServerSpec): void {
    this.servers.set(spec.address, spec);
  }

  setBehaviour(address: string, behaviour: Behaviour): void {
    const s = this.servers.get(address);
    if (!s) throw new Error(`no server at ${address}`);
    s.behaviour = behaviour;
  }

  setTamper(address: string, tamper: ServerSpec['tamper']): void {
    const s = this.servers.get(address);
    if (!s) throw new Error(`no server at ${address}`);
    if (tamper) s.tamper = tamper; else delete s.tamper;
  }

  /** Queries received by `address` (all addresses when omitted). */
  count(address?: string): number {
    return address === undefined ? this.log.length : this.log.filter((q) => q.address === address).length;
  }

  /** "qname qtype" of each query, in order, optionally only those sent to `address`. */
  asked(address?: string): string[] {
    return this.log.filter((q) => address === undefined || q.address === address).map((q) => `${q.qname} ${q.qtype}`);
  }

  async query(server: ServerAddress, wire: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    const query = decodeMessage(wire);
    const q = query.question[0]!;
    this.log.push({
      address: server.address, port: server.port, qname: q.name.toLowerCase().toString(), sentQname: q.name.toString(), qtype: typeName(q.type), tcp: opts.tcp === true,
      do: query.edns?.do ?? false, rd: query.flags.rd, udpSize: query.edns?.udpSize, id: query.id,
    });
    const spec = this.servers.get(server.address);
    const behaviour = spec?.behaviour ?? 'normal';
    if (!spec || behaviour === 'silent') {
      this.clock.advance(opts.timeoutMs);
      throw new TransportError('TIMEOUT', `no reply from ${server.address} within ${opts.timeoutMs} ms`);
    }
    if (behaviour === 'closed') throw new TransportError('REFUSED', `connection refused by ${server.address}`);
    if (behaviour === 'junk') return Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    const reply = this.reply(spec, query, q.name, q.type, behaviour);
    let tampered: Message;
    try {
      tampered = spec.tamper ? spec.tamper(reply, query) : reply;
    } catch {
      // A tamper function that throws drops this one datagram: the query times out.
      this.clock.advance(opts.timeoutMs);
      throw new TransportError('TIMEOUT', `reply from ${server.address} lost`);
    }
    if (!opts.tcp && behaviour === 'always-tc') return encodeMessage({ ...tampered, flags: { ...tampered.flags, tc: true }, answer: [], authority: [], additional: [] });
    // Over UDP a reply larger than the query's EDNS buffer is cut and gets TC (RFC 6891 §7, RFC 2181 §9).
    return encodeMessage(tampered, opts.tcp ? {} : { maxSize: query.edns?.udpSize ?? 512 });
  }

  private reply(spec: ServerSpec, query: Message, qname: Name, qtype: number, behaviour: Behaviour): Message {
    if (behaviour === 'refused' || behaviour === 'servfail') {
      return replyTo(query, { rcode: behaviour === 'refused' ? RCODE.REFUSED : RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] });
    }
    if (behaviour === 'lame') {
      // A server that does not serve the zone (or a recursive one): no AA, nothing useful (RFC 1034 §4.3.1).
      return replyTo(query, { rcode: RCODE.NOERROR, aa: false, answer: [], authority: [], additional: [] });
    }
    return replyTo(query, answerFrom(spec.zones, qname, qtype));
  }

  async close(): Promise<void> {}
}
