/** --forward / --forward-ca / forward-zones: bad values are usage errors (exit 64) naming the value, on every command. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daneel } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'daneel-forward-flags-'));
const hints = join(dir, 'root.hints');
writeFileSync(hints, '.  3600000 NS a.root.lab.\na.root.lab. 3600000 A 127.0.0.1\n');

describe('forwarding flags', () => {
  it.each([
    [['--forward', '.=tls://127.0.0.1'], /tls:\/\/ needs \?name=AUTH-NAME/],
    [['--forward', 'corp.example'], /expected ZONE=URL/],
    [['--forward', '.=udp://resolver.example'], /not an IP address/],
    [['--forward', '.=https://127.0.0.1/q', '--forward-ca', join(dir, 'missing.pem')], /forward-ca .*ENOENT/],
    [['--forward', '.=https://127.0.0.1/q', '--forward-ca', hints], /no PEM certificate/],
  ])('query %j exits 64', async (flags, why) => {
    const r = await daneel(['query', 'a.example', 'A', '--root-hints', hints, ...flags]);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(why);
  });

  it('serve exits 64 on a bad --forward, before listening', async () => {
    const r = await daneel(['serve', '--listen', '127.0.0.1:0', '--root-hints', hints, '--forward', '.=tls://127.0.0.1:853?pin=sha256/AAAA']);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(/is 3 octets, a SHA-256 digest is 32/);
  });

  it('check-config refuses a forward-zones URL serve would refuse', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `root-hints: ${hints}\nforward-zones:\n  corp.example: ["tls://127.0.0.1"]\n`);
    const r = await daneel(['check-config', file]);
    expect(r.code, r.stderr).toBe(64);
    expect(r.stderr).toMatch(/RFC 8310 strict profile/);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, `root-hints: ${hints}\nforward-zones:\n  corp.example: ["tls://127.0.0.1?name=r.corp.example", "https://127.0.0.2/dns-query"]\n`);
    const ok = await daneel(['check-config', good]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
