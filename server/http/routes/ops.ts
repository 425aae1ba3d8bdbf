/** GET /healthz, GET /metrics (Prometheus text format) and GET /openapi.json (generated from the route schemas). */
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../context.js';
import { healthSchema, metricsSchema, openapiSchema } from '../schemas.js';

export function registerOps(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/healthz', { schema: healthSchema }, () => ({ status: 'ok' as const }));
  app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
    const text = await ctx.metrics.registry.text();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
  });
  app.get('/openapi.json', { schema: { ...openapiSchema, hide: true } }, () => app.swagger());
}
