/**
 * The example's two unrelated PKIs, made with the `openssl` command, and the TLSA records that publish them:
 * - the Join Server (JS) has a private root CA of its own and a server certificate issued by it; its zone
 *   publishes DANE-TA(2) Cert(0) SHA2-256(1) of that root at `_443._tcp.js.<zone>` (RFC 7671 §5.2), so the
 *   name in the certificate is checked too;
 * - the Network Server (NS) has a self-signed certificate whose subjectAltName is its DANCE client identity
 *   `ns._device.<zone>` (draft-ietf-dance-client-auth, Format 2); its zone publishes DANE-EE(3) SPKI(1)
 *   SHA2-256(1) at that name (RFC 7671 §5.1: names and dates are not checked).
 * Neither side trusts the other's CA: DNSSEC is the only link.
 *
 * Run as a script: `node --import tsx pki.ts OUTDIR [ZONE]` writes the files and OUTDIR/tlsa.zone (absolute
 * owners, for test/hierarchy/build.sh's HIER_EXTRA_RECORDS).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeTlsa, formatTlsa } from '../../dane/tlsa.js';
import { clientTlsaOwner, tlsaOwner } from '../../dane/owner.js';

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A private root CA: `NAME.pem`, `NAME.key`. */
export function makeRoot(dir: string, name: string): string {
  openssl(dir, ['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return join(dir, `${name}.pem`);
}

/** A TLS server certificate for `hosts` issued by `root`; writes `NAME.key`, `NAME.pem` and the chain sent, `NAME-chain.pem`. */
export function issueServer(dir: string, name: string, root: string, hosts: readonly string[]): string {
  openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${hosts[0]}`]);
  writeFileSync(join(dir, `${name}.ext`), [
    'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
    `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
  ].join('\n') + '\n');
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${root}.pem`, '-CAkey', `${root}.key`, '-CAcreateserial',
    '-days', '3650', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  // The root goes with the leaf: a DANE-TA(2) record names it, and a TA the peer cannot see cannot match.
  writeFileSync(join(dir, `${name}-chain.pem`), readFileSync(join(dir, `${name}.pem`), 'utf8') + readFileSync(join(dir, `${root}.pem`), 'utf8'));
  return join(dir, `${name}-chain.pem`);
}

/** A key pair `NAME.key` for self-signed client certificates. */
export function makeKey(dir: string, name: string): string {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  return join(dir, `${name}.key`);
}

/** A self-signed TLS client certificate `NAME.pem` on key `KEY.key` whose only dNSName is the client identity. */
export function selfSignedClient(dir: string, name: string, key: string, identity: string): string {
  openssl(dir, ['req', '-x509', '-new', '-key', `${key}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${identity}`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=clientAuth', '-addext', `subjectAltName=DNS:${identity}`]);
  return join(dir, `${name}.pem`);
}

const cert = (file: string): X509Certificate => new X509Certificate(readFileSync(file));

/** A zone-file line for a TLSA record of `certFile` at `owner`. */
export function tlsaLine(owner: string, certFile: string, usage: number, selector: number, mtype: number): string {
  return `${owner}\t3600\tIN\tTLSA\t${formatTlsa(computeTlsa(cert(certFile), usage, selector, mtype))}`;
}

export interface ExamplePki {
  readonly dir: string;
  readonly zone: string;
  /** Join Server: name it is reached under, chain it sends, its key. */
  readonly js: { host: string; chain: string; key: string };
  /** Network Server: its client identity, certificate and key. */
  readonly ns: { id: string; cert: string; key: string };
  /** TLSA zone lines with absolute owners. */
  readonly records: string[];
}

/** Both parties' certificates and TLSA records for `zone` (default `mtls.example.`, port 443). */
export function makeExamplePki(dir: string, zone = 'mtls.example.'): ExamplePki {
  mkdirSync(dir, { recursive: true });
  const apex = zone.endsWith('.') ? zone.slice(0, -1) : zone;
  const jsHost = `js.${apex}`;
  const nsId = `ns._device.${apex}`;
  makeRoot(dir, 'js-root');
  const jsChain = issueServer(dir, 'js', 'js-root', [jsHost]);
  makeKey(dir, 'ns');
  const nsCert = selfSignedClient(dir, 'ns', 'ns', nsId);
  const records = [
    tlsaLine(tlsaOwner(jsHost, 443).toString(), join(dir, 'js-root.pem'), 2, 0, 1),
    tlsaLine(clientTlsaOwner(nsId).toString(), nsCert, 3, 1, 1),
  ];
  return { dir, zone, js: { host: jsHost, chain: jsChain, key: join(dir, 'js.key') }, ns: { id: nsId, cert: nsCert, key: join(dir, 'ns.key') }, records };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir, zone] = process.argv.slice(2);
  if (!outDir) {
    process.stderr.write('usage: pki.ts OUTDIR [ZONE]\n');
    process.exit(64);
  }
  const pki = makeExamplePki(resolve(outDir), zone);
  writeFileSync(join(pki.dir, 'tlsa.zone'), pki.records.join('\n') + '\n');
  process.stdout.write(pki.records.join('\n') + '\n');
}
