/**
 * `daneel tlsa` and `daneel verify` against the signed test hierarchy (run inside its namespace): the records
 * printed, the verdicts, and the exit codes of the public contract: verify 0 dane-valid, 1 other verdict,
 * 2 lookup failure, 64 usage; tlsa 0 usable-tlsa, 1 other verdict, 2 lookup failure, 64 usage.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { nodeInNetns } from '../hierarchy/netns-run.js';

const hierarchy = inject('hierarchy');
const fx = inject('daneMtls');
const DNS = ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];
// The installed entry point (bin/daneel.js runs the compiled CLI in dist/, built by the global set-up).
const CLI = process.env.DANEEL_CLI ?? 'bin/daneel.js';

async function daneel(...args: string[]): Promise<{ code: number | null; out: string; json: Record<string, unknown> | null; raw: string }> {
  const ran = await nodeInNetns(hierarchy.netns, [CLI, ...args]);
  let json: Record<string, unknown> | null = null;
  if (args.includes('--json') && ran.stdout.trim().startsWith('{')) json = JSON.parse(ran.stdout) as Record<string, unknown>;
  return { code: ran.code, out: ran.stdout, json, raw: `daneel ${args.join(' ')} -> exit ${ran.code}\n${ran.stdout}\n${ran.stderr}` };
}

const JSON_KEYS = ['dnssec', 'ede', 'matched', 'reason', 'records', 'verdict'];

describe('daneel tlsa on the test hierarchy', () => {
  it('prints a secure server RRset and its usability: usable-tlsa, exit 0', async () => {
    const r = await daneel('tlsa', fx.js.hosts.good, '443', '--json', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(Object.keys(r.json!).sort()).toEqual(JSON_KEYS);
    expect(r.json).toMatchObject({ verdict: 'usable-tlsa', ede: null, matched: null, dnssec: { status: 'secure' } });
    expect(r.json!.records).toEqual([expect.objectContaining({ record: expect.stringMatching(/^2 0 1 [0-9a-f]{64}$/), usable: true })]);
  });

  it('text output names the owner and the verdict', async () => {
    const r = await daneel('tlsa', fx.js.hosts.good, '443', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(r.out).toMatch(/^_443\._tcp\.js\.mtls\.example\.\tTLSA\t2 0 1 [0-9a-f]{64}\t; usable$/m);
    expect(r.out).toMatch(/;; DNSSEC: secure/);
    expect(r.out).toMatch(/;; VERDICT: usable-tlsa/);
  });

  it('looks up a client identity with --client-id', async () => {
    const r = await daneel('tlsa', '--client-id', fx.ns.ids.good, '--json', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(r.json).toMatchObject({ verdict: 'usable-tlsa', dnssec: { status: 'secure' } });
    expect(r.json!.records).toEqual([expect.objectContaining({ record: expect.stringMatching(/^3 1 1 /) })]);
  });

  it('follows a secure CNAME to the TLSA base domain (RFC 7671 §7)', async () => {
    const r = await daneel('tlsa', fx.js.alias, '443', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(r.out).toMatch(/service _443\._tcp\.js\.mtls\.example\./);
    expect(r.out).toMatch(/names js\.mtls\.example, alias\.mtls\.example/);
  });

  const others: [string, string[], string, number, number | null][] = [
    ['a bogus zone', [fx.js.hosts.bogus, '443'], 'bogus', 1, 7],
    ['an insecure zone', [fx.js.hosts.insecure, '443'], 'insecure', 1, null],
    ['a name without TLSA (securely denied)', ['nx.mtls.example', '443'], 'no-tlsa', 1, null],
    ['a client identity in a bogus zone', ['--client-id', fx.ns.ids.bogus], 'bogus', 1, 7],
  ];
  it.each(others)('%s: %s', async (_what, target, verdict, code, ede) => {
    const r = await daneel('tlsa', ...target, '--json', ...DNS);
    expect(r.code, r.raw).toBe(code);
    expect(r.json, r.raw).toMatchObject({ verdict });
    if (ede !== null) expect(r.json!.ede, r.raw).toBe(ede);
    if (verdict === 'bogus') expect(r.json!.records, 'bogus data is withheld').toEqual([]);
  });

  it('an unreachable hierarchy is a lookup failure: exit 2', async () => {
    const hints = join(fx.dir, 'closed.hints');
    writeFileSync(hints, `.\t3600000\tNS\ta.root-servers.lab.\na.root-servers.lab.\t3600000\tA\t${hierarchy.servers.closed}\n`);
    const r = await daneel('tlsa', fx.js.hosts.good, '443', '--json', '--root-hints', hints, '--trust-anchor', hierarchy.trustAnchor);
    expect(r.code, r.raw).toBe(2);
    expect(r.json, r.raw).toMatchObject({ verdict: 'lookup-failed' });
  });

  const usage: [string, string[]][] = [
    ['no target', []],
    ['HOST without PORT', [fx.js.hosts.good]],
    ['both HOST PORT and --client-id', [fx.js.hosts.good, '443', '--client-id', fx.ns.ids.good]],
    ['a bad port', [fx.js.hosts.good, '99999']],
    ['an unknown flag', [fx.js.hosts.good, '443', '--frobnicate']],
    ['a missing root hints file', [fx.js.hosts.good, '443', '--root-hints', '/nonexistent/root.hints']],
  ];
  it.each(usage)('usage error (%s): exit 64', async (_what, args) => {
    const r = await daneel('tlsa', ...args, ...(args.includes('--root-hints') ? [] : DNS));
    expect(r.code, r.raw).toBe(64);
  });
});

describe('daneel verify on the test hierarchy', () => {
  it('a server chain matching its DANE-TA record: dane-valid, exit 0', async () => {
    const r = await daneel('verify', fx.js.hosts.good, '443', '--chain', fx.js.chain, '--json', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(Object.keys(r.json!).sort()).toEqual(JSON_KEYS);
    expect(r.json).toMatchObject({ verdict: 'dane-valid', matched: { usage: 2, selector: 0, mtype: 1, depth: 1 }, dnssec: { status: 'secure' } });
  });

  it('a client chain matching its DANE-EE record: dane-valid, exit 0', async () => {
    const r = await daneel('verify', '--client-id', fx.ns.ids.good, '--chain', fx.ns.certs.good, ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(r.out).toMatch(/^dane-valid: 3 1 1 /m);
  });

  it('through a secure CNAME, the certificate may name the target (RFC 7671 §7)', async () => {
    const r = await daneel('verify', fx.js.alias, '443', '--chain', fx.js.chain, '--json', ...DNS);
    expect(r.code, r.raw).toBe(0);
    expect(r.json).toMatchObject({ verdict: 'dane-valid' });
  });

  const failing: [string, string[], string, number][] = [
    ['a changed server TLSA', [fx.js.hosts.changed, '443', '--chain', fx.js.chain], 'dane-mismatch', 1],
    ['a changed client TLSA', ['--client-id', fx.ns.ids.changed, '--chain', fx.ns.certs.changed], 'dane-mismatch', 1],
    ['the wrong certificate for the identity', ['--client-id', fx.ns.ids.good, '--chain', fx.js.chain], 'dane-mismatch', 1],
    ['a bogus zone', [fx.js.hosts.bogus, '443', '--chain', fx.js.chain], 'bogus', 1],
    ['an insecure zone', ['--client-id', fx.ns.ids.insecure, '--chain', fx.ns.certs.insecure], 'insecure', 1],
    ['no TLSA', ['nx.mtls.example', '443', '--chain', fx.js.chain], 'no-tlsa', 1],
  ];
  it.each(failing)('%s: %s, exit 1', async (_what, args, verdict, code) => {
    const r = await daneel('verify', ...args, '--json', ...DNS);
    expect(r.code, r.raw).toBe(code);
    expect(r.json, r.raw).toMatchObject({ verdict });
  });

  it('an unreachable hierarchy is a lookup failure: exit 2', async () => {
    const hints = join(fx.dir, 'closed.hints');
    writeFileSync(hints, `.\t3600000\tNS\ta.root-servers.lab.\na.root-servers.lab.\t3600000\tA\t${hierarchy.servers.closed}\n`);
    const r = await daneel('verify', '--client-id', fx.ns.ids.good, '--chain', fx.ns.certs.good, '--root-hints', hints, '--trust-anchor', hierarchy.trustAnchor);
    expect(r.code, r.raw).toBe(2);
    expect(r.out).toMatch(/^lookup-failed: /m);
  });

  const usage: [string, string[]][] = [
    ['no --chain', [fx.js.hosts.good, '443']],
    ['an unreadable --chain', [fx.js.hosts.good, '443', '--chain', '/nonexistent/chain.pem']],
    ['a --chain without certificates', [fx.js.hosts.good, '443', '--chain', hierarchy.trustAnchor]],
    ['no target', ['--chain', fx.js.chain]],
    ['an unreadable --ca-file', [fx.js.hosts.good, '443', '--chain', fx.js.chain, '--ca-file', '/nonexistent/ca.pem']],
  ];
  it.each(usage)('usage error (%s): exit 64', async (_what, args) => {
    const r = await daneel('verify', ...args, ...DNS);
    expect(r.code, r.raw).toBe(64);
  });
});
