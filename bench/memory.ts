/**
 * `npm run bench:memory`: what the cache costs. Fills a CacheStore with N distinct TLSA answers, each a TLSA
 * RRset (3 1 1, SHA-256) with its RRSIG (ECDSA P-256, 64-byte signature), as the iterative resolver returns
 * them, and prints:
 * - the bytes charged against --cache-max-bytes per cached name (what the budget counts),
 * - the V8 heap actually used per cached name (measured with gc between fills),
 * - the process's resident memory with N names cached.
 * Charged should be at least the measured heap so the budget is an upper bound on what the cache really holds.
 * Usage: npm run bench:memory [-- N]   (default 100000)
 */
import { CacheStore } from '../cache/store.js';
import { newStats } from '../cache/stats.js';
import { DEFAULT_CACHE_OPTIONS } from '../cache/options.js';
import { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE, T, type RR } from '../resolver/wire/types.js';
import { secure } from '../resolver/dnssec/verdict.js';
import type { ResolveResult } from '../resolver/api.js';

const N = Number(process.argv[2] ?? 100_000);
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run bench:memory does)');
  process.exit(2);
}

function u32(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function tlsaResult(i: number): ResolveResult {
  const zone = Name.parse(`zone${i % 1000}.example.`);
  // Name.decode gives every record of a message its own Name object: so does this bench.
  const ownerText = `_443._tcp.host${i}.zone${i % 1000}.example.`;
  const owner = Name.parse(ownerText);
  const digest = Array.from({ length: 32 }, (_, k) => (i * 31 + k) & 255);
  const tlsa: RR = { name: owner, type: T.TLSA, class: CLASS_IN, ttl: 3600, rdata: Uint8Array.from([3, 1, 1, ...digest]) };
  const sigRdata = [0, T.TLSA, 13, 5, ...u32(3600), ...u32(NOW / 1000 + 30 * 86400), ...u32(NOW / 1000 - 86400), 0x12, 0x34, ...zone.wire, ...new Array(64).fill(0).map((_, k) => (i + k) & 255)];
  const sig: RR = { name: Name.parse(ownerText), type: T.RRSIG, class: CLASS_IN, ttl: 3600, rdata: Uint8Array.from(sigRdata) };
  return { qname: owner, qtype: T.TLSA, rcode: RCODE.NOERROR, answer: [tlsa, sig], authority: [], verdict: secure('bench') };
}

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS, maxBytes: 8 * 1024 ** 3 }, newStats());
const before = heap();
for (let i = 0; i < N; i++) store.putResult(tlsaResult(i), NOW);
const after = heap();
const rssMiB = process.memoryUsage().rss / 1024 ** 2;
const one = tlsaResult(0);
const wireBytes = one.answer.reduce((s, rr) => s + rr.name.wireLength + 10 + rr.rdata.length, 0);

console.log(`cached TLSA names            ${N}`);
console.log(`wire size of one TLSA+RRSIG  ${wireBytes} bytes`);
console.log(`charged per name (budget)    ${(store.bytes / N).toFixed(0)} bytes`);
console.log(`heap used per name (V8)      ${((after - before) / N).toFixed(0)} bytes`);
console.log(`resident memory (RSS)        ${rssMiB.toFixed(1)} MiB with ${N} names cached`);
console.log(`names in the default 64 MiB  ${Math.floor(DEFAULT_CACHE_OPTIONS.maxBytes / (store.bytes / N))}`);
if (store.lru.size !== 2 * N) throw new Error(`expected ${2 * N} entries, found ${store.lru.size}`);
