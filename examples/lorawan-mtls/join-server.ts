/**
 * The Join Server (JS): a TLS server that accepts a Network Server only when DANE authenticates it.
 * `createDaneServer` requests the client certificate, takes the client identity from its subjectAltName
 * dNSName (`ns._device.<zone>`), looks up the TLSA RRset there with daneel and verifies the chain before this
 * program sees the connection. An authenticated NS sends one JoinReq (LoRaWAN Backend Interfaces, one JSON
 * line) and gets one JoinAns back; a refused NS is disconnected before any application data.
 *
 *   node --import tsx join-server.ts --chain js-chain.pem --key js.key --listen 127.53.10.1:443 \
 *     --root-hints root.hints --trust-anchor root.anchor [--clients N]
 *
 * Prints one JSON line when listening and one per client verdict; with --clients N it exits after N verdicts.
 */
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { createDaneServer, verdictToJson } from '../../dane/index.js';
import type { DaneVerdict } from '../../dane/index.js';
import { dnsNames, peerChain } from '../../dane/peer.js';
import { flags, report, startDaneel } from './daneel.js';

const f = flags(['chain', 'key', 'listen', 'root-hints', 'clients'] as const);
if (!f.chain || !f.key || !f.listen) {
  process.stderr.write('join-server: --chain, --key and --listen ADDRESS:PORT are required\n');
  process.exit(64);
}
const at = f.listen.lastIndexOf(':');
const [address, port] = [f.listen.slice(0, at), Number(f.listen.slice(at + 1))];
const maxClients = f.clients ? Number(f.clients) : Infinity;
const daneel = startDaneel(f['root-hints'], f['trust-anchor']);

/** The client identity as presented (first dNSName), for the log line. */
function presentedIdentity(socket: TLSSocket): string | null {
  const leaf = peerChain(socket)[0];
  return leaf ? (dnsNames(leaf)[0] ?? null) : null;
}

/** The application: one JoinReq in, one JoinAns out. */
function serveJoin(socket: TLSSocket): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    const req = JSON.parse(buffered.slice(0, end)) as { MessageType?: string; TransactionID?: number; SenderID?: string; DevEUI?: string };
    report({ side: 'js', event: 'join', peer: presentedIdentity(socket), request: req.MessageType ?? null });
    const ans = { MessageType: 'JoinAns', TransactionID: req.TransactionID, SenderID: 'js.example-join-server', ReceiverID: req.SenderID, DevEUI: req.DevEUI, Result: { ResultCode: 'Success' } };
    socket.end(JSON.stringify(ans) + '\n');
  });
  socket.on('error', () => undefined);
}

const server = createDaneServer({ cert: readFileSync(f.chain, 'utf8'), key: readFileSync(f.key, 'utf8') }, { lookup: daneel.lookup }, (socket) => serveJoin(socket));
let seen = 0;
server.on('daneVerdict', (verdict: DaneVerdict, socket: TLSSocket) => {
  const accepted = verdict.verdict === 'dane-valid';
  report({ side: 'js', event: 'client', peer: presentedIdentity(socket), accepted, ...verdictToJson(verdict) });
  if (++seen >= maxClients) setTimeout(() => void shutdown(), accepted ? 200 : 0);
});
server.on('tlsClientError', (e: Error) => report({ side: 'js', event: 'tls-error', error: e.message }));

async function shutdown(): Promise<void> {
  server.close();
  await daneel.resolver.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

server.listen(port, address, () => report({ side: 'js', event: 'listening', address, port }));
