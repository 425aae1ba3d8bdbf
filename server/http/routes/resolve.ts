/** GET /resolve?name=&type=[&do=1][&cd=1]: the DoH JSON API, answered by the socket's request handler. */
import type { FastifyInstance } from 'fastify';
import { handleQuery } from '../../handler.js';
import { capturingResolver } from '../capture.js';
import type { HttpContext } from '../context.js';
import { flagOn, inSlot, nameParam, typeParam } from '../context.js';
import { jsonQuery, toDnsJson } from '../dns-json.js';
import { resolveSchema } from '../schemas.js';

interface ResolveQuery { name: string; type: string; do?: string; cd?: string }

export function registerResolve(app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Querystring: ResolveQuery }>('/resolve', { schema: resolveSchema(ctx.limits) }, async (request, reply) => {
    const q = request.query;
    const query = jsonQuery(nameParam(q.name, 'name'), typeParam(q.type), { do: flagOn(q.do), cd: flagOn(q.cd) });
    return inSlot(ctx, reply, async (signal) => {
      const resolver = capturingResolver(ctx.resolver, signal);
      const response = await handleQuery(query, resolver, {
        protocol: 'https',
        signal,
        onAnswered: (qm, rm) => ctx.metrics.onAnswered('http-json', qm, rm),
        onError: (err) => ctx.logger.error({ err: (err as Error)?.message }, 'resolver failed'),
      });
      return toDnsJson(response, resolver.results.at(-1)?.verdict);
    });
  });
}
