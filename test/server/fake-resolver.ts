/** A scripted Resolver for front-end tests: answers from a table, records the calls it got. */
import type { ResolveOptions, ResolveResult, Resolver } from '../../resolver/api.js';
import { Name } from '../../resolver/wire/name.js';
import { RCODE, typeName } from '../../resolver/wire/types.js';
import type { RR } from '../../resolver/wire/types.js';
import { parseRecordLine } from '../../resolver/wire/zonefile.js';
import type { Verdict } from '../../resolver/dnssec/verdict.js';

export function rr(line: string): RR {
  return parseRecordLine(line, { defaultTtl: 300 });
}

/** An RRSIG over `type` at `owner`, syntactically valid (the fake resolver never verifies it). */
export function rrsig(owner: string, type: string, zone = 'example.fr.'): RR {
  return rr(`${owner} 300 IN RRSIG ${type} 13 ${Name.parse(owner).labelCount} 300 20361231000000 20240101000000 12345 ${zone} AAECAwQFBgcICQoLDA0ODw==`);
}

export interface Scripted {
  rcode?: number;
  answer?: RR[];
  authority?: RR[];
  verdict: Verdict;
  /** Delay before answering, to test concurrency and close(). */
  delayMs?: number;
  throws?: Error;
}

export class FakeResolver implements Resolver {
  readonly calls: Array<{ name: string; type: number; opts: ResolveOptions | undefined }> = [];
  private readonly table = new Map<string, Scripted>();
  closed = false;

  on(name: string, type: string, s: Scripted): this {
    this.table.set(`${Name.parse(name).key}/${type}`, s);
    return this;
  }

  async resolve(name: Name, type: number, opts?: ResolveOptions): Promise<ResolveResult> {
    this.calls.push({ name: name.toString(), type, opts });
    const s = this.table.get(`${name.key}/${typeName(type)}`);
    if (!s) return { qname: name, qtype: type, rcode: RCODE.NXDOMAIN, answer: [], authority: [], verdict: { status: 'insecure', reason: 'not scripted' } };
    if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
    if (s.throws) throw s.throws;
    return { qname: name, qtype: type, rcode: s.rcode ?? RCODE.NOERROR, answer: s.answer ?? [], authority: s.authority ?? [], verdict: s.verdict };
  }

  resolveTLSA(host: Name | string, port: number, proto = 'tcp', opts?: ResolveOptions): Promise<ResolveResult> {
    const h = typeof host === 'string' ? Name.parse(host) : host;
    return this.resolve(h.prepend(`_${proto}`).prepend(`_${port}`), 52, opts);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
