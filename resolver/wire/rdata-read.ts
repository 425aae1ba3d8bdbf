/** Bounds-checked readers shared by every RDATA decoder (wire/rdata.ts and wire/dnssec-rdata.ts). */
import { Name } from './name.js';
import { WireError } from './errors.js';

export function rdataView(rdata: Uint8Array): DataView {
  return new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength);
}

export function rdataAtLeast(rdata: Uint8Array, n: number, what: string): void {
  if (rdata.length < n) throw new WireError('RDATA_TRUNCATED', `${what} RDATA of ${rdata.length} octets is shorter than ${n}`);
}

/**
 * An uncompressed name inside RDATA that must not run past it. Stored RDATA is always decompressed, and the
 * DNSSEC types never compress (RFC 4034 §3.1.7, §4.1.1), so a pointer here is malformed.
 */
export function readRdataName(rdata: Uint8Array, offset: number, what: string): { name: Name; next: number } {
  let pos = offset;
  for (;;) {
    if (pos >= rdata.length) throw new WireError('RDATA_TRUNCATED', `${what} runs past the end of the RDATA`);
    const len = rdata[pos]!;
    if (len === 0) break;
    if (len > 63) throw new WireError('RDATA_MALFORMED', `${what} has label octet 0x${len.toString(16)} (compressed or bad type)`);
    pos += len + 1;
  }
  return Name.decode(rdata, offset);
}
