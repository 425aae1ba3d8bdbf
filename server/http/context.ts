/**
 * What every route needs: the resolver, metrics, limits, the request slots, and the helpers that turn the
 * client's text into names and types with a 400 naming the parameter when it is wrong.
 */
import type { FastifyReply } from 'fastify';
import type { Resolver } from '../../resolver/api.js';
import { Name } from '../../resolver/wire/name.js';
import { T } from '../../resolver/wire/types.js';
import { typeFromText } from '../../resolver/wire/zonefile.js';
import type { TrustStore } from '../../dane/pkix.js';
import type { RequestGate } from '../gate.js';
import type { Logger } from '../logger.js';
import type { DaneelMetrics } from '../metrics/instruments.js';
import { HttpApiError } from './errors.js';
import type { HttpLimits } from './limits.js';

export interface HttpContext {
  resolver: Resolver;
  metrics: DaneelMetrics;
  limits: HttpLimits;
  /** Requests being resolved, all HTTP listeners together. */
  gate: RequestGate;
  /** Aborted when the server closes: resolutions in flight are cancelled. */
  signal: AbortSignal;
  logger: Logger;
  /** Trust store for PKIX-TA/PKIX-EE records in /dane/verify (default: Node's bundled roots). */
  trustStore?: TrustStore;
}

/** A name parameter, absolute whether or not it ends in a dot (there is no search list). */
export function nameParam(text: string, param: string): Name {
  try {
    return Name.parse(text.endsWith('.') ? text : `${text}.`);
  } catch (e) {
    throw new HttpApiError('BAD_REQUEST', `parameter ${JSON.stringify(param)}: bad name ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
}

/** A type parameter: a mnemonic (TLSA), the RFC 3597 form (TYPE52), or a decimal number. */
export function typeParam(text: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : typeFromText(text);
  if (n === undefined || n > 0xffff) throw new HttpApiError('BAD_REQUEST', `parameter "type": unknown record type ${JSON.stringify(text)} (use a mnemonic like TLSA, TYPE52 or 52)`);
  if (n === T.OPT) throw new HttpApiError('BAD_REQUEST', 'parameter "type": OPT is a pseudo-type and cannot be queried (RFC 6891 §6.1.1)');
  return n;
}

export const flagOn = (value: string | undefined): boolean => value === '1' || value === 'true';

/**
 * Runs `work` in a request slot with a signal that fires when the server closes or the client goes away.
 * Beyond maxConcurrentRequests the client gets 503 with Retry-After at once, without waiting.
 */
export async function inSlot<T>(ctx: HttpContext, reply: FastifyReply, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!ctx.gate.tryEnter()) {
    void reply.header('retry-after', '1');
    if (ctx.gate.closing) throw new HttpApiError('BUSY', 'the server is shutting down');
    ctx.metrics.limitHit('http-concurrent-requests');
    throw new HttpApiError('BUSY', `too many requests in flight (maxConcurrentRequests = ${ctx.limits.maxConcurrentRequests}); retry later`);
  }
  // One controller per request, aborted by the server's close or the client's; both listeners go when it ends.
  const gone = new AbortController();
  const onClose = (): void => { if (!reply.raw.writableFinished) gone.abort(); };
  const onServerClose = (): void => gone.abort();
  reply.raw.once('close', onClose);
  ctx.signal.addEventListener('abort', onServerClose, { once: true });
  try {
    return await work(gone.signal);
  } finally {
    reply.raw.off('close', onClose);
    ctx.signal.removeEventListener('abort', onServerClose);
    ctx.gate.leave();
  }
}
