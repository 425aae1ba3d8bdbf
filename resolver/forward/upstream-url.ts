/**
 * Forwarding upstream URLs (`--forward ZONE=URL[,URL...]`), parsed into a description of the upstream: its
 * transport (UDP, TCP, DoT, DoH), address, port and how its TLS certificate is authenticated. Pure code.
 *
 *   udp://ADDR[:PORT]            tcp://ADDR[:PORT]                      (port 53)
 *   tls://ADDR[:PORT]?name=AUTH-NAME[&pin=sha256/BASE64]                (port 853, RFC 7858 §3.1)
 *   https://HOST[:PORT]/PATH[?name=AUTH-NAME][&pin=sha256/BASE64][&method=get|post]   (port 443, RFC 8484)
 *
 * RFC 8310 §5 (strict privacy profile): a TLS upstream must be authenticated, by an authentication domain name
 * checked against its certificate (RFC 7858 §4.2, RFC 6125) and/or SPKI pins (RFC 7858 §4.2, RFC 7469 format).
 * A `tls://` URL with neither is refused; an `https://` URL authenticates HOST unless `name=` says otherwise.
 */
import { isIP } from 'node:net';

export type UpstreamKind = 'udp' | 'tcp' | 'tls' | 'https';

/** How an encrypted upstream proves who it is. */
export interface TlsAuth {
  /** RFC 7858 §4.2 authentication domain name (or an IP literal matched against IP SANs); undefined: pins only. */
  name?: string;
  /** SHA-256 digests of acceptable DER SubjectPublicKeyInfo (RFC 7469 §2.4); any one matching is enough. */
  pins: Uint8Array[];
}

export interface Upstream {
  kind: UpstreamKind;
  /** The URL as given, for logs and errors. */
  url: string;
  /** IP literal for udp/tcp/tls; IP literal or host name for https. */
  host: string;
  port: number;
  /** tls/https only. */
  auth?: TlsAuth;
  /** https only: the URI template path (RFC 8484 §3) and the method used. */
  path?: string;
  method?: 'GET' | 'POST';
}

export class UpstreamUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamUrlError';
  }
}

const DEFAULT_PORT: Record<UpstreamKind, number> = { udp: 53, tcp: 53, tls: 853, https: 443 };
/** RFC 7469 §2.4: pin-sha256 is the base64 of a 32-octet SHA-256 digest. */
const PIN_PREFIX = 'sha256/';
const SHA256_LENGTH = 32;
const QUERY_KEYS: Record<UpstreamKind, readonly string[]> = { udp: [], tcp: [], tls: ['name', 'pin'], https: ['name', 'pin', 'method'] };

export function parseUpstreamUrl(text: string): Upstream {
  const bad = (why: string): UpstreamUrlError => new UpstreamUrlError(`bad upstream URL ${JSON.stringify(text)}: ${why}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL (expected udp://, tcp://, tls:// or https://)');
  }
  const kind = url.protocol.replace(/:$/, '');
  if (kind !== 'udp' && kind !== 'tcp' && kind !== 'tls' && kind !== 'https') throw bad(`unknown scheme ${JSON.stringify(url.protocol)} (expected udp, tcp, tls or https)`);
  if (url.username || url.password) throw bad('user information is not allowed');
  if (url.hash) throw bad('a fragment is not allowed');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw bad('no address');
  if (kind !== 'https' && isIP(host) === 0) throw bad(`${JSON.stringify(host)} is not an IP address (${kind}:// takes an address, not a name)`);
  const port = url.port === '' ? DEFAULT_PORT[kind] : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${url.port} is out of range`);
  for (const key of new Set(url.searchParams.keys())) {
    if (!QUERY_KEYS[kind].includes(key)) throw bad(`unknown parameter ${JSON.stringify(key)} for ${kind}://`);
  }
  if (kind === 'udp' || kind === 'tcp') {
    if (url.pathname !== '' && url.pathname !== '/') throw bad(`${kind}:// takes no path`);
    return { kind, url: text, host, port };
  }
  const auth = parseAuth(url, bad);
  if (kind === 'tls') {
    if (url.pathname !== '' && url.pathname !== '/') throw bad('tls:// takes no path');
    // RFC 8310 §5: no opportunistic profile here; an unauthenticated DoT upstream is a configuration error.
    if (auth.name === undefined && auth.pins.length === 0) throw bad('tls:// needs ?name=AUTH-NAME and/or &pin=sha256/BASE64 (RFC 8310 strict profile)');
    return { kind, url: text, host, port, auth };
  }
  if (url.pathname === '/' || url.pathname === '') throw bad('https:// needs the DoH path, e.g. /dns-query');
  const methods = url.searchParams.getAll('method');
  if (methods.length > 1) throw bad('method given more than once');
  const method = (methods[0] ?? 'post').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw bad(`method must be get or post, not ${JSON.stringify(methods[0])}`);
  // The DoH server is authenticated by HOST unless name= names another identity (RFC 8484 §10 / RFC 8310).
  if (auth.name === undefined && auth.pins.length === 0) auth.name = host;
  return { kind, url: text, host, port, auth, path: url.pathname, method };
}

function parseAuth(url: URL, bad: (why: string) => UpstreamUrlError): TlsAuth {
  const names = url.searchParams.getAll('name');
  if (names.length > 1) throw bad('name given more than once');
  const pins = url.searchParams.getAll('pin').map((p) => parsePin(p, bad));
  const auth: TlsAuth = { pins };
  if (names[0] !== undefined) {
    const name = names[0].replace(/\.$/, '');
    if (name === '' || !/^[A-Za-z0-9_.:-]+$/.test(name)) throw bad(`authentication name ${JSON.stringify(names[0])} is not a host name or address`);
    auth.name = name;
  }
  return auth;
}

function parsePin(text: string, bad: (why: string) => UpstreamUrlError): Uint8Array {
  if (!text.startsWith(PIN_PREFIX)) throw bad(`pin ${JSON.stringify(text)} must start with ${PIN_PREFIX}`);
  const b64 = text.slice(PIN_PREFIX.length);
  // URLSearchParams turns '+' into ' '; standard base64 pins often contain '+', so put it back.
  const normalised = b64.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalised)) throw bad(`pin ${JSON.stringify(text)} is not base64`);
  const bytes = Buffer.from(normalised, 'base64');
  if (bytes.length !== SHA256_LENGTH) throw bad(`pin ${JSON.stringify(text)} is ${bytes.length} octets, a SHA-256 digest is ${SHA256_LENGTH}`);
  return Uint8Array.from(bytes);
}

/** A short label for logs: scheme, address and port. */
export function describeUpstream(u: Upstream): string {
  const host = isIP(u.host) === 6 ? `[${u.host}]` : u.host;
  return `${u.kind}://${host}:${u.port}${u.path ?? ''}`;
}
