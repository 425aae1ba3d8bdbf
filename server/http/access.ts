/**
 * Access control for the HTTP front end. The decision is injected: `(address) => 'allow' | 'refuse' | 'drop'`
 * (the runtime's `server/acl.ts` provides one from --allow/--refuse/--drop). Refuse answers 403 with a JSON
 * error; drop closes the connection without a word. Without a policy only loopback clients are served, so a
 * listener opened on a public address by mistake does not become an open resolver (RFC 5358 §4).
 */
import { BlockList, isIP } from 'node:net';

export type AccessDecision = 'allow' | 'refuse' | 'drop';
export type AccessCheck = (address: string) => AccessDecision;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** The default policy: loopback (127.0.0.0/8, ::1, and v4-mapped loopback) allowed, everyone else refused. */
export const loopbackOnly: AccessCheck = (address) => {
  const family = isIP(address);
  if (family === 0) return 'refuse';
  return loopback.check(address, family === 6 ? 'ipv6' : 'ipv4') ? 'allow' : 'refuse';
};
