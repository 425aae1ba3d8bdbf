/**
 * The HTTP API's errors: one registry of stable codes, each with its HTTP status, and one JSON shape
 * `{ error: CODE, message }` whose message names the parameter or limit at fault. Fastify's own errors
 * (schema validation, body too large, unknown content type, bad JSON) are mapped onto the same codes.
 */
import type { FastifyError } from 'fastify';

export const HTTP_ERRORS = {
  BAD_REQUEST: 400,
  MALFORMED_DNS_MESSAGE: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  BUSY: 503,
  INTERNAL: 500,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

export interface ErrorBody {
  error: HttpErrorCode;
  message: string;
}

export class HttpApiError extends Error {
  readonly status: number;
  constructor(readonly code: HttpErrorCode, message: string) {
    super(message);
    this.name = 'HttpApiError';
    this.status = HTTP_ERRORS[code];
  }
}

/** Where a schema error sits, as the client wrote it: `querystring.name`, `body.chain`. */
function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? 'request';
  if (first.keyword === 'additionalProperties') {
    const extra = (first.params as { additionalProperty?: string }).additionalProperty;
    return `unknown ${where} parameter ${JSON.stringify(extra)}`;
  }
  if (first.keyword === 'required') {
    return `${where} parameter ${JSON.stringify((first.params as { missingProperty?: string }).missingProperty)} is required`;
  }
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return `${where}${path ? ` parameter ${JSON.stringify(path)}` : ''} ${first.message ?? 'is invalid'}`;
}

/** Maps any error thrown in the request pipeline to a status and the JSON error body. */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpApiError) return { status: err.status, body: { error: err.code, message: err.message } };
  const f = err as FastifyError;
  if (f.validation) return { status: 400, body: { error: 'BAD_REQUEST', message: validationMessage(f) } };
  switch (f.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: 'BODY_TOO_LARGE', message: f.message } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: f.statusCode ?? 415, body: { error: f.statusCode === 400 ? 'BAD_REQUEST' : 'UNSUPPORTED_MEDIA_TYPE', message: f.message } };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: 'BAD_REQUEST', message: f.message } };
  }
  if (f.statusCode !== undefined && f.statusCode >= 400 && f.statusCode < 500) {
    return { status: f.statusCode, body: { error: f.statusCode === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST', message: f.message } };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error' } };
}
