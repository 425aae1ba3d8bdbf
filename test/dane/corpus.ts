/**
 * The certificate corpus for the DANE tests, made with the `openssl` command in a temporary directory:
 * self-signed EEs (EC, RSA, Ed25519), private root → EE, root → intermediate → EE, an expired EE, a wrong-name
 * EE, an EE whose SAN is a DANCE `_device` name, and a PKIX hierarchy with its own trust store.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChainCase {
  /** Short id used in test names. */
  readonly id: string;
  /** PEM file with the chain as sent (leaf first). */
  readonly chainFile: string;
  /** Key of the leaf (PEM). */
  readonly keyFile: string;
  /** Name the peer is reached under. */
  readonly host: string;
  /** The CA certificates of the hierarchy (not necessarily sent), for building TA records. */
  readonly cas: readonly string[];
  /** Leaf certificate file alone. */
  readonly leafFile: string;
  /** The sent certificates above the leaf (for `s_server -cert_chain`), or null when only the leaf is sent. */
  readonly extraFile: string | null;
}

export interface Corpus {
  readonly dir: string;
  /** PEM trust store for PKIX usages (the PKIX hierarchy's root only). */
  readonly trustStoreFile: string;
  readonly chains: readonly ChainCase[];
  file(name: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEYS: Record<string, string[]> = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-newkey', 'rsa:2048'],
  ed25519: ['-newkey', 'ed25519'],
};

function selfSigned(dir: string, name: string, alg: string, san: string, ca: boolean): void {
  const ext = ca
    ? ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']
    : ['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', `subjectAltName=${san}`];
  openssl(dir, ['req', '-x509', ...KEYS[alg]!, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${name}`, ...ext]);
}

/** Issues `name` from CA `issuer` with `openssl ca`, which (unlike `x509 -req` in 3.0) takes explicit dates. */
function issued(dir: string, name: string, issuer: string, opts: { san?: string; ca?: boolean; start?: string; end?: string }): void {
  openssl(dir, ['req', '-new', ...KEYS.ec!, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  const extLines = opts.ca
    ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid']
    : ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${opts.san}`, 'authorityKeyIdentifier=keyid'];
  writeFileSync(join(dir, `${name}.ext`), extLines.join('\n') + '\n');
  writeFileSync(join(dir, `${issuer}.db`), '', { flag: 'a' });
  const conf = [
    '[ca]', 'default_ca=d', '[d]', `database=${issuer}.db`, 'new_certs_dir=.', `certificate=${issuer}.pem`, `private_key=${issuer}.key`,
    'default_md=sha256', 'policy=p', 'unique_subject=no', 'rand_serial=yes', 'copy_extensions=none', '[p]', 'commonName=supplied',
  ].join('\n');
  writeFileSync(join(dir, `${issuer}.cnf`), conf + '\n');
  openssl(dir, [
    'ca', '-batch', '-notext', '-config', `${issuer}.cnf`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', `${name}.ext`,
    '-startdate', opts.start ?? '20240101000000Z', '-enddate', opts.end ?? '20360101000000Z',
  ]);
}

function cat(dir: string, out: string, parts: string[]): string {
  writeFileSync(join(dir, out), parts.map((p) => readFileSync(join(dir, p), 'utf8')).join(''));
  return join(dir, out);
}

/** Builds the whole corpus (a few seconds, mostly RSA key generation). */
export function buildCorpus(): Corpus {
  const dir = mkdtempSync(join(tmpdir(), 'daneel-dane-'));
  selfSigned(dir, 'ss-ec', 'ec', 'DNS:ec.example.net', false);
  selfSigned(dir, 'ss-rsa', 'rsa', 'DNS:rsa.example.net', false);
  selfSigned(dir, 'ss-ed25519', 'ed25519', 'DNS:ed.example.net', false);
  selfSigned(dir, 'root1', 'ec', '', true);
  issued(dir, 'leaf1', 'root1', { san: 'DNS:leaf.example.net' });
  issued(dir, 'expired1', 'root1', { san: 'DNS:expired.example.net', start: '20200101000000Z', end: '20210101000000Z' });
  issued(dir, 'wrongname1', 'root1', { san: 'DNS:other.example.org' });
  issued(dir, 'device1', 'root1', { san: 'DNS:eid1234._device.iot.example.net' });
  selfSigned(dir, 'root2', 'ec', '', true);
  issued(dir, 'inter2', 'root2', { ca: true });
  issued(dir, 'leaf2', 'inter2', { san: 'DNS:deep.example.net' });
  selfSigned(dir, 'pkroot', 'ec', '', true);
  issued(dir, 'pkinter', 'pkroot', { ca: true });
  issued(dir, 'pkleaf', 'pkinter', { san: 'DNS:www.pkix.example' });

  const c = (id: string, leaf: string, parts: string[], host: string, cas: string[]): ChainCase => ({
    id,
    chainFile: cat(dir, `${id}.chain.pem`, [`${leaf}.pem`, ...parts.map((p) => `${p}.pem`)]),
    keyFile: join(dir, `${leaf}.key`),
    leafFile: join(dir, `${leaf}.pem`),
    extraFile: parts.length ? cat(dir, `${id}.extra.pem`, parts.map((p) => `${p}.pem`)) : null,
    host,
    cas: cas.map((x) => join(dir, `${x}.pem`)),
  });
  const chains = [
    c('ss-ec', 'ss-ec', [], 'ec.example.net', []),
    c('ss-rsa', 'ss-rsa', [], 'rsa.example.net', []),
    c('ss-ed25519', 'ss-ed25519', [], 'ed.example.net', []),
    c('root-ee', 'leaf1', [], 'leaf.example.net', ['root1']),
    c('root-ee+root', 'leaf1', ['root1'], 'leaf.example.net', ['root1']),
    c('inter-ee', 'leaf2', [], 'deep.example.net', ['inter2', 'root2']),
    c('inter-ee+inter', 'leaf2', ['inter2'], 'deep.example.net', ['inter2', 'root2']),
    c('inter-ee+inter+root', 'leaf2', ['inter2', 'root2'], 'deep.example.net', ['inter2', 'root2']),
    c('expired+root', 'expired1', ['root1'], 'expired.example.net', ['root1']),
    c('wrongname+root', 'wrongname1', ['root1'], 'leaf.example.net', ['root1']),
    c('device+root', 'device1', ['root1'], 'eid1234._device.iot.example.net', ['root1']),
    c('pkix+inter', 'pkleaf', ['pkinter'], 'www.pkix.example', ['pkinter', 'pkroot']),
    c('pkix', 'pkleaf', [], 'www.pkix.example', ['pkinter', 'pkroot']),
  ];
  return { dir, trustStoreFile: join(dir, 'pkroot.pem'), chains, file: (n) => join(dir, n) };
}
