/**
 * RFC 8484 DNS over HTTPS: GET /dns-query?dns=BASE64URL and POST /dns-query with an application/dns-message
 * body. The query goes through the socket's request handler (handleQuery), so AD, CD, DO and EDE behave as on
 * UDP and TCP; only the framing differs. The response is cacheable for the smallest TTL of its answer (§5.1).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { decodeMessage } from '../../../resolver/wire/message.js';
import type { Message } from '../../../resolver/wire/types.js';
import { handleQuery } from '../../handler.js';
import { encodeResponse } from '../../wire.js';
import type { HttpContext } from '../context.js';
import { inSlot } from '../context.js';
import { HttpApiError } from '../errors.js';
import { MAX_DNS_MESSAGE } from '../limits.js';
import { dohGetSchema, dohPostSchema } from '../schemas.js';
import { answerTtl } from '../ttl.js';

export const DNS_MESSAGE = 'application/dns-message';
const HEADER_LENGTH = 12;

/** A DoH query, or a 400 saying why not: too short, a response (QR set), or undecodable. */
export function parseDohQuery(bytes: Uint8Array): Message {
  if (bytes.length < HEADER_LENGTH) throw new HttpApiError('MALFORMED_DNS_MESSAGE', `DNS message of ${bytes.length} octets is shorter than a header (12)`);
  if ((bytes[2]! & 0x80) !== 0) throw new HttpApiError('MALFORMED_DNS_MESSAGE', 'DNS message has QR set: it is a response, not a query');
  try {
    return decodeMessage(bytes);
  } catch (e) {
    throw new HttpApiError('MALFORMED_DNS_MESSAGE', `DNS message does not decode: ${(e as Error).message}`);
  }
}

/** RFC 8484 §4.1: base64url (RFC 4648 §5) with the padding left out; characters are checked by the schema. */
function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new HttpApiError('MALFORMED_DNS_MESSAGE', 'parameter "dns" is not base64url: its length leaves a stray character');
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

async function answer(ctx: HttpContext, reply: FastifyReply, bytes: Uint8Array): Promise<Buffer> {
  const query = parseDohQuery(bytes);
  const response = await inSlot(ctx, reply, (signal) => handleQuery(query, ctx.resolver, {
    protocol: 'https',
    signal,
    onAnswered: (q, r) => ctx.metrics.onAnswered('doh', q, r),
    onError: (err) => ctx.logger.error({ err: (err as Error)?.message }, 'resolver failed'),
  }));
  const ttl = answerTtl(response.answer, response.authority) ?? 0;
  void reply.header('content-type', DNS_MESSAGE).header('cache-control', `max-age=${ttl}`);
  return Buffer.from(encodeResponse(response, MAX_DNS_MESSAGE));
}

export function registerDoh(app: FastifyInstance, ctx: HttpContext): void {
  app.addContentTypeParser(DNS_MESSAGE, { parseAs: 'buffer', bodyLimit: Math.min(ctx.limits.maxBodyBytes, MAX_DNS_MESSAGE) }, (_req, body, done) => done(null, body));
  app.get<{ Querystring: { dns: string } }>('/dns-query', { schema: dohGetSchema(ctx.limits) }, (request, reply) =>
    answer(ctx, reply, fromBase64Url(request.query.dns)));
  app.post('/dns-query', { schema: dohPostSchema }, (request, reply) => {
    // RFC 8484 §4.1: POST carries application/dns-message; a JSON (or other parsed) body is the wrong type.
    if (!Buffer.isBuffer(request.body)) {
      throw new HttpApiError('UNSUPPORTED_MEDIA_TYPE', `POST /dns-query needs Content-Type ${DNS_MESSAGE}, got ${JSON.stringify(request.headers['content-type'] ?? null)}`);
    }
    return answer(ctx, reply, new Uint8Array(request.body));
  });
}
