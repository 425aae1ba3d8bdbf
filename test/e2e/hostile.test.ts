/**
 * Bad configuration and bad input through the public CLI, the way an operator meets them: each must end the
 * process with the documented exit code (64, EX_USAGE, for bad flags, values and files; 1 when the operating
 * system refuses the listen address) and ONE line on stderr that names the file (and line) or the value,
 * never a stack trace. Every run gets the hierarchy's root hints, so nothing here can reach the public root.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { HierarchyInfo } from '../hierarchy/global-setup.js';
import { runDaneelInNetns, startDaneel, type CliRun, type RunningDaneel } from './daneel-process.js';
import { digInNetns } from '../hierarchy/dig.js';

const hierarchy = inject('hierarchy') as HierarchyInfo;
/** A free 127.53.0.x address of the namespace (differential.test.ts uses .54, fuzz-server.test.ts .62). */
const SERVE_ADDRESS = '127.53.0.61';
const dir = mkdtempSync(join(tmpdir(), 'daneel-hostile-'));
const file = (name: string, content: string | Uint8Array): string => { const p = join(dir, name); writeFileSync(p, content); return p; };

const ROOT_DIGEST_OK = 'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D';
const xmlAnchor = (digest: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="hostile" source="test">
<Zone>.</Zone>
<KeyDigest id="k1" validFrom="2010-07-15T00:00:00+00:00">
<KeyTag>20326</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>${digest}</Digest>
</KeyDigest>
</TrustAnchor>
`;

const query = (extra: string[], name = 'www.iot.example.', type = 'A'): string[] =>
  ['query', name, type, '--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor, ...extra];

/** One clear line: the command's prefix, no stack frame, no Node error dump. */
function expectOneLineError(run: CliRun, command: 'query' | 'serve', mentions: RegExp): void {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^daneel ${command}: `));
  expect(lines[0]).toMatch(mentions);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/node:internal|Uncaught|TypeError|RangeError|SyntaxError/);
}

interface BadCase { what: string; args: () => string[]; mentions: RegExp }

const badQueries: BadCase[] = [
  {
    what: 'root hints with a syntax error (names the file and line)',
    args: () => query(['--root-hints', file('syntax.hints', '.  3600000  NS  a.root-servers.lab.\na.root-servers.lab. 3600000 A 127.53.0.300\n')]),
    mentions: /syntax\.hints:2/,
  },
  {
    what: 'root hints file that is empty',
    args: () => query(['--root-hints', file('empty.hints', '')]),
    mentions: /empty\.hints.*no NS records for the root/,
  },
  {
    what: 'root hints file of random bytes',
    args: () => query(['--root-hints', file('random.hints', randomBytes(4096))]),
    mentions: /random\.hints/,
  },
  {
    what: 'trust anchor file of garbage',
    args: () => query(['--trust-anchor', file('garbage.anchor', 'this is ( not an anchor\n\x00\x01\x02 "unterminated\n')]),
    mentions: /garbage\.anchor:\d+/,
  },
  {
    what: 'trust anchor file holding other record types',
    args: () => query(['--trust-anchor', file('a-record.anchor', `. IN DS 20326 8 2 ${ROOT_DIGEST_OK}\nexample. IN A 192.0.2.1\n`)]),
    mentions: /a-record\.anchor.*only DS and DNSKEY/,
  },
  {
    what: 'RFC 7958 XML anchor whose digest is not hex',
    args: () => query(['--trust-anchor', file('nothex.xml', xmlAnchor('ZZ06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D'))]),
    mentions: /nothex\.xml:\d+: Digest is not hex/,
  },
  {
    what: 'RFC 7958 XML anchor cut off in the middle',
    args: () => query(['--trust-anchor', file('cut.xml', xmlAnchor(ROOT_DIGEST_OK).slice(0, 120))]),
    mentions: /cut\.xml/,
  },
  {
    what: 'root hints path that does not exist',
    args: () => query(['--root-hints', join(dir, 'missing.hints')]),
    mentions: /cannot read root hints file .*missing\.hints: ENOENT/,
  },
  {
    what: 'trust anchor path that is a directory',
    args: () => query(['--trust-anchor', dir]),
    mentions: /cannot read trust anchor file .*: EISDIR/,
  },
  {
    what: 'unknown record type',
    args: () => query([], 'www.iot.example.', 'NOSUCHTYPE'),
    mentions: /unknown record type "NOSUCHTYPE"/,
  },
  {
    what: 'a name with a 64-octet label',
    args: () => query([], `${'a'.repeat(64)}.example.`),
    mentions: /label of 64 octets exceeds 63/,
  },
  {
    what: 'a name longer than 255 octets',
    args: () => query([], `${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example.`),
    mentions: /255|too long/,
  },
  {
    what: 'a name with an empty label',
    args: () => query([], 'www..example.'),
    mentions: /empty label/,
  },
];

