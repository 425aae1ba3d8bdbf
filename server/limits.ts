/**
 * Named limits of the DNS socket front end (README "Limits"). They bound memory and sockets under load:
 * beyond them UDP queries are dropped (the client retries) and TCP connections are closed at once.
 */
export interface ServerLimits {
  /** Client requests being resolved at the same time, all listeners together (Unbound num-queries-per-thread 1024). */
  maxConcurrentRequests: number;
  /** Open TCP client connections, all listeners together (Unbound incoming-num-tcp 10 per thread; BIND tcp-clients 150). */
  maxTcpConnections: number;
  /** RFC 7766 §6.2.3: close a TCP connection idle this long (BIND tcp-idle-timeout 30 s; we are a bit stricter). */
  tcpIdleTimeoutMs: number;
  /** Queries in flight on one TCP connection (RFC 7766 §6.2.1.1 pipelining), so one client cannot take them all. */
  maxPipelinedPerConnection: number;
  /** Milliseconds close() waits for in-flight requests before closing the sockets. */
  closeGraceMs: number;
  /**
   * Requests of one client (address cut to clientPrefixV4/V6) being resolved at once, over UDP and TCP together:
   * a tenth of maxConcurrentRequests, so one client flooding a zone that never answers (each query holding a slot
   * for requestTimeoutMs) leaves the other nine tenths to everyone else. Beyond it UDP queries are dropped and
   * TCP queries wait on the connection.
   */
  maxRequestsPerClient: number;
  /** Open TCP connections of one client (Unbound tcp-connection-limit is per netblock too). */
  maxTcpConnectionsPerClient: number;
  /**
   * Time for one TCP message to arrive in full once its first octet came (Knot tcp-io-timeout is 500 ms; we allow
   * slow links more). A client trickling a frame octet by octet is cut off instead of holding its connection.
   */
  tcpFrameTimeoutMs: number;
  /**
   * Reply octets written to one TCP connection and not yet taken by the client. Reading stops while the socket
   * needs a drain; a client that still does not read and passes this is disconnected, so memory stays bounded.
   */
  maxTcpUnsentReplyBytes: number;
  /** Prefix lengths that make one client (server/client-key.ts). */
  clientPrefixV4: number;
  clientPrefixV6: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxConcurrentRequests: 1000,
  maxTcpConnections: 150,
  tcpIdleTimeoutMs: 10_000,
  maxPipelinedPerConnection: 16,
  closeGraceMs: 2_000,
  maxRequestsPerClient: 100,
  maxTcpConnectionsPerClient: 16,
  tcpFrameTimeoutMs: 2_000,
  maxTcpUnsentReplyBytes: 256 * 1024,
  clientPrefixV4: 32,
  clientPrefixV6: 64,
};

/** Our EDNS UDP payload size (DNS Flag Day 2020), advertised and used as the cap for UDP replies. */
export const SERVER_UDP_SIZE = 1232;
/** RFC 1035 §4.2.1: without EDNS a UDP reply is at most 512 octets; RFC 6891 §6.2.5: smaller sizes count as 512. */
export const CLASSIC_UDP_SIZE = 512;
