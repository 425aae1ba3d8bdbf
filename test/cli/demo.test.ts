/**
 * The newcomer's demo, end to end: demo/run.sh --once signs a private hierarchy with ldns, serves it with NSD on
 * loopback port 53, starts `daneel serve` and checks with dig that TLSA answers carry AD and that a record altered
 * after signing gives SERVFAIL + EDE. Needs root and the Debian tools (nsd, ldnsutils, dig), which
 * test/install-deps.sh installs; the script would install missing ones with apt, which a test must not do, so
 * without them the test fails and says what is missing (never a silent skip).
 */
import { describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeDnsPort } from '../support/ports.js';

const SCRIPT = fileURLToPath(new URL('../../demo/run.sh', import.meta.url));
const haveTool = (t: string): boolean => { try { execFileSync('sh', ['-c', `command -v ${t}`]); return true; } catch { return false; } };
const missing = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...['nsd', 'ldns-signzone', 'dig', 'openssl', 'ss'].filter((t) => !haveTool(t)),
];

/** Running (a zombie waiting to be reaped by init counts as gone). */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

describe('demo/run.sh --once', () => {
  it('shows ad on the TLSA answers, SERVFAIL + EDE on the altered one, and stops its own processes', async () => {
    expect(missing, 'run test/install-deps.sh as root first').toEqual([]);
    const dir = join(mkdtempSync(join(tmpdir(), 'daneel-demo-test-')), 'work');
    // A prefix of our own, so a demo someone left running on 127.53.0.x does not clash.
    const env = { ...process.env, DEMO_DIR: dir, DEMO_NET: '127.54.7', DEMO_PORT: String(await freeDnsPort()) };
    const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn('bash', [SCRIPT, '--once'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
      child.on('close', (code) => resolve({ code, text }));
    });
    try {
      expect(out.code, out.text).toBe(0);
      expect(out.text).toContain('all checks passed');
      expect(out.text).toMatch(/;; flags: qr rd ra ad; QUERY: 1, ANSWER: 2/);
      expect(out.text).toMatch(/status: SERVFAIL[\s\S]*; EDE: 6 \(DNSSEC Bogus\)/);
      // Every process it started (NSD ×3, daneel) is gone.
      const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[0]));
      expect(pids).toHaveLength(4);
      for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  }, 180_000);
});
