/**
 * Test certificates made with openssl: a private CA and a server certificate it signs for given DNS names and
 * IP addresses, plus the server key's SPKI pin (sha256/BASE64 of the DER SubjectPublicKeyInfo, RFC 7469 §2.4).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
  cert: string;
  key: string;
  /** sha256/BASE64 of the server key's SPKI. */
  pin: string;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A CA and a server certificate for `dns` names and `ips`, valid from yesterday for ten years. */
export function makeTestPki(dns: string[], ips: string[], dir = mkdtempSync(join(tmpdir(), 'daneel-pki-'))): TestPki {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '3650', '-subj', '/CN=daneel test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${dns[0] ?? ips[0]}`], dir);
  const san = [...dns.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)].join(',');
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '3650', '-extfile', 'ext.cnf'], dir);
  const spki = execFileSync('openssl', ['pkey', '-in', join(dir, 'server.key'), '-pubout', '-outform', 'DER']);
  const pin = `sha256/${execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: spki }).toString('base64')}`;
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    dir, caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'),
    ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key'), pin,
  };
}
