/**
 * The KeyTrap zone on the real hierarchy (keytrap.example., signed by dnssec-signzone, served by NSD; forged by
 * build-lib.sh forge_keytrap_*): Unbound 1.17.1 (Debian, with the CVE-2023-50387 fix) and daneel both answer
 * SERVFAIL, and daneel's reason names the limit that stopped it. The CPU time of the whole `daneel query`
 * process is printed, not asserted (it includes Node start-up).
 */
import { describe, expect, inject, it } from 'vitest';
import type { HierarchyInfo } from './global-setup.js';
import { digInNetns } from './dig.js';
import { runDaneelInNetns } from '../e2e/daneel-process.js';
import { MAX_CHECKS_PER_RRSET } from '../../resolver/dnssec/verify.js';

const hierarchy = inject('hierarchy') as HierarchyInfo;
const flags = (): string[] => ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor, '--json'];

describe('keytrap.example. (100 colliding DNSKEYs x 150 forged RRSIGs) on NSD', () => {
  it('Unbound answers SERVFAIL without AD', async () => {
    const r = await digInNetns(hierarchy.netns, hierarchy.unbound, 'www.keytrap.example.', 'A');
    expect([r.rcode, r.ad], r.raw).toEqual(['SERVFAIL', false]);
  });

  it('daneel query: bogus, exit 1, EDE 6, reason naming the per-RRset limit (MAX_CHECKS_PER_RRSET)', async () => {
    const started = process.hrtime.bigint();
    const r = await runDaneelInNetns(hierarchy, ['query', 'www.keytrap.example.', 'A', ...flags()]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`daneel query www.keytrap.example. A: exit ${r.code} in ${ms.toFixed(0)} ms wall (process start included)`);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout) as { status: string; ede?: number; reason: string };
    expect([j.status, j.ede]).toEqual(['bogus', 6]);
    expect(j.reason).toMatch(new RegExp(`more than ${MAX_CHECKS_PER_RRSET} signature checks .*MAX_CHECKS_PER_RRSET`));
  });

  it('the zone is otherwise intact: its TLSA record (signed by the real key) is secure', async () => {
    const r = await runDaneelInNetns(hierarchy, ['query', '_443._tcp.www.keytrap.example.', 'TLSA', ...flags()]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('secure');
  });
});
