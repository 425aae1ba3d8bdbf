/**
 * `daneel serve --http/--http-cert/--http-key` (YAML `http: {listen, cert, key}`) usage errors (exit 64) and a busy
 * HTTP port (exit 1), as a user runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daneel, daneelBackground, fixture } from './run.js';
import { freeDnsPort } from '../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'daneel-serve-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DNS = ['--listen', '127.0.0.1:0', '--root-hints', fixture('dead-root.hints'), '--trust-anchor', fixture('root.ds')];

describe('daneel serve --http', () => {
  it('bad HTTP flags are usage errors: exit 64 with a message naming the flag', async () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'not a certificate\n');
    const cases: Array<[string[], RegExp]> = [
      [['--http', 'localhost:8053'], /--http: http\.listen\[0\]: listen address "localhost:8053": "localhost" is not an IP address/],
      [['--http', '::1:8053'], /--http: .*IPv6 as \[ADDR\]:PORT/],
      [['--http-cert', notPem, '--http-key', notPem], /http\.cert\/http\.key \(--http-cert\/--http-key\) need at least one http\.listen \(--http ADDR:PORT\)/],
      [['--http', '127.0.0.1:0', '--http-cert', notPem], /http\.cert and http\.key \(--http-cert and --http-key\) go together/],
      [['--http', '127.0.0.1:0', '--http-cert', '/nonexistent/cert.pem', '--http-key', notPem], /cannot read http\.cert \(--http-cert\) \/nonexistent\/cert\.pem/],
      [['--http', '127.0.0.1:0', '--http-cert', notPem, '--http-key', notPem], /\(--http-cert\/--http-key\): .*PEM/],
    ];
    const runs = await Promise.all(cases.map(([args]) => daneel(['serve', ...DNS, ...args])));
    runs.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(' ')}\n${r.stderr}`).toBe(64);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  });

  it('from a configuration file (http.listen), with the client policy of the file: loopback served', async () => {
    const dnsPort = await freeDnsPort();
    const httpPort = await freeDnsPort();
    const config = join(dir, 'daneel.yaml');
    writeFileSync(config, [
      `listen: [127.0.0.1:${dnsPort}]`,
      `root-hints: ${fixture('dead-root.hints')}`,
      `trust-anchors: [${fixture('root.ds')}]`,
      'access-control: [{ prefix: 192.0.2.0/24, action: allow }]',
      `http: { listen: [127.0.0.1:${httpPort}] }`,
    ].join('\n') + '\n');
    const srv = daneelBackground(['serve', '--config', config]);
    try {
      let health: unknown;
      for (let i = 0; i < 150 && health === undefined; i++) {
        if (srv.child.exitCode !== null) throw new Error(`daneel serve exited ${srv.child.exitCode}: ${srv.stderr()}`);
        health = await fetch(`http://127.0.0.1:${httpPort}/healthz`).then((r) => r.json(), () => undefined);
        if (health === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      expect(health, srv.stderr()).toEqual({ status: 'ok' });
      const openapi = await (await fetch(`http://127.0.0.1:${httpPort}/openapi.json`)).json() as { openapi: string };
      expect(openapi.openapi).toBe('3.1.0');
    } finally {
      srv.child.kill('SIGTERM');
      await new Promise((r) => srv.child.once('exit', r));
    }
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
