/**
 * JSON schemas of the HTTP API: they validate every querystring and body (`additionalProperties: false`, so an
 * unknown parameter is a 400 naming it), serialise the responses, and are what @fastify/swagger turns into the
 * OpenAPI document (server/http/openapi.json).
 */
import type { HttpLimits } from './limits.js';

const errorBody = {
  type: 'object',
  description: 'An error: a stable code and a message naming the parameter or limit at fault',
  required: ['error', 'message'],
  properties: { error: { type: 'string', examples: ['BAD_REQUEST'] }, message: { type: 'string' } },
} as const;

const errors = (codes: number[]) => Object.fromEntries(codes.map((c) => [c, { ...errorBody }]));

const flag = { type: 'string', enum: ['0', '1', 'false', 'true'] } as const;

const dnsJsonRecord = {
  type: 'object',
  required: ['name', 'type', 'TTL', 'data'],
  properties: { name: { type: 'string' }, type: { type: 'integer' }, TTL: { type: 'integer' }, data: { type: 'string', description: 'RDATA in presentation format' } },
} as const;

const dnssecInfo = {
  type: ['object', 'null'],
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
} as const;

const verdictRecord = {
  type: 'object',
  required: ['record', 'usable', 'matched', 'depth', 'reason'],
  properties: {
    record: { type: 'string', description: '"usage selector mtype hex"' },
    usable: { type: 'boolean' },
    matched: { type: 'boolean' },
    depth: { type: ['integer', 'null'] },
    reason: { type: 'string' },
  },
} as const;

const daneVerdictProperties = {
  verdict: { type: 'string', enum: ['dane-valid', 'dane-mismatch', 'pkix-failed', 'name-mismatch', 'no-usable-tlsa', 'no-tlsa', 'insecure', 'bogus', 'lookup-failed', 'usable-tlsa'] },
  reason: { type: 'string' },
  ede: { type: ['integer', 'null'], description: 'Extended DNS Error code (RFC 8914) when the DNS lookup decided the verdict' },
  matched: {
    type: ['object', 'null'],
    properties: { usage: { type: 'integer' }, selector: { type: 'integer' }, mtype: { type: 'integer' }, depth: { type: 'integer' } },
  },
  dnssec: dnssecInfo,
} as const;

const target = (limits: HttpLimits) => ({
  host: { type: 'string', minLength: 1, maxLength: limits.maxNameChars, description: 'service host; with port, the TLSA owner is _port._proto.host (RFC 6698 §3)' },
  port: { type: 'integer', minimum: 0, maximum: 65535 },
  proto: { type: 'string', pattern: '^[A-Za-z0-9-]{1,62}$', description: 'transport label of the owner, default tcp' },
  'client-id': { type: 'string', minLength: 1, maxLength: limits.maxNameChars, description: 'a DANCE client identity such as ns._device.example.org' },
});

export function resolveSchema(limits: HttpLimits) {
  return {
    summary: 'Resolve and validate one question; JSON as the Google/Cloudflare DoH JSON APIs, plus the verdict',
    tags: ['dns'],
    querystring: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: limits.maxNameChars },
        type: { type: 'string', maxLength: 16, default: 'A', description: 'mnemonic (TLSA), TYPE52, or number' },
        do: { ...flag, description: 'DNSSEC OK: include RRSIGs and denial proofs' },
        cd: { ...flag, description: 'Checking Disabled: return data without validating' },
      },
    },
    response: {
      200: {
        type: 'object',
        required: ['Status', 'TC', 'RD', 'RA', 'AD', 'CD', 'Question', 'Answer', 'Authority', 'status', 'reason', 'ede', 'edeText'],
        properties: {
          Status: { type: 'integer', description: 'DNS rcode' },
          TC: { type: 'boolean' }, RD: { type: 'boolean' }, RA: { type: 'boolean' }, AD: { type: 'boolean' }, CD: { type: 'boolean' },
          Question: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'integer' } } } },
          Answer: { type: 'array', items: dnsJsonRecord },
          Authority: { type: 'array', items: dnsJsonRecord },
          status: { type: ['string', 'null'], enum: ['secure', 'insecure', 'bogus', 'indeterminate', null] },
          reason: { type: 'string' },
          ede: { type: ['integer', 'null'] },
          edeText: { type: ['string', 'null'] },
        },
      },
      ...errors([400, 403, 503]),
    },
  };
}

