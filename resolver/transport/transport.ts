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

/**
 * How to reach an upstream: 'do53' is classic DNS (UDP, then TCP when the reply is truncated, RFC 7766 §5;
 * see truncation.ts); 'tcp' is TCP only. DoT and DoH join here later (with `authName` for their TLS name).
 */
export type UpstreamProtocol = 'do53' | 'tcp';

/** An upstream as the resolver describes it to the Transport: where, on which port, and how. */
export interface Upstream extends ServerAddress {
  /** Default 'do53'. */
  protocol?: UpstreamProtocol;
  /** The name the server must prove in TLS (DoT/DoH, later); unused by do53/tcp. */
  authName?: string;
}

/** The standard DNS port (RFC 1035 §4.2): the default of every upstream whose hint or delegation names none. */
export const DNS_PORT = 53;

export interface QueryOptions {
  timeoutMs: number;
  /** Send this one query over TCP (RFC 7766) whatever the upstream's protocol; false or absent: UDP. */
  tcp?: boolean;
  signal?: AbortSignal;
}

export interface Transport {
  /** Sends one wire-format query and resolves with the matching wire-format reply; rejects with a TransportError. */
  query(server: Upstream, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array>;
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
