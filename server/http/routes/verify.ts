/**
 * POST /dane/verify: a PEM chain and a target (host+port or client-id) in a JSON body; looks the TLSA RRset up
 * as /tlsa does and verifies the chain against it, answering the verdict JSON of `daneel verify --json`.
 */
import type { FastifyInstance } from 'fastify';
import { chainCredential, parsePemChain } from '../../../dane/certs.js';
import type { PeerCredential } from '../../../dane/certs.js';
import { verdictToJson } from '../../../dane/verdict.js';
import { verifyLookup } from '../../../dane/verify.js';
import type { HttpContext } from '../context.js';
import { inSlot } from '../context.js';
import { HttpApiError } from '../errors.js';
import { verifySchema } from '../schemas.js';
import { lookupForHttp, targetOf } from './tlsa.js';
import type { TargetParams } from './tlsa.js';

interface VerifyBody extends TargetParams { chain: string }

function credentialOf(pem: string): PeerCredential {
  try {
    return chainCredential(parsePemChain(pem));
  } catch (e) {
    throw new HttpApiError('BAD_REQUEST', `body "chain": ${(e as Error).message}`);
  }
}

export function registerVerify(app: FastifyInstance, ctx: HttpContext): void {
  app.post<{ Body: VerifyBody }>('/dane/verify', { schema: verifySchema(ctx.limits) }, async (request, reply) => {
    const { chain, ...params } = request.body;
    const target = targetOf(params);
    // The chain is checked before any DNS, as the CLI reads its files first.
    const credential = credentialOf(chain);
    return inSlot(ctx, reply, async (signal) => {
      const { lookup } = await lookupForHttp(ctx.resolver, target, signal);
      const verdict = await verifyLookup(lookup.result, credential, { names: lookup.names, ...(ctx.trustStore ? { trustStore: ctx.trustStore } : {}) });
      ctx.metrics.daneVerdict('verify', verdict.verdict);
      return verdictToJson(verdict);
    });
  });
}
