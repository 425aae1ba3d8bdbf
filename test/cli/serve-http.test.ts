/** `daneel serve --http/--http-cert/--http-key` usage errors (exit 64) and a busy HTTP port (exit 1), as a user runs it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daneel, fixture } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'daneel-serve-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DNS = ['--listen', '127.0.0.1:0', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')];

describe('daneel serve --http', () => {
  it('bad HTTP flags are usage errors: exit 64 with a message naming the flag', async () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'not a certificate\n');
    const cases: Array<[string[], RegExp]> = [
      [['--http', 'localhost:8053'], /--http: listen address "localhost:8053": "localhost" is not an IP address/],
      [['--http', '::1:8053'], /--http: .*IPv6 as \[ADDR\]:PORT/],
      [['--http-cert', notPem, '--http-key', notPem], /--http-cert\/--http-key need at least one --http/],
      [['--http', '127.0.0.1:0', '--http-cert', notPem], /--http-cert and --http-key go together/],
      [['--http', '127.0.0.1:0', '--http-cert', '/nonexistent/cert.pem', '--http-key', notPem], /cannot read --http-cert \/nonexistent\/cert.pem/],
      [['--http', '127.0.0.1:0', '--http-cert', notPem, '--http-key', notPem], /--http-cert\/--http-key: /],
    ];
    const runs = await Promise.all(cases.map(([args]) => daneel(['serve', ...DNS, ...args])));
    runs.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(' ')}\n${r.stderr}`).toBe(64);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  });

  it('an HTTP address already in use: exit 1, naming it', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await daneel(['serve', ...DNS, '--http', `127.0.0.1:${port}`]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`HTTP 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      busy.close();
    }
  });
});
