/**
 * GET /tlsa?host=&port=[&proto=tcp] and GET /tlsa?client-id=NAME: the TLSA RRset with its verdict, exactly as
 * `daneel tlsa --json` (the same lookup, RFC 7671 §7 CNAME rules included, and the same verdict), plus each
 * record's fields, the owner, and the remaining TTL.
 */
import type { FastifyInstance } from 'fastify';
import { lookupTarget, tlsaVerdict } from '../../../cli/commands/tlsa.js';
import type { Target, TargetLookup } from '../../../cli/commands/tlsa.js';
import { UsageError } from '../../../cli/config.js';
import { T } from '../../../resolver/wire/types.js';
import type { Resolver, ResolveResult } from '../../../resolver/api.js';
import { capturingResolver } from '../capture.js';
import type { HttpContext } from '../context.js';
import { inSlot } from '../context.js';
import { HttpApiError } from '../errors.js';
import { tlsaSchema } from '../schemas.js';
import { answerTtl } from '../ttl.js';

export interface TargetParams { host?: string; port?: number; proto?: string; 'client-id'?: string }

/** Exactly one of host+port or client-id; proto only with host+port. */
export function targetOf(p: TargetParams): Target {
  const service = p.host !== undefined || p.port !== undefined;
  if (p['client-id'] !== undefined) {
    if (service) throw new HttpApiError('BAD_REQUEST', 'give either "host" and "port" or "client-id", not both');
    if (p.proto !== undefined) throw new HttpApiError('BAD_REQUEST', '"proto" applies to "host" and "port", not to "client-id"');
    return { kind: 'client', id: p['client-id'] };
  }
  if (p.host === undefined || p.port === undefined) throw new HttpApiError('BAD_REQUEST', 'give "host" and "port" (e.g. host=mail.example.com&port=25) or "client-id"');
  return { kind: 'service', host: p.host, port: p.port, proto: p.proto ?? 'tcp' };
}

/** The shared lookup (cli/commands/tlsa.ts), with bad names as 400 and the TLSA resolution it ended with. */
export async function lookupForHttp(resolver: Resolver, target: Target, signal: AbortSignal): Promise<{ lookup: TargetLookup; last: ResolveResult | undefined }> {
  const capture = capturingResolver(resolver, signal);
  try {
    const lookup = await lookupTarget(capture, target);
    return { lookup, last: capture.results.filter((r) => r.qtype === T.TLSA).at(-1) };
  } catch (e) {
    if (e instanceof UsageError) throw new HttpApiError('BAD_REQUEST', e.message.replace('--client-id', '"client-id"').replace(/^bad host/, 'bad "host"'));
    throw e;
  }
}

export function registerTlsa(app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Querystring: TargetParams }>('/tlsa', { schema: tlsaSchema(ctx.limits) }, async (request, reply) => {
    const target = targetOf(request.query);
    return inSlot(ctx, reply, async (signal) => {
      const { lookup, last } = await lookupForHttp(ctx.resolver, target, signal);
      const v = tlsaVerdict(lookup.result);
      ctx.metrics.daneVerdict('tlsa', v.verdict);
      // tlsaVerdict lists the lookup's records in order (none when bogus): add each one's fields.
      const shown = v.records.length === 0 ? [] : lookup.result.records;
      const records = v.records.map((r, i) => {
        const t = shown[i]!;
        return { ...r, usage: t.usage, selector: t.selector, mtype: t.mtype, data: Buffer.from(t.data).toString('hex') };
      });
      const ttl = last && lookup.result.status !== 'bogus' ? answerTtl(last.answer, last.authority) ?? null : null;
      return {
        ...v,
        records,
        status: lookup.result.status,
        owner: lookup.result.owner,
        cnameTarget: lookup.result.cnameTarget,
        names: lookup.names,
        ttl,
      };
    });
  });
}
