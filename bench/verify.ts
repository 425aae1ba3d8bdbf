/**
 * Signature verifications per second, per DNSSEC algorithm, through daneel's verifyRrset, beside a bare
 * node:crypto `verify` loop over the same key, signed data and signature in the same run (the limit).
 * The target: daneel's cost per verification at most 1.2 × the bare loop's.
 *
 *   npx tsx bench/verify.ts               (about 40 s: 8 algorithms × 2 loops × 2 s, plus key generation)
 *   BENCH_MS=500 npx tsx bench/verify.ts  (shorter run: BENCH_MS is the time per loop per algorithm)
 *
 * Both loops alternate in several rounds so that CPU frequency or a noisy neighbour affects them alike.
 * The RRset is a 2-record A set; RSA keys are 2048-bit (a common ZSK size today).
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { T, type RR } from '../resolver/wire/types.js';
import { verifyRrset, type VerifyInput } from '../resolver/dnssec/verify.js';
import { decodeRrsig } from '../resolver/wire/dnssec-rdata.js';
import { signedData } from '../resolver/dnssec/signed-data.js';
import { WorkBudget } from '../resolver/dnssec/budget.js';
import { generateKey, rdata, rr, signRrset } from '../test/dnssec/primitives/support.js';

const ALGORITHMS: Array<[number, string]> = [
  [5, 'RSASHA1 2048'], [7, 'RSASHA1-NSEC3 2048'], [8, 'RSASHA256 2048'], [10, 'RSASHA512 2048'],
  [13, 'ECDSA P-256'], [14, 'ECDSA P-384'], [15, 'Ed25519'], [16, 'Ed448'],
];
const ROUNDS = 40;
const ROUND_MS = Number(process.env.BENCH_MS ?? 2000) / ROUNDS;
const NOW = Date.UTC(2026, 10, 26) / 1000;
const UNLIMITED = { maxSignatureChecks: Number.MAX_SAFE_INTEGER, maxNsec3Hashes: 0 };

interface Case {
  input: VerifyInput;
  bare: () => boolean;
}

function makeCase(alg: number): Case {
  const key = generateKey('example.org', alg, 256, 2048);
  const rrset: RR[] = [rr('www.example.org', T.A, rdata.a('192.0.2.1')), rr('www.example.org', T.A, rdata.a('192.0.2.2'))];
  const sigRr = signRrset(rrset, key, { inception: NOW - 86400, expiration: NOW + 86400 * 30 });
  const sig = decodeRrsig(sigRr.rdata);
  const data = signedData(sigRr.rdata, sig.headerLength, rrset);
  const pub: KeyObject = createPublicKey(key.privateKey);
  const hash = ({ 5: 'sha1', 7: 'sha1', 8: 'sha256', 10: 'sha512', 13: 'sha256', 14: 'sha384' } as Record<number, string>)[alg];
  const signature = sig.signature;
  let bare: () => boolean;
  if (alg === 15 || alg === 16) bare = () => verify(null, data, pub, signature);
  else if (alg === 13 || alg === 14) bare = () => verify(hash!, data, { key: pub, dsaEncoding: 'ieee-p1363' }, signature);
  else bare = () => verify(hash!, data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, signature);
  const input: VerifyInput = { rrset, rrsigs: [sigRr], dnskeys: [key.dnskey], now: NOW };
  return { input, bare };
}

/** CPU time (user + system) of this process in nanoseconds. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * Runs `fn` for about `ms` milliseconds of wall time; returns [iterations, CPU ns spent]. CPU time rather than
 * wall time, because the bench machine is shared: time spent descheduled would otherwise count as work.
 */
function timed(fn: () => boolean, ms: number): [number, number] {
  const deadline = performance.now() + ms;
  const cpuStart = cpuNs();
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 16; i++) if (!fn()) throw new Error('verification failed in benchmark');
    count += 16;
  }
  return [count, cpuNs() - cpuStart];
}

function daneelLoop(c: Case): () => boolean {
  // One budget with no practical limit, so the loop measures verifyRrset, not object set-up in the bench.
  const input: VerifyInput = { ...c.input, budget: new WorkBudget(UNLIMITED) };
  return () => verifyRrset(input).status === 'secure';
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Rates are medians over rounds; the overhead is the median of per-round ratios, each round timing both loops
 * back to back (order alternating), which cancels most drift from the other processes sharing the machine.
 */
function measure(c: Case): { bare: number; daneel: number; ratio: number } {
  const daneel = daneelLoop(c);
  timed(c.bare, 100); // warm-up: JIT, key import, caches
  timed(daneel, 100);
  const bareRates: number[] = [];
  const daneelRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [c.bare, daneel] : [daneel, c.bare];
    const [first, second] = order.map((fn) => timed(fn!, ROUND_MS)).map(([count, ns]) => (count * 1e9) / ns);
    const [b, d] = round % 2 === 0 ? [first!, second!] : [second!, first!];
    bareRates.push(b);
    daneelRates.push(d);
    ratios.push(b / d);
  }
  return { bare: median(bareRates), daneel: median(daneelRates), ratio: median(ratios) };
}

function main(): void {
  const rows: string[][] = [['alg', 'name', 'bare verify/s', 'daneel verify/s', 'bare µs', 'daneel µs', 'overhead ×']];
  for (const [alg, name] of ALGORITHMS) {
    const r = measure(makeCase(alg));
    rows.push([
      String(alg), name, r.bare.toFixed(0), r.daneel.toFixed(0),
      (1e6 / r.bare).toFixed(1), (1e6 / r.daneel).toFixed(1), r.ratio.toFixed(3),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => `| ${row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`node ${process.version}, ${ROUNDS} rounds × ${ROUND_MS} ms per loop, 2-record A RRset, 1 RRSIG, 1 DNSKEY`);
  console.log('rates per CPU second; overhead × = median over rounds of (bare rate / daneel rate); target <= 1.2');
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w, i) => (i < 2 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

main();
