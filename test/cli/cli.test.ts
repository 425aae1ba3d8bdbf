import { describe, expect, it } from 'vitest';
import { daneel, daneelBackground, fixture } from './run.js';
import { freeDnsPort } from '../support/ports.js';
import { runQuery, exitCodeFor, QUERY_EXIT } from '../../cli/commands/query.js';
import { FakeResolver, rr, rrsig } from '../server/fake-resolver.js';
import { EDE, bogus, indeterminate, insecure, secure } from '../../resolver/dnssec/verdict.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { Name } from '../../resolver/wire/name.js';
import { buildQuery } from '../../resolver/wire/query.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { getEde } from '../../resolver/wire/edns.js';
import { udpQuery } from '../../resolver/transport/udp.js';

const NAME = '_443._tcp.js.example.fr.';
const flags = { trustAnchor: [], qnameMinimisation: 'yes', doIp6: 'yes' };

function fake(): FakeResolver {
  return new FakeResolver()
    .on(NAME, 'TLSA', { answer: [rr(`${NAME} 300 IN TLSA 3 1 1 AABBCCDD`), rrsig(NAME, 'TLSA')], verdict: secure('chain ok', 'OK01') })
    .on('bogus.example.fr.', 'TLSA', { answer: [rr('bogus.example.fr. 300 IN TLSA 3 1 1 AABB')], verdict: bogus('signature expired', EDE.SIGNATURE_EXPIRED) })
    .on('insecure.example.', 'TLSA', { rcode: RCODE.NXDOMAIN, verdict: insecure('no DS for example.') })
    .on('lame.example.', 'TLSA', { rcode: RCODE.SERVFAIL, verdict: indeterminate('no server answered', EDE.NO_REACHABLE_AUTHORITY) });
}

describe('daneel query (in process, scripted resolver)', () => {
  it('secure answer: dig-like text, status, reason; exit 0', async () => {
    const r = await runQuery({ ...flags, name: '_443._tcp.js.example.fr', type: 'tlsa' }, fake());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(';; flags: qr rd ra ad;');
    expect(r.stdout).toMatch(/_443\._tcp\.js\.example\.fr\.\t300\tIN\tTLSA\t3 1 1 AABBCCDD/);
    expect(r.stdout).toContain(';; STATUS: secure');
    expect(r.stdout).toContain(';; REASON: chain ok [OK01]');
  });

  it('--json prints the public shape', async () => {
    const r = await runQuery({ ...flags, name: NAME, type: 'TLSA', json: true }, fake());
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['qname', 'qtype', 'rcode', 'status', 'reason', 'ede', 'answer', 'authority']);
    expect(j).toMatchObject({ qname: NAME, qtype: 'TLSA', rcode: 'NOERROR', status: 'secure', ede: null });
    expect(j.answer).toHaveLength(2);
    expect(j.answer[0]).toMatch(/TLSA\t3 1 1 AABBCCDD$/);
  });

  it('bogus: exit 1, data withheld, EDE shown', async () => {
    const r = await runQuery({ ...flags, name: 'bogus.example.fr', type: 'TLSA' }, fake());
    expect(r.exitCode).toBe(QUERY_EXIT.BOGUS);
    expect(r.stdout).not.toMatch(/\tTLSA\t3 1 1/);
    expect(r.stdout).toContain(';; EDE: 7 (Signature Expired)');
    const j = JSON.parse((await runQuery({ ...flags, name: 'bogus.example.fr', type: 'TLSA', json: true }, fake())).stdout);
    expect(j).toMatchObject({ status: 'bogus', ede: 7, answer: [] });
  });

  it('insecure NXDOMAIN exits 0; indeterminate/SERVFAIL exits 2', async () => {
    expect((await runQuery({ ...flags, name: 'insecure.example', type: 'TLSA' }, fake())).exitCode).toBe(0);
    expect((await runQuery({ ...flags, name: 'lame.example', type: 'TLSA' }, fake())).exitCode).toBe(2);
    const base = { qname: Name.ROOT, qtype: T.A, answer: [], authority: [] };
    expect(exitCodeFor({ ...base, rcode: RCODE.SERVFAIL, verdict: insecure('x') })).toBe(2);
    expect(exitCodeFor({ ...base, rcode: RCODE.REFUSED, verdict: insecure('x') })).toBe(2);
    expect(exitCodeFor({ ...base, rcode: RCODE.NOERROR, verdict: secure('x') })).toBe(0);
  });

  it('bad type or name: usage error 64 without resolving', async () => {
    const res = fake();
    const badType = await runQuery({ ...flags, name: NAME, type: 'NOPE' }, res);
    expect(badType.exitCode).toBe(64);
    expect(badType.stderr).toContain('unknown record type "NOPE"');
    const badName = await runQuery({ ...flags, name: 'a..b', type: 'A' }, res);
    expect(badName.exitCode).toBe(64);
    expect(res.calls).toHaveLength(0);
  });
});

