/** The UDP front end: one socket per listen address, each datagram answered through answerWire. */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Resolver } from '../resolver/api.js';
import { answerWire, turnAway } from './wire.js';
import type { ClientPolicy } from './admission.js';
import type { Message } from '../resolver/wire/types.js';
import type { QueryContext } from './handler.js';
import type { RequestGate } from './gate.js';
import { clientKey } from './client-key.js';
import type { ServerLimits } from './limits.js';
import type { Logger } from './logger.js';
import { ServerError, formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './listen-address.js';

/** Shared by every listener of a server; `resolver` and `policy` are replaced in place on reload. */
export interface ListenerDeps {
  resolver: Resolver;
  policy: ClientPolicy;
  gate: RequestGate;
  logger: Logger;
  signal: AbortSignal;
  /** Per-query logging (query log, validation failures), given the client's address. */
  onResult?: (client: string, protocol: 'udp' | 'tcp') => QueryContext['onResult'];
  /** Observer of every answered query (metrics), passed to the request handler. */
  onAnswered?: (protocol: 'udp' | 'tcp', query: Message, response: Message) => void;
}

export class UdpListener {
  private socket: dgram.Socket | undefined;

  constructor(private readonly where: ListenAddress, private readonly deps: ListenerDeps, private readonly limits: ServerLimits) {}

  /** Binds the socket; resolves with the bound address (port 0 picks a free one, for tests). */
  async start(): Promise<ListenAddress> {
    // ipv6Only so that [::]:53 and 0.0.0.0:53 can both be listened on.
    const socket = isIPv6(this.where.address) ? dgram.createSocket({ type: 'udp6', ipv6Only: true }) : dgram.createSocket('udp4');
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => reject(new ServerError('LISTEN_FAILED', `UDP ${formatListenAddress(this.where)}: ${err.message}`)));
      socket.bind(this.where.port, this.where.address, () => resolve());
    });
    socket.on('error', (err) => this.deps.logger.warn({ err: err.message, listen: formatListenAddress(this.where) }, 'UDP socket error'));
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    const a = socket.address();
    return { address: a.address, port: a.port };
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const { gate, logger } = this.deps;
    if (this.deps.signal.aborted) return;
    const admission = this.deps.policy.admit(rinfo.address, 'udp');
    if (admission !== 'answer') {
      logger.debug({ client: rinfo.address, admission }, 'UDP query turned away');
      if (admission !== 'drop') void this.send(turnAway(msg, admission, 'udp'), rinfo);
      return;
    }
    const client = clientKey(rinfo.address, this.limits);
    const entered = gate.enter(client);
    if (entered !== 'ok') {
      // Dropped, not refused: the client retries later, and a spoofed source gets no reply to amplify.
      logger.debug({ client: rinfo.address, why: entered }, 'request limit reached: UDP query dropped');
      return;
    }
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const onResult = this.deps.onResult?.(rinfo.address, 'udp');
    answerWire(bytes, this.deps.resolver, {
      protocol: 'udp',
      signal: this.deps.signal,
      ...(onResult ? { onResult } : {}),
      onAnswered: (q, r) => this.deps.onAnswered?.('udp', q, r),
      onError: (err, q) => logger.error({ err: (err as Error)?.message, qname: q.name.toString(), qtype: q.type }, 'resolver failed'),
    })
      .then((reply) => this.send(reply, rinfo))
      .catch((err: unknown) => logger.error({ err: (err as Error)?.message }, 'UDP request failed'))
      .finally(() => gate.leave(client));
  }

  /** Sends and waits for the send to complete, so close() right after cannot cancel a queued reply. */
  private send(reply: Uint8Array | undefined, rinfo: dgram.RemoteInfo): Promise<void> {
    const socket = this.socket;
    if (!reply || !socket || this.deps.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => socket.send(reply, rinfo.port, rinfo.address, () => resolve()));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
