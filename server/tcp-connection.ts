/**
 * One client TCP connection (RFC 7766): framed queries in, framed replies out, several in flight (answered in any
 * order, RFC 7766 §6.2.1.1), with every resource bounded by a named limit (server/limits.ts):
 * - queries are taken from the stream one at a time, and only while the connection has fewer than
 *   maxPipelinedPerConnection in flight and its client fewer than maxRequestsPerClient, so one 64 KB write of
 *   3 000 queries cannot take every request slot; the rest wait in the socket (reading is paused);
 * - reading also pauses while replies wait for the client to read them; a client that never reads is cut off
 *   past maxTcpUnsentReplyBytes;
 * - a message must arrive in full within tcpFrameTimeoutMs of its first octet, and a connection with nothing in
 *   flight and nothing arriving is closed after tcpIdleTimeoutMs (RFC 7766 §6.2.3). Received octets do not reset
 *   either timer, so a trickle of single octets cannot keep a connection alive.
 */
import type net from 'node:net';
import { FrameReader, frame } from '../resolver/wire/stream-framing.js';
import { answerWire, turnAway } from './wire.js';
import type { ListenerDeps } from './udp-listener.js';
import type { ServerLimits } from './limits.js';

export class TcpConnection {
  private readonly reader = new FrameReader();
  private pending = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private frameTimer: NodeJS.Timeout | undefined;
  private waiting = false;
  /** The gate key this connection waits on while `waiting`: its client, or '*' when the whole server is full. */
  private waitKey = '*';
  private readonly wake = (): void => { this.waiting = false; this.pump(); };

  constructor(
    private readonly conn: net.Socket,
    private readonly client: string,
    private readonly deps: ListenerDeps,
    private readonly limits: ServerLimits,
  ) {
    conn.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      this.pump();
    });
    conn.on('drain', () => this.pump());
    conn.on('close', () => this.cleanUp());
    this.updateTimers();
  }

  /** Starts as many buffered queries as the limits allow, then pauses or resumes reading. */
  private pump(): void {
    if (this.conn.destroyed) return;
    let started = 0;
    while (this.canTakeMore()) {
      if (this.reader.announcedLength() === undefined || this.reader.hasPartialFrame) break;
      const entered = this.deps.gate.enter(this.client);
      if (entered !== 'ok') {
        if (entered !== 'closing') this.waitForSlot(entered === 'client-full' ? this.client : '*');
        break;
      }
      const query = this.reader.take()!;
      started++;
      this.pending++;
      void this.answer(query).finally(() => {
        this.pending--;
        this.deps.gate.leave(this.client);
        this.pump();
      });
    }
    // Stop reading while complete queries wait in the buffer or replies wait for the client.
    const blocked = this.reader.buffered > 0 && !this.reader.hasPartialFrame;
    if (blocked || this.conn.writableNeedDrain) this.conn.pause(); else this.conn.resume();
    this.updateTimers(started > 0);
  }

  private canTakeMore(): boolean {
    return this.pending < this.limits.maxPipelinedPerConnection && !this.conn.writableNeedDrain && !this.waiting;
  }

  private waitForSlot(key: string): void {
    this.waiting = true;
    this.waitKey = key;
    this.deps.gate.waitForSlot(key, this.wake);
  }

  private async answer(query: Uint8Array): Promise<void> {
    const { logger } = this.deps;
    const address = this.conn.remoteAddress ?? '';
    // Access control and rate limit per query (server/admission.ts): refused clients get REFUSED, dropped
    // ones lose the connection.
    const admission = this.deps.policy.admit(address, 'tcp');
    if (admission !== 'answer') {
      logger.debug({ client: address, admission }, 'TCP query turned away');
      const reply = admission === 'drop' ? undefined : turnAway(query, admission, 'tcp');
      if (reply) this.send(reply); else this.conn.destroy();
      return;
    }
    try {
      const onResult = this.deps.onResult?.(address, 'tcp');
      const reply = await answerWire(query, this.deps.resolver, {
        protocol: 'tcp',
        signal: this.deps.signal,
        ...(onResult ? { onResult } : {}),
        onAnswered: (q, r) => this.deps.onAnswered?.('tcp', q, r),
        onError: (err, q) => logger.error({ err: (err as Error)?.message, qname: q.name.toString(), qtype: q.type }, 'resolver failed'),
      });
      if (reply) this.send(reply);
    } catch (err) {
      logger.error({ err: (err as Error)?.message }, 'TCP request failed');
    }
  }

  private send(reply: Uint8Array): void {
    const conn = this.conn;
    if (conn.destroyed || !conn.writable) return;
    conn.write(frame(reply));
    if (conn.writableLength > this.limits.maxTcpUnsentReplyBytes) {
      this.deps.logger.debug({ client: conn.remoteAddress, unsent: conn.writableLength }, 'TCP client does not read its replies: closed');
      conn.destroy();
    }
  }

  /**
   * Idle timer: runs while nothing is in flight, waiting for a slot or partly received. Frame timer: runs while a message is
   * partly received, restarted for each new message (`frameDone`).
   */
  private updateTimers(frameDone = false): void {
    // Complete queries held back only because the client does not read its replies count as idle: such a
    // client is closed after tcpIdleTimeoutMs instead of holding its connection for ever.
    const idle = this.pending === 0 && !this.waiting && !this.reader.hasPartialFrame;
    if (!idle) this.clearTimer('idle');
    else this.idleTimer ??= setTimeout(() => this.conn.destroy(), this.limits.tcpIdleTimeoutMs);
    if (!this.reader.hasPartialFrame || frameDone) this.clearTimer('frame');
    if (this.reader.hasPartialFrame) {
      this.frameTimer ??= setTimeout(() => {
        this.deps.logger.debug({ client: this.conn.remoteAddress }, 'TCP message not received within tcpFrameTimeoutMs: closed');
        this.conn.destroy();
      }, this.limits.tcpFrameTimeoutMs);
    }
  }

  private clearTimer(which: 'idle' | 'frame'): void {
    if (which === 'idle') { clearTimeout(this.idleTimer); this.idleTimer = undefined; } else { clearTimeout(this.frameTimer); this.frameTimer = undefined; }
  }

  private cleanUp(): void {
    this.clearTimer('idle');
    this.clearTimer('frame');
    if (this.waiting) this.deps.gate.cancelWait(this.waitKey, this.wake);
  }
}