describe('bin/daneel.js (child process, from another cwd)', () => {
  it('usage errors exit 64 with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['query', NAME, 'TLSA', '--no-such-flag'], /unknown option '--no-such-flag'/],
      [['query', NAME], /missing required argument 'type'/],
      [['query', NAME, 'TLSA', '--qname-minimisation', 'maybe'], /Allowed choices are yes, no/],
      [['query', NAME, 'BADTYPE', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')], /unknown record type/],
      [['query', NAME, 'TLSA', '--root-hints', '/nonexistent/hints', '--trust-anchor', fixture('root.ds')], /cannot read root hints file \/nonexistent\/hints: ENOENT/],
      [['query', NAME, 'TLSA', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', '/nonexistent/anchor'], /cannot read trust anchor file/],
      [['query', NAME, 'TLSA', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('bad.anchor')], /bad\.anchor:2:/],
      [['serve', '--listen', 'localhost:53', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')], /not an IP address/],
      [['serve', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')], /at least one --listen/],
    ];
    const runs = await Promise.all(cases.map(([args]) => daneel(args)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(64);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  });

  it('--help exits 0 and lists the commands', async () => {
    const r = await daneel(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['query', 'serve']) expect(r.stdout).toContain(c);
  });

  it('query with unreachable root servers: SERVFAIL, indeterminate, exit 2', async () => {
    const r = await daneel(['query', NAME, 'TLSA', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds'), '--json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ qname: NAME, qtype: 'TLSA', rcode: 'SERVFAIL', status: 'indeterminate' });
    expect(typeof j.ede).toBe('number');
  });

  it('serve: answers over UDP with SERVFAIL + EDE when the root is unreachable, logs JSON to stderr, stops on SIGTERM', async () => {
    const port = await freeDnsPort();
    const srv = daneelBackground(['serve', '--listen', `127.0.0.1:${port}`, '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')]);
    try {
      // Until the server listens, the probe is refused at once; once it listens, one try may take up to the
      // resolver's request timeout (10 s), so each try waits longer than that. Bounded by a deadline, not a count.
      let reply: Uint8Array | undefined;
      const deadline = Date.now() + 40_000;
      while (!reply && Date.now() < deadline && srv.child.exitCode === null) {
        reply = await udpQuery({ address: '127.0.0.1', port }, buildQuery({ id: 9, name: Name.parse(NAME), type: T.TLSA, rd: true, cd: false, do: true }), { timeoutMs: 12_000, tcp: false })
          .catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 250)));
      }
      expect(reply, `no reply from daneel serve; its stderr:\n${srv.stderr()}`).toBeDefined();
      const msg = decodeMessage(reply!);
      expect(msg.rcode).toBe(RCODE.SERVFAIL);
      expect(msg.flags.ra).toBe(true);
      expect(getEde(msg)).toBeDefined();
      const firstLog = JSON.parse(srv.stderr().split('\n')[0]!);
      expect(firstLog.msg).toBe('listening on UDP and TCP');
    } finally {
      const exited = new Promise<number | null>((r) => srv.child.once('exit', (code) => r(code)));
      srv.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 90_000);
});
