/**
 * Node TLS client with DANE: the TLSA RRset is looked up first, the connection is made with
 * `rejectUnauthorized: false` (so self-signed and private-root certificates reach the check), and the peer chain
 * is verified on `secureConnect`, before the caller gets the socket and can write anything. Any verdict other
 * than dane-valid destroys the socket and rejects with that verdict.
 *
 * `checkServerIdentity` cannot carry the lookup: it is synchronous, and Node calls it only after OpenSSL's own
 * chain check passed. `daneCheckServerIdentity` is offered for an RRset resolved beforehand (see its limits).
 */
import { checkServerIdentity as nodeCheckServerIdentity, connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { chainCredential, certMatchesName } from './certs.js';
import { hostText, tlsaOwner } from './owner.js';
import { chainFromDetailed, peerChain } from './peer.js';
import type { TrustStore } from './pkix.js';
import { associationData, bytesEqual, formatTlsa, selectedBytes, toTlsaRecord, unusableReason, USAGE } from './tlsa.js';
import type { TlsaRecordLike } from './tlsa.js';
import type { DaneVerdict } from './verdict.js';
import { lookupVerdict } from './verdict.js';
import { lookupOnlyVerdict, verifyTlsa } from './verify.js';
import type { TlsaLookup, TlsaLookupResult } from './verify.js';

/** Thrown (rejected) when a connection is refused; carries the verdict. */
export class DaneRejectedError extends Error {
  readonly code = 'DANE_REJECTED';
  constructor(readonly verdict: DaneVerdict) {
    super(`DANE ${verdict.verdict}: ${verdict.reason}`);
    this.name = 'DaneRejectedError';
  }
}

export interface DaneConnectOptions extends Omit<ConnectionOptions, 'host' | 'port' | 'rejectUnauthorized' | 'checkServerIdentity'> {
  /** The injected TLSA lookup: `(owner) => Promise<{ records, rcode, status, reason, ede }>`. */
  readonly lookup: TlsaLookup;
  /** Transport label of the TLSA owner (`_port._proto.host`), default tcp. */
  readonly proto?: string;
  /** Address to connect to instead of resolving `host` (the host still names the TLSA owner and SNI). */
  readonly address?: string;
  readonly trustStore?: TrustStore;
  readonly now?: () => Date;
}

export interface DaneConnection {
  readonly socket: TLSSocket;
  readonly verdict: DaneVerdict;
}

/** Looks up `_port._proto.host` TLSA, connects, and resolves only when the peer is DANE-authenticated. */
export async function connect(host: string, port: number, opts: DaneConnectOptions): Promise<DaneConnection> {
  const { lookup, proto, address, trustStore, now, ...tlsOpts } = opts;
  const owner = tlsaOwner(host, port, proto ?? 'tcp').toString();
  let result: TlsaLookupResult;
  try {
    result = await lookup(owner);
  } catch (e) {
    throw new DaneRejectedError(lookupVerdict('lookup-failed', `TLSA lookup for ${owner} threw: ${(e as Error).message}`, null, null));
  }
  // Bogus, insecure, missing or failed lookups are refused before any connection is made.
  const decided = lookupOnlyVerdict(result);
  if (decided) throw new DaneRejectedError(decided);
  const name = hostText(host);
  return new Promise<DaneConnection>((resolve, reject) => {
    const socket = tlsConnect({ ...tlsOpts, host: address ?? name, port, servername: tlsOpts.servername ?? name, rejectUnauthorized: false });
    socket.once('error', (e) => reject(e));
    // A peer that closes before the handshake completes: reject (a no-op once settled).
    socket.once('close', () => reject(new Error(`connection to ${name}:${port} closed before DANE verification`)));
    socket.once('secureConnect', () => {
      const verdictP = verifyTlsa(result.records, chainCredential(peerChain(socket)), {
        names: [name],
        ...(trustStore ? { trustStore } : {}),
        ...(now ? { now: now() } : {}),
      }, { status: result.status, reason: result.reason });
      verdictP.then(
        (verdict) => {
          if (verdict.verdict === 'dane-valid') return resolve({ socket, verdict });
          socket.destroy();
          reject(new DaneRejectedError(verdict));
        },
        (e: unknown) => {
          socket.destroy();
          reject(e);
        },
      );
    });
  });
}

/**
 * A `checkServerIdentity` for an RRset resolved (and found DNSSEC-secure) beforehand. Node calls it only after
 * OpenSSL validated the chain against the `ca` given to tls.connect, so it suits PKIX-TA(0), PKIX-EE(1) and
 * DANE-EE(3). DANE-TA(2) needs chain validation up to a TLSA-named anchor, which is asynchronous here: use
 * `connect()` for it (such records are reported as not matching).
 */
export function daneCheckServerIdentity(records: readonly TlsaRecordLike[]): (hostname: string, cert: PeerCertificate) => Error | undefined {
  const parsed = records.map(toTlsaRecord).filter((r) => unusableReason(r) === null);
  return (hostname, cert) => {
    const chain = chainFromDetailed(cert as DetailedPeerCertificate);
    const leaf = chain[0];
    if (!leaf) return new Error('DANE: peer sent no certificate');
    for (const r of parsed) {
      const matches = (depth: number): boolean =>
        chain[depth] !== undefined && bytesEqual(associationData(selectedBytes(chain[depth]!, r.selector), r.mtype), r.data);
      if (r.usage === USAGE.DANE_EE && matches(0)) return undefined; // RFC 7671 §5.1: no name check.
      const pkixMatch = r.usage === USAGE.PKIX_EE ? matches(0) : r.usage === USAGE.PKIX_TA && chain.slice(1).some((_c, i) => matches(i + 1));
      if (pkixMatch) return certMatchesName(leaf, [hostname]) ? undefined : nodeCheckServerIdentity(hostname, cert) ?? new Error('DANE: name mismatch');
    }
    return new Error(`DANE: no TLSA record matches (${parsed.map(formatTlsa).join('; ') || 'no usable records'})`);
  };
}
