/**
 * One interface behind every upstream: UDP and TCP now, DoT and DoH later. The resolver core only sees this.
 * Implementations check that the reply's ID and question match the query and ignore anything else
 * (RFC 5452 §9.1), so a spoofed datagram can only make the query time out, never answer it.
 */
export interface ServerAddress {
  /** IPv4 or IPv6 literal. */
  address: string;
  port: number;
}

export interface QueryOptions {
  timeoutMs: number;
  /** Use TCP (RFC 7766), e.g. after a truncated UDP reply. */
  tcp: boolean;
  signal?: AbortSignal;
}

export interface Transport {
  /** Sends one wire-format query and resolves with the matching wire-format reply; rejects with a TransportError. */
  query(server: ServerAddress, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Operational upstream failure; `code` is stable (TIMEOUT, REFUSED, NETWORK, ABORTED, TOO_LARGE, MALFORMED;
 * AUTH: an encrypted upstream failed authentication; HTTP: a DoH server answered with an HTTP error).
 */
export class TransportError extends Error {
  constructor(readonly code: 'TIMEOUT' | 'REFUSED' | 'NETWORK' | 'ABORTED' | 'TOO_LARGE' | 'MALFORMED' | 'AUTH' | 'HTTP', message: string) {
    super(message);
    this.name = 'TransportError';
  }
}
