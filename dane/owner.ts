/**
 * TLSA owner names, as pure functions over `Name`.
 * - servers: `_port._proto.host` (RFC 6698 §3);
 * - clients (draft-ietf-dance-client-auth, "Associating Client Identities in DNS TLSA Records"):
 *   Format 1 `_service.client-domain-name`, Format 2 `devicename._device.org-domain-name`,
 *   Format 3 the client domain name itself;
 * - the TLSA base domain and reference identifiers when the host is a CNAME alias (RFC 7671 §7).
 */
import { Name } from '../resolver/wire/name.js';

export class OwnerNameError extends Error {
  readonly code = 'DANE_OWNER_NAME';
  constructor(message: string) {
    super(message);
    this.name = 'OwnerNameError';
  }
}

function asName(n: Name | string): Name {
  if (n instanceof Name) return n;
  // A host given without a trailing dot is still absolute: there is no search list here.
  return Name.parse(n.endsWith('.') ? n : `${n}.`);
}

/** RFC 6698 §3: `_<port>._<protocol>.<base domain>`; the port is decimal, protocol a label like `tcp`. */
export function tlsaOwner(host: Name | string, port: number, proto = 'tcp'): Name {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OwnerNameError(`port must be 0-65535, got ${port}`);
  if (!/^[A-Za-z0-9-]{1,62}$/.test(proto)) throw new OwnerNameError(`protocol must be a plain label like "tcp", got ${JSON.stringify(proto)}`);
  return asName(host).prepend(`_${proto}`).prepend(`_${port}`);
}

/** DANCE Format 2: `devicename._device.org-domain` (the `_device` label lets the org delegate its devices). */
export function deviceIdentity(deviceName: Name | string, orgDomain: Name | string): Name {
  const device = typeof deviceName === 'string' ? Name.parse(deviceName, Name.ROOT) : deviceName;
  if (device.isRoot) throw new OwnerNameError('device name must have at least one label');
  const org = asName(orgDomain).prepend('_device');
  return new Name([...device.labels, ...org.labels]);
}

/** True when the name has the DANCE Format 2 shape (some label, then `_device`, then at least one org label). */
export function isDeviceIdentity(name: Name | string): boolean {
  const labels = asName(name).labels;
  const at = labels.findIndex((l) => Buffer.from(l).toString('latin1').toLowerCase() === '_device');
  return at >= 1 && at < labels.length - 1;
}

/**
 * The TLSA owner for a client identity. Formats 2 and 3 publish the TLSA RRset at the client's name itself;
 * Format 1 prefixes an application service label (`_smtp-client.device1.example.com`).
 */
export function clientTlsaOwner(clientId: Name | string, service?: string): Name {
  const id = asName(clientId);
  if (id.isRoot) throw new OwnerNameError('client identity must not be the root');
  if (service === undefined) return id;
  const label = service.startsWith('_') ? service : `_${service}`;
  if (!/^_[A-Za-z0-9-]{1,62}$/.test(label)) throw new OwnerNameError(`service must be a plain label, got ${JSON.stringify(service)}`);
  return id.prepend(label);
}

/** The outcome of resolving the service host's address records, as far as §7 needs it. */
export interface CnameExpansion {
  /** The name the application was asked to connect to. */
  readonly initial: Name | string;
  /** The final target after following CNAMEs (equal to `initial` when there was no alias). */
  readonly expanded: Name | string;
  /** Whether every CNAME in the chain was DNSSEC-secure. */
  readonly secure: boolean;
}

/**
 * RFC 7671 §7: when the CNAME expansion is secure, the TLSA base domain is first the fully expanded name and,
 * failing TLSA records there, the initial name; when any CNAME is insecure, only the initial name is used.
 * Returns the candidates in the order they are to be tried (no duplicates).
 */
export function tlsaBaseDomains(x: CnameExpansion): Name[] {
  const initial = asName(x.initial);
  const expanded = asName(x.expanded);
  if (!x.secure || expanded.equals(initial)) return [initial];
  return [expanded, initial];
}

/**
 * RFC 7671 §7: names the certificate is checked against. With a secure expansion and TLSA found at the expanded
 * name, that name is a reference identifier and so is the initial name (clients SHOULD accept either); when
 * the base domain is the initial name, that is the only one.
 */
export function referenceIdentifiers(x: CnameExpansion, baseDomain: Name | string): string[] {
  const base = asName(baseDomain);
  const initial = asName(x.initial);
  const names = base.equals(initial) ? [initial] : [base, initial];
  return names.map(hostText);
}

/** A name as a host string for certificate checks: presentation form without the trailing dot. */
export function hostText(n: Name | string): string {
  const s = asName(n).toString();
  return s === '.' ? s : s.slice(0, -1);
}
