/**
 * Node TLS server with DANE client authentication (draft-ietf-dance-client-auth). The server requests a client
 * certificate without letting OpenSSL judge it (`requestCert: true, rejectUnauthorized: false`); on each secure
 * connection it takes the client identity from the certificate's subjectAltName dNSName, looks up the TLSA
 * RRset at the client's owner name, and verifies the presented chain. Only a dane-valid client reaches the
 * application's listener; any other is destroyed before the application reads or writes, and the verdict is
 * logged and emitted.
 *
 * Limit: the draft's DANE Client Identity TLS extension (ClientName in the client's Certificate message, its
 * codepoint still unassigned) cannot be sent or read with Node's `tls`. The identity comes from the certificate
 * or from the `clientId` option; it is not faked.
 */
import { createServer as tlsCreateServer } from 'node:tls';
import type { Server, TlsOptions, TLSSocket } from 'node:tls';
import { chainCredential } from './certs.js';
import { clientTlsaOwner, hostText } from './owner.js';
import { dnsNames, peerChain } from './peer.js';
import type { TrustStore } from './pkix.js';
import type { DaneVerdict } from './verdict.js';
import { lookupVerdict } from './verdict.js';
import { lookupAndVerify } from './verify.js';
import type { TlsaLookup } from './verify.js';

export interface DaneServerOptions {
  readonly lookup: TlsaLookup;
  /** Picks the client identity from the dNSNames of its certificate; default: the first one. */
  readonly clientId?: (dnsNames: readonly string[]) => string | undefined;
  /** DANCE Format 1 service label (`_service.client-name`); omitted for Formats 2 and 3. */
  readonly service?: string;
  readonly trustStore?: TrustStore;
  readonly now?: () => Date;
  /** Where refusals are logged (pino-compatible `warn`); default: none. */
  readonly logger?: { warn: (obj: object, msg: string) => void };
}

/** Verdicts per connection, readable by the application (and tests) after the fact. */
const verdicts = new WeakMap<TLSSocket, DaneVerdict>();
export function daneVerdictOf(socket: TLSSocket): DaneVerdict | undefined {
  return verdicts.get(socket);
}

/** Verifies the client of an established TLS socket; never throws. */
export async function verifyClient(socket: TLSSocket, opts: DaneServerOptions): Promise<DaneVerdict> {
  const chain = peerChain(socket);
  const leaf = chain[0];
  if (!leaf) return lookupVerdict('lookup-failed', 'client presented no certificate, so there is no identity to look up', null, null);
  const id = (opts.clientId ?? ((names) => names[0]))(dnsNames(leaf));
  if (!id) return lookupVerdict('lookup-failed', 'client certificate has no subjectAltName dNSName to use as its identity', null, null);
  let owner: string;
  try {
    owner = clientTlsaOwner(id, opts.service).toString();
  } catch (e) {
    return lookupVerdict('lookup-failed', `client identity ${JSON.stringify(id)} is not a usable name: ${(e as Error).message}`, null, null);
  }
  return lookupAndVerify(opts.lookup, owner, chainCredential(chain), {
    names: [hostText(id)],
    ...(opts.trustStore ? { trustStore: opts.trustStore } : {}),
    ...(opts.now ? { now: opts.now() } : {}),
  });
}

/**
 * `tls.createServer` with DANE client authentication. `onClient` runs only for dane-valid clients. The server
 * emits `daneVerdict (verdict, socket)` for every client and `daneReject (verdict, socket)` for refused ones.
 */
export function createDaneServer(
  tlsOptions: TlsOptions,
  opts: DaneServerOptions,
  onClient: (socket: TLSSocket, verdict: DaneVerdict) => void,
): Server {
  const server = tlsCreateServer({ ...tlsOptions, requestCert: true, rejectUnauthorized: false });
  server.on('secureConnection', (socket: TLSSocket) => {
    // The socket is not read until the verdict is in: incoming application data stays buffered.
    socket.pause();
    void verifyClient(socket, opts).then((verdict) => {
      verdicts.set(socket, verdict);
      server.emit('daneVerdict', verdict, socket);
      if (verdict.verdict === 'dane-valid') {
        onClient(socket, verdict);
        socket.resume();
        return;
      }
      opts.logger?.warn({ verdict: verdict.verdict, reason: verdict.reason, remote: socket.remoteAddress }, 'DANE client refused');
      server.emit('daneReject', verdict, socket);
      socket.destroy();
    });
  });
  return server;
}
