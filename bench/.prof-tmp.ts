import { constants, createPublicKey, verify } from 'node:crypto';
import { T } from '../resolver/wire/types.js';
import { decodeRrsig } from '../resolver/dnssec/records.js';
import { signedData } from '../resolver/dnssec/signed-data.js';
import { verifyRrset } from '../resolver/dnssec/verify.js';
import { verifyWithDnskey } from '../resolver/dnssec/algorithms.js';
import { WorkBudget } from '../resolver/dnssec/budget.js';
import { generateKey, rdata, rr, signRrset } from '../test/dnssec/primitives/support.js';
const NOW = Date.UTC(2026, 10, 26) / 1000;
const key = generateKey('example.org', 8, 256, 2048);
const rrset = [rr('www.example.org', T.A, rdata.a('192.0.2.1')), rr('www.example.org', T.A, rdata.a('192.0.2.2'))];
const sigRr = signRrset(rrset, key, { inception: NOW - 86400, expiration: NOW + 86400 * 30 });
const sig = decodeRrsig(sigRr.rdata);
const data = signedData(sigRr.rdata, sig.headerLength, rrset);
const pub = createPublicKey(key.privateKey);
const big = new Uint8Array(2048); big.set(data); const view = big.subarray(0, data.length);
const fns: Record<string, () => unknown> = {
  viewBare: () => verify('sha256', view, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig.signature),
  bare: () => verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig.signature),
  withDnskey: () => verifyWithDnskey(key.dnskey.rdata, data, sig.signature),
  rrset: () => verifyRrset({ rrset, rrsigs: [sigRr], dnskeys: [key.dnskey], now: NOW, budget: new WorkBudget() }),
};
const tot: Record<string, number> = { viewBare: 0, bare: 0, withDnskey: 0, rrset: 0 };
for (let round = 0; round < 6; round++) {
  for (const [name, fn] of Object.entries(fns)) {
    const N = 3000; const s = process.cpuUsage();
    for (let i = 0; i < N; i++) fn();
    const u = process.cpuUsage(s);
    tot[name]! += (u.user + u.system) / N;
  }
}
for (const k of Object.keys(tot)) console.log(k, (tot[k]! / 6).toFixed(2), 'us');
