import { T } from '../resolver/wire/types.js';
import { verifyRrset } from '../resolver/dnssec/verify.js';
import { WorkBudget } from '../resolver/dnssec/budget.js';
import { generateKey, rdata, rr, signRrset } from '../test/dnssec/primitives/support.js';
const NOW = Date.UTC(2026, 10, 26) / 1000;
const key = generateKey('example.org', Number(process.env.ALG ?? 8), 256, 2048);
const rrset = [rr('www.example.org', T.A, rdata.a('192.0.2.1')), rr('www.example.org', T.A, rdata.a('192.0.2.2'))];
const sigRr = signRrset(rrset, key, { inception: NOW - 86400, expiration: NOW + 86400 * 30 });
for (let i = 0; i < 60000; i++) verifyRrset({ rrset, rrsigs: [sigRr], dnskeys: [key.dnskey], now: NOW, budget: new WorkBudget() });
