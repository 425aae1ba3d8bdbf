/**
 * Certificates and TLSA records for the DANE mutual-TLS tests (test/e2e/dane-*.test.ts), made before the
 * hierarchy is built: global-setup.ts writes `records` to a file and build.sh (HIER_EXTRA_RECORDS) adds them to
 * the mtls zones before signing. The parties are those of examples/lorawan-mtls (pki.ts), with one name per case:
 *
 * | case      | Join Server host (TLSA DANE-TA 2 0 1)   | Network Server identity (TLSA DANE-EE 3 1 1) |
 * |-----------|------------------------------------------|-----------------------------------------------|
 * | good      | js.mtls.example: the JS's root           | ns._device.mtls.example: the NS's key         |
 * | changed   | js-changed.mtls.example: another root    | changed._device.mtls.example: another key     |
 * | bogus     | js.mtls-bogus.example (expired RRSIGs)   | ns._device.mtls-bogus.example                 |
 * | insecure  | js.mtls-insecure.example (unsigned zone) | ns._device.mtls-insecure.example              |
 *
 * In the bogus and insecure zones the records are right for the certificates: only DNSSEC decides there.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueServer, makeKey, makeRoot, selfSignedClient, tlsaLine } from '../../examples/lorawan-mtls/pki.js';

export type MtlsCase = 'good' | 'changed' | 'bogus' | 'insecure';
export const MTLS_CASES: readonly MtlsCase[] = ['good', 'changed', 'bogus', 'insecure'];

export interface DaneMtlsFixtures {
  dir: string;
  /** File of zone lines given to build.sh as HIER_EXTRA_RECORDS. */
  recordsFile: string;
  js: { chain: string; key: string; address: string; port: number; hosts: Record<MtlsCase, string>; alias: string };
  ns: { key: string; ids: Record<MtlsCase, string>; certs: Record<MtlsCase, string> };
}

const JS_HOSTS: Record<MtlsCase, string> = {
  good: 'js.mtls.example', changed: 'js-changed.mtls.example', bogus: 'js.mtls-bogus.example', insecure: 'js.mtls-insecure.example',
};
const NS_IDS: Record<MtlsCase, string> = {
  good: 'ns._device.mtls.example', changed: 'changed._device.mtls.example', bogus: 'ns._device.mtls-bogus.example', insecure: 'ns._device.mtls-insecure.example',
};

export function makeDaneMtlsFixtures(): DaneMtlsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'daneel-mtls-'));
  makeRoot(dir, 'js-root');
  makeRoot(dir, 'other-root');
  const chain = issueServer(dir, 'js', 'js-root', [...Object.values(JS_HOSTS), 'alias.mtls.example']);
  makeKey(dir, 'ns');
  makeKey(dir, 'other-ns');
  const certs = Object.fromEntries(MTLS_CASES.map((c) => [c, selfSignedClient(dir, `ns-${c}`, 'ns', NS_IDS[c])])) as Record<MtlsCase, string>;
  const otherNs = selfSignedClient(dir, 'other-ns', 'other-ns', NS_IDS.changed);
  const root = join(dir, 'js-root.pem');
  const records = [
    ...(['good', 'bogus', 'insecure'] as const).flatMap((c) => [
      tlsaLine(`_443._tcp.${JS_HOSTS[c]}.`, root, 2, 0, 1),
      tlsaLine(`${NS_IDS[c]}.`, certs[c], 3, 1, 1),
    ]),
    // "changed": the published records name another root and another key than the party presents
    tlsaLine(`_443._tcp.${JS_HOSTS.changed}.`, join(dir, 'other-root.pem'), 2, 0, 1),
    tlsaLine(`${NS_IDS.changed}.`, otherNs, 3, 1, 1),
  ];
  const recordsFile = join(dir, 'tlsa.zone');
  writeFileSync(recordsFile, records.join('\n') + '\n');
  return {
    dir,
    recordsFile,
    js: { chain, key: join(dir, 'js.key'), address: '127.53.10.1', port: 443, hosts: JS_HOSTS, alias: 'alias.mtls.example' },
    ns: { key: join(dir, 'ns.key'), ids: NS_IDS, certs },
  };
}
