/** Text encodings used in presentation format and NSEC3 owner names. */
import { WireError } from './errors.js';

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new WireError('BAD_HEX', `not an even-length hex string: ${JSON.stringify(text.slice(0, 40))}`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new WireError('BAD_BASE64', `not base64: ${JSON.stringify(text.slice(0, 40))}`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** Base32 with the extended hex alphabet, no padding (RFC 4648 §7, as used by NSEC3, RFC 5155 §3.3). */
export function toBase32Hex(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32HEX[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32HEX[(acc << (5 - bits)) & 31];
  return out;
}

/** Decodes base32hex, case-insensitive, no padding; undefined when the text is not valid base32hex. */
export function fromBase32Hex(text: string | Uint8Array): Uint8Array | undefined {
  const s = typeof text === 'string' ? text : String.fromCharCode(...text);
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s.toUpperCase()) {
    const v = B32HEX.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
      acc &= (1 << bits) - 1;
    }
  }
  // RFC 4648 §6: leftover bits must be zero padding, fewer than a byte.
  if (acc !== 0) return undefined;
  return Uint8Array.from(out);
}
