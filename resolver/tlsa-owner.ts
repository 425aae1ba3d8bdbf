/** The TLSA owner name `_port._proto.host` (RFC 6698 §3), shared by every Resolver's resolveTLSA. */
import { Name } from './wire/name.js';

export function tlsaOwner(host: Name | string, port: number, proto = 'tcp'): Name {
  const base = typeof host === 'string' ? Name.parse(host.endsWith('.') ? host : `${host}.`) : host;
  return base.prepend(`_${proto}`).prepend(`_${port}`);
}
