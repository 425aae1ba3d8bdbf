/** The OpenAPI document's header; the paths come from the route schemas (@fastify/swagger). */
export const OPENAPI_DEFINITION = {
  openapi: '3.1.0',
  info: {
    title: 'daneel HTTP API',
    version: '0.1.0',
    description:
      'A validating recursive resolver for DANE: DNS over HTTPS (RFC 8484), a JSON resolve API in the format of the ' +
      'Google/Cloudflare DoH JSON APIs, TLSA lookups and DANE verification, health and Prometheus metrics. ' +
      'Errors are JSON `{ error, message }`; unknown parameters are errors.',
  },
  tags: [
    { name: 'dns', description: 'DNS answers with DNSSEC verdicts' },
    { name: 'dane', description: 'TLSA lookups and certificate verification (RFC 6698, RFC 7671)' },
    { name: 'operations', description: 'health, metrics, this document' },
  ],
} as const;
