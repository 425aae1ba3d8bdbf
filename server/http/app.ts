/**
 * The HTTP API as a fastify application: schema-validated routes (unknown parameters are errors), one JSON error
 * shape, access control, limits, metrics, and the OpenAPI document generated from the route schemas.
 * `buildHttpApp` returns the application unbound, so tests call `app.inject()` without sockets; HttpServer
 * (server.ts) listens with it.
 *
 * Why fastify: JSON-schema validation of querystrings and bodies compiled by Ajv, response serialisation from
 * the same schemas, OpenAPI generation from them (@fastify/swagger), HTTP/1.1, HTTPS and HTTP/2 (ALPN) from one
 * option set, per-route body limits and content-type parsers, and `inject()` for tests.
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { STATUS_CODES } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { AccessCheck } from './access.js';
import { loopbackOnly } from './access.js';
import type { HttpContext } from './context.js';
import { errorResponse } from './errors.js';
import type { HttpErrorCode } from './errors.js';
import { OPENAPI_DEFINITION } from './openapi-info.js';
import { registerDoh } from './routes/doh.js';
import { registerOps } from './routes/ops.js';
import { registerResolve } from './routes/resolve.js';
import { registerTlsa } from './routes/tlsa.js';
import { registerVerify } from './routes/verify.js';

export interface HttpAppOptions {
  /** PEM key and certificate: HTTPS with HTTP/2 and HTTP/1.1 offered by ALPN. Without: plain HTTP/1.1. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Per-client decision; default loopback only (see access.ts). */
  access?: AccessCheck;
}

function serverOptions(ctx: HttpContext, opts: HttpAppOptions): FastifyServerOptions & Record<string, unknown> {
  const { limits } = ctx;
  const common = {
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    http2SessionTimeout: limits.idleTimeoutMs,
    // Ajv: keep unknown properties so `additionalProperties: false` rejects them (fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false as const, coerceTypes: 'array' as const, allErrors: false } },
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => clientError(ctx, err, socket),
  };
  if (!opts.tls) return { ...common, http: { maxHeaderSize: limits.maxHeaderBytes } };
  return {
    ...common,
    http2: true,
    https: {
      allowHTTP1: true,
      key: opts.tls.key,
      cert: opts.tls.cert,
      maxHeaderSize: limits.maxHeaderBytes,
      settings: { maxHeaderListSize: limits.maxHeaderBytes },
    },
  };
}

/**
 * A request Node's HTTP/1.1 parser rejects before fastify sees it (headers over maxHeaderBytes, a timeout, bad
 * syntax): the same JSON error shape, then the connection closes. Nothing else on the server is affected.
 */
function clientError(ctx: HttpContext, err: Error & { code?: string }, socket: Socket): void {
  const [status, code, message]: [number, HttpErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'HEADERS_TOO_LARGE', `request line and headers exceed maxHeaderBytes = ${ctx.limits.maxHeaderBytes}`]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'REQUEST_TIMEOUT', `request not received within requestTimeoutMs = ${ctx.limits.requestTimeoutMs}`]
        : [400, 'BAD_REQUEST', `malformed HTTP request (${err.code ?? err.message})`];
  if (status === 431) ctx.metrics.limitHit('http-header-size');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: code, message });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** HTTP/2 headers arrive compressed and Node does not cap their decoded size: maxHeaderBytes is checked here. */
function headerBytes(rawHeaders: readonly string[]): number {
  let n = 0;
  for (const h of rawHeaders) n += h.length + 2;
  return n;
}

/** Access control at the two places it can act: a dropped client's connection is closed before any byte is read. */
function guard(app: FastifyInstance, ctx: HttpContext, access: AccessCheck): void {
  const server = app.server as unknown as Server;
  server.on('connection', (socket) => {
    if (access(socket.remoteAddress ?? '', 'connection') === 'drop') socket.destroy();
  });
  server.maxConnections = ctx.limits.maxConnections;
  server.on('drop', () => ctx.metrics.limitHit('http-connections'));
  app.addHook('onRequest', async (request, reply) => {
    const decision = access(request.socket.remoteAddress ?? '', 'request');
    if (decision === 'allow') return;
    if (decision === 'rate-limited') {
      ctx.metrics.limitHit('rate-limit');
      return reply.code(429).header('retry-after', '1').send({ error: 'RATE_LIMITED', message: `client ${request.socket.remoteAddress} is over its rate limit (--rate-limit)` });
    }
    if (decision === 'drop') {
      // Normally the connection was already closed on arrival; this catches a policy changed since. HTTP/2
      // forbids touching the socket behind a stream (ERR_HTTP2_NO_SOCKET_MANIPULATION): close the session.
      const session = (request.raw as { stream?: { session?: { destroy(): void } } }).stream?.session;
      if (session) session.destroy();
      else request.socket.destroy();
      return reply.hijack();
    }
    return reply.code(403).send({ error: 'FORBIDDEN', message: `client ${request.socket.remoteAddress} is refused by the access policy` });
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersionMajor !== 2 || headerBytes(request.raw.rawHeaders) <= ctx.limits.maxHeaderBytes) return;
    ctx.metrics.limitHit('http-header-size');
    return reply.code(431).send({ error: 'HEADERS_TOO_LARGE', message: `headers exceed maxHeaderBytes = ${ctx.limits.maxHeaderBytes}` });
  });
}

export async function buildHttpApp(ctx: HttpContext, opts: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(ctx, opts)) as unknown as FastifyInstance;
  guard(app, ctx, opts.access ?? loopbackOnly);
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpResponse(request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorResponse(err);
    if (status === 413) ctx.metrics.limitHit('http-body-size');
    if (status >= 500 && status !== 503) ctx.logger.error({ err: (err as Error).message, url: request.url }, 'HTTP request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
  await app.register(swagger, { openapi: OPENAPI_DEFINITION as never });
  registerResolve(app, ctx);
  registerTlsa(app, ctx);
  registerVerify(app, ctx);
  registerDoh(app, ctx);
  registerOps(app, ctx);
  await app.ready();
  return app;
}