const badServes: BadCase[] = [
  { what: 'an address that is not an IP', args: () => ['serve', '--listen', '999.1.1.1:53'], mentions: /"999\.1\.1\.1" is not an IP address/ },
  { what: 'a port above 65535', args: () => ['serve', '--listen', '127.53.0.61:70000'], mentions: /port 70000 exceeds 65535/ },
  { what: 'no port at all', args: () => ['serve', '--listen', 'localhost'], mentions: /"localhost" is not ADDR:PORT/ },
  {
    what: 'bad root hints at start-up',
    args: () => ['serve', '--listen', `${SERVE_ADDRESS}:53`, '--root-hints', file('serve-empty.hints', '')],
    mentions: /serve-empty\.hints/,
  },
  {
    what: 'garbage trust anchor at start-up',
    args: () => ['serve', '--listen', `${SERVE_ADDRESS}:53`, '--trust-anchor', file('serve-garbage.anchor', randomBytes(512))],
    mentions: /serve-garbage\.anchor/,
  },
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('daneel query: bad configuration and input exit 64 with one clear line', () => {
  it('the same command with good files succeeds (the cases below differ only in the bad part)', async () => {
    const run = await runDaneelInNetns(hierarchy, query([]));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/status: secure/i);
  });

  it.each(badQueries)('$what', async ({ args, mentions }) => {
    const run = await runDaneelInNetns(hierarchy, args());
    expect(run.code, run.stderr).toBe(64);
    expect(run.stdout).toBe('');
    expectOneLineError(run, 'query', mentions);
  });
});

describe('daneel serve: bad flags and files exit 64, a taken port exits 1, never a stack trace', () => {
  let running: RunningDaneel;
  beforeAll(async () => { running = await startDaneel(hierarchy, SERVE_ADDRESS); });
  afterAll(async () => { await running?.stop(); });

  it.each(badServes)('$what', async ({ args, mentions }) => {
    const given = args();
    // Never the built-in public hints: cases that do not set --root-hints get the hierarchy's.
    const run = await runDaneelInNetns(hierarchy, given.includes('--root-hints') ? given : [...given, '--root-hints', hierarchy.rootHints]);
    expect(run.code, run.stderr).toBe(64);
    expectOneLineError(run, 'serve', mentions);
  });

  it('a listen address already in use: exit 1 naming the address and EADDRINUSE; the running server keeps answering', async () => {
    const run = await runDaneelInNetns(hierarchy, ['serve', '--listen', `${SERVE_ADDRESS}:53`, '--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor]);
    expect(run.code, run.stderr).toBe(1);
    expectOneLineError(run, 'serve', new RegExp(`${SERVE_ADDRESS.replace(/\./g, '\\.')}:53.*EADDRINUSE`));
    const r = await digInNetns(hierarchy.netns, SERVE_ADDRESS, '_443._tcp.www.iot.example.', 'TLSA');
    expect([r.rcode, r.ad], r.raw).toEqual(['NOERROR', true]);
  });
});
