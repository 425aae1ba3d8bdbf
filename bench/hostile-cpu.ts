/**
 * CPU cost of single hostile inputs, measured with process.cpuUsage (user + system), each beside its benign
 * counterpart in the same run: a big-exponent RSA key, a decompression bomb, a TCP stream in one-byte chunks.
 * Run: npx tsx bench/hostile-cpu.ts
 */
import { verifyWithDnskey } from '../resolver/dnssec/algorithms.js';
import { decodeMessage } from '../resolver/wire/message.js';
import { MAX_COMPRESSION_POINTERS } from '../resolver/wire/name.js';
import { FrameReader } from '../resolver/wire/stream-framing.js';
import { bigExponent, decompressionBomb, dnskeyRdata, F4, rsaModulus, rsaPublicKeyField } from '../test/support/hostile-inputs.js';

function cpuMs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

const CHECKS = 256;
const modulus = rsaModulus(3072);
const data = new Uint8Array(200).fill(7);
const sig = new Uint8Array(384).fill(0x33);
const hugeKey = dnskeyRdata(8, rsaPublicKeyField(bigExponent(383), modulus));
const f4Key = dnskeyRdata(8, rsaPublicKeyField(F4, modulus));
verifyWithDnskey(f4Key, data, sig);
verifyWithDnskey(hugeKey, data, sig);
const hugeMs = cpuMs(() => { for (let i = 0; i < CHECKS; i++) verifyWithDnskey(hugeKey, data, sig); });
const f4Ms = cpuMs(() => { for (let i = 0; i < CHECKS; i++) verifyWithDnskey(f4Key, data, sig); });
console.log(`RSA-3072 ${CHECKS} verifications: exponent 3064 bits ${hugeMs.toFixed(1)} ms CPU, exponent 65537 ${f4Ms.toFixed(1)} ms CPU`);

const bomb = decompressionBomb();
let outcome = 'decoded';
const bombMs = cpuMs(() => {
  try { decodeMessage(bomb); } catch (e) { outcome = (e as { code?: string }).code ?? String(e); }
});
console.log(`decompression bomb (${bomb.length} octets): ${bombMs.toFixed(1)} ms CPU, ${outcome}`);
// The worst a sender can still do: every name at the limit of MAX_COMPRESSION_POINTERS.
const allowed = decompressionBomb(MAX_COMPRESSION_POINTERS - 1); // + the owner name's own pointer
const allowedMs = cpuMs(() => { decodeMessage(allowed); });
console.log(`bomb at the pointer limit (${MAX_COMPRESSION_POINTERS} jumps per name, ${allowed.length} octets): ${allowedMs.toFixed(1)} ms CPU, decoded`);

const SIZE = 16_384;
const msg = new Uint8Array(2 + SIZE);
msg[0] = SIZE >> 8;
msg[1] = SIZE & 0xff;
const framed = Buffer.from(msg);
const oneByteMs = cpuMs(() => {
  const r = new FrameReader();
  let got = 0;
  for (let i = 0; i < framed.length; i++) {
    r.push(framed.subarray(i, i + 1));
    if (r.take()) got++;
  }
  if (got !== 1) throw new Error('frame not reassembled');
});
const wholeMs = cpuMs(() => { const r = new FrameReader(); r.push(framed); if (!r.take()) throw new Error('no frame'); });
console.log(`TCP framing of ${SIZE} octets: one-byte chunks ${oneByteMs.toFixed(1)} ms CPU, one chunk ${wholeMs.toFixed(2)} ms CPU`);