export function tlsaSchema(limits: HttpLimits) {
  return {
    summary: 'The TLSA RRset of host:port or of a client identity, parsed, with its DNSSEC verdict (as `daneel tlsa --json`)',
    tags: ['dane'],
    querystring: { type: 'object', additionalProperties: false, properties: target(limits) },
    response: {
      200: {
        type: 'object',
        required: ['verdict', 'reason', 'ede', 'matched', 'records', 'dnssec', 'status', 'owner', 'cnameTarget', 'names', 'ttl'],
        properties: {
          ...daneVerdictProperties,
          records: {
            type: 'array',
            items: {
              ...verdictRecord,
              required: [...verdictRecord.required, 'usage', 'selector', 'mtype', 'data'],
              properties: { ...verdictRecord.properties, usage: { type: 'integer' }, selector: { type: 'integer' }, mtype: { type: 'integer' }, data: { type: 'string', description: 'hex' } },
            },
          },
          status: { type: 'string', description: 'DNSSEC status of the TLSA lookup' },
          owner: { type: 'string' },
          cnameTarget: { type: ['string', 'null'] },
          names: { type: 'array', items: { type: 'string' }, description: 'reference identifiers for the certificate (RFC 7671 §7)' },
          ttl: { type: ['integer', 'null'], description: 'seconds the answer may still be used (RFC 2308 §5 for a denial)' },
        },
      },
      ...errors([400, 403, 503]),
    },
  };
}

export function verifySchema(limits: HttpLimits) {
  return {
    summary: 'Look the TLSA RRset up and verify a certificate chain against it (as `daneel verify --json`)',
    tags: ['dane'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['chain'],
      properties: { chain: { type: 'string', maxLength: limits.maxBodyBytes, description: 'PEM certificates, leaf first, as the peer sends them' }, ...target(limits) },
    },
    response: {
      200: {
        type: 'object',
        required: ['verdict', 'reason', 'ede', 'matched', 'records', 'dnssec'],
        properties: { ...daneVerdictProperties, records: { type: 'array', items: verdictRecord } },
      },
      ...errors([400, 403, 413, 415, 503]),
    },
  };
}

export function dohGetSchema(limits: HttpLimits) {
  return {
    summary: 'DNS over HTTPS (RFC 8484 §4.1), GET: `dns` is the query, base64url without padding',
    tags: ['dns'],
    querystring: {
      type: 'object',
      additionalProperties: false,
      required: ['dns'],
      properties: { dns: { type: 'string', minLength: 16, maxLength: limits.maxDnsParamChars, pattern: '^[A-Za-z0-9_-]+$' } },
    },
    response: { 200: { description: 'application/dns-message', type: 'string', format: 'binary' }, ...errors([400, 403, 503]) },
  };
}

export const dohPostSchema = {
  summary: 'DNS over HTTPS (RFC 8484 §4.1), POST: the body is the query, Content-Type application/dns-message',
  tags: ['dns'],
  response: { 200: { description: 'application/dns-message', type: 'string', format: 'binary' }, ...errors([400, 403, 413, 415, 503]) },
};

export const healthSchema = {
  summary: 'Liveness',
  tags: ['operations'],
  response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } },
};

export const metricsSchema = {
  summary: 'Metrics in the Prometheus text format',
  tags: ['operations'],
  response: { 200: { description: 'text/plain; version=0.0.4', type: 'string' } },
};

export const openapiSchema = {
  summary: 'This document',
  tags: ['operations'],
};
