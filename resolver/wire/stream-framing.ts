/**
 * DNS over a byte stream (RFC 1035 §4.2.2, RFC 7766 §8): every message is preceded by its length in two octets.
 * Shared by the TCP server (server/tcp-listener.ts) and the TCP upstream transport (resolver/transport/tcp.ts).
 *
 * The reader is linear in the bytes received however they are cut: chunks are queued as they arrive and each
 * octet is copied once, into the message it belongs to. (Concatenating the whole buffer on every read was
 * quadratic: 16 384 one-octet chunks cost 1.7 s of CPU.) Pure: no socket, no timer; the caller times a frame
 * with `hasPartialFrame`.
 */

/** Largest message the two-octet length can announce. */
export const MAX_FRAMED_MESSAGE = 65_535;

/** Prefixes a message with its two-octet length (RFC 1035 §4.2.2). */
export function frame(msg: Uint8Array): Uint8Array {
  if (msg.length > MAX_FRAMED_MESSAGE) throw new RangeError(`message of ${msg.length} octets cannot be framed (max ${MAX_FRAMED_MESSAGE})`);
  const out = new Uint8Array(2 + msg.length);
  out[0] = msg.length >> 8;
  out[1] = msg.length & 0xff;
  out.set(msg, 2);
  return out;
}

/** Accumulates stream chunks and yields each length-prefixed message once it is complete. */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still holding unread octets, and the read position inside it. */
  private first = 0;
  private offset = 0;
  private total = 0;

  /** Octets received and not yet returned as a message. */
  get buffered(): number {
    return this.total;
  }

  /** True while some octets of a message (or of its length) have arrived but the message is not complete. */
  get hasPartialFrame(): boolean {
    if (this.total === 0) return false;
    const len = this.announcedLength();
    return len === undefined || this.total < 2 + len;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The announced length of the next message, or undefined before two octets arrived. */
  announcedLength(): number | undefined {
    if (this.total < 2) return undefined;
    return (this.byteAt(0) << 8) | this.byteAt(1);
  }

  /** Removes and returns one whole message, or undefined when it is not complete yet. */
  take(): Uint8Array | undefined {
    const len = this.announcedLength();
    if (len === undefined || this.total < 2 + len) return undefined;
    this.skip(2);
    const msg = new Uint8Array(len);
    let filled = 0;
    while (filled < len) {
      const chunk = this.chunks[this.first]!;
      const n = Math.min(len - filled, chunk.length - this.offset);
      msg.set(chunk.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.advance(n);
    }
    return msg;
  }

  /** The octet `i` positions past the read position (i is 0 or 1: it may sit in the next chunk). */
  private byteAt(i: number): number {
    let c = this.first;
    let pos = this.offset + i;
    while (pos >= this.chunks[c]!.length) {
      pos -= this.chunks[c]!.length;
      c++;
    }
    return this.chunks[c]![pos]!;
  }

  private skip(n: number): void {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, this.chunks[this.first]!.length - this.offset);
      this.advance(step);
      left -= step;
    }
  }

  /** Moves the read position `n` octets within the current chunk, dropping chunks that are used up. */
  private advance(n: number): void {
    this.offset += n;
    this.total -= n;
    if (this.offset === this.chunks[this.first]!.length) {
      this.first++;
      this.offset = 0;
      // Compact now and then so used chunks are released without an O(n) shift per chunk.
      if (this.first === this.chunks.length) {
        this.chunks = [];
        this.first = 0;
      } else if (this.first >= 64 && this.first * 2 >= this.chunks.length) {
        this.chunks = this.chunks.slice(this.first);
        this.first = 0;
      }
    }
  }
}
