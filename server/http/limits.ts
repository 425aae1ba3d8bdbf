/**
 * Named limits of the HTTP API and DoH front end (README "Limits"). They bound what one client can make the
 * daemon hold (bytes, sockets, time), so a malformed or oversized request fails alone without slowing others.
 */
export interface HttpLimits {
  /** Request body bytes for POST /dane/verify (a PEM chain of a few certificates) and POST /dns-query. Beyond: 413. */
  maxBodyBytes: number;
  /** Request line plus headers, in bytes (Node's default is 16 KiB). Beyond: 431 and the connection closes. */
  maxHeaderBytes: number;
  /** Presentation-form length of a `name`, `host` or `client-id` parameter (a wire name is at most 255 octets, RFC 1035 §3.1, but `\DDD` escapes take four characters each). Beyond: 400. */
  maxNameChars: number;
  /** Length of the DoH GET `dns` parameter: base64url of a 4096-octet DNS message (RFC 8484 §4.1 lets servers limit it). Beyond: 400. */
  maxDnsParamChars: number;
  /** Requests being resolved at once over HTTP, all listeners together. Beyond: 503 with Retry-After. */
  maxConcurrentRequests: number;
  /** Open client connections per listener (HTTP/1.1 sockets or HTTP/2 sessions). Beyond: closed at once. */
  maxConnections: number;
  /** Milliseconds to receive a whole request, headers and body (slow clients, slowloris). Beyond: 408. */
  requestTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection (or HTTP/2 session) is kept. Beyond: closed. */
  idleTimeoutMs: number;
  /** Milliseconds close() waits for requests in flight before closing connections. */
  closeGraceMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 65_536,
  maxHeaderBytes: 16_384,
  maxNameChars: 1_024,
  maxDnsParamChars: 5_462,
  maxConcurrentRequests: 1_000,
  maxConnections: 500,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  closeGraceMs: 2_000,
};

/** RFC 8484 §6: a DoH POST body or GET `dns` message is one DNS message, at most 65535 octets. */
export const MAX_DNS_MESSAGE = 65_535;
