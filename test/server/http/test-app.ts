/** The HTTP application over a scripted resolver, for inject() tests (no sockets). */
import type { FastifyInstance } from 'fastify';
import type { Resolver } from '../../../resolver/api.js';
import { RequestGate } from '../../../server/gate.js';
import { silentLogger } from '../../../server/logger.js';
import { buildHttpApp } from '../../../server/http/app.js';
import type { HttpAppOptions } from '../../../server/http/app.js';
import type { HttpContext } from '../../../server/http/context.js';
import { DEFAULT_HTTP_LIMITS } from '../../../server/http/limits.js';
import type { HttpLimits } from '../../../server/http/limits.js';
import { createDaneelMetrics } from '../../../server/metrics/instruments.js';
import { createMetricsRegistry } from '../../../server/metrics/registry.js';
import { FakeResolver } from '../fake-resolver.js';

export async function buildTestApp(o: { resolver?: Resolver; limits?: Partial<HttpLimits>; app?: HttpAppOptions } = {}): Promise<{ app: FastifyInstance; ctx: HttpContext }> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...o.limits };
  const ctx: HttpContext = {
    resolver: o.resolver ?? new FakeResolver(),
    metrics: createDaneelMetrics(createMetricsRegistry()),
    limits,
    gate: new RequestGate(limits.maxConcurrentRequests),
    signal: new AbortController().signal,
    logger: silentLogger,
  };
  return { app: await buildHttpApp(ctx, o.app ?? {}), ctx };
}
