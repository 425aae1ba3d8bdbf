/**
 * The Network Server (NS): connects to the Join Server over mutual TLS. `connect` looks up the JS's TLSA RRset
 * (`_443._tcp.js.<zone>`) with daneel first, connects with OpenSSL's own checks off (the JS's private root is in
 * no trust store) and resolves only when DANE authenticates the JS; the NS's own self-signed certificate is
 * authenticated by the JS through the NS's `ns._device.<zone>` TLSA RRset. Then one JoinReq, one JoinAns.
 *
 *   node --import tsx network-server.ts --js-host js.mtls.example --port 443 --cert ns.pem --key ns.key \
 *     --root-hints root.hints --trust-anchor root.anchor [--address 127.53.10.1]
 *
 * Without --address the JS's address is resolved with daneel too. Prints JSON lines. Exit codes: 0 the JS was
 * authenticated and answered, 1 DANE refused the JS or the JS closed without answering, 2 another failure.
 */
import { readFileSync } from 'node:fs';
import { Name } from '../../resolver/wire/name.js';
import { T } from '../../resolver/wire/types.js';
import { decodeA } from '../../resolver/wire/rdata.js';
import type { Resolver } from '../../resolver/api.js';
import { connect, DaneRejectedError, verdictToJson } from '../../dane/index.js';
import { finalName } from '../../dane/lookup.js';
import { flags, report, startDaneel } from './daneel.js';

const f = flags(['js-host', 'port', 'cert', 'key', 'address', 'root-hints'] as const);
if (!f['js-host'] || !f.cert || !f.key) {
  process.stderr.write('network-server: --js-host, --cert and --key are required\n');
  process.exit(64);
}
const host = f['js-host'];
const port = Number(f.port ?? 443);
const daneel = startDaneel(f['root-hints'], f['trust-anchor']);

/** The JS's IPv4 address from daneel; a bogus or failed answer is not used. */
async function addressOf(resolver: Resolver, name: string): Promise<string> {
  const qname = Name.parse(name.endsWith('.') ? name : `${name}.`);
  const result = await resolver.resolve(qname, T.A);
  if (result.verdict.status === 'bogus' || result.verdict.status === 'indeterminate') {
    throw new Error(`address lookup for ${name} is ${result.verdict.status}: ${result.verdict.reason}`);
  }
  const target = finalName(qname, result.answer);
  const a = result.answer.find((rr) => rr.type === T.A && rr.name.equals(target));
  if (!a) throw new Error(`${name} has no address (rcode ${result.rcode})`);
  return decodeA(a.rdata);
}

async function main(): Promise<number> {
  const address = f.address ?? (await addressOf(daneel.resolver, host));
  let conn;
  try {
    conn = await connect(host, port, { lookup: daneel.lookup, address, cert: readFileSync(f.cert!, 'utf8'), key: readFileSync(f.key!, 'utf8') });
  } catch (e) {
    if (!(e instanceof DaneRejectedError)) throw e;
    report({ side: 'ns', event: 'server', peer: `${host}:${port}`, accepted: false, ...verdictToJson(e.verdict) });
    return 1;
  }
  report({ side: 'ns', event: 'server', peer: `${host}:${port}`, accepted: true, ...verdictToJson(conn.verdict) });
  const { socket } = conn;
  const joinReq = { MessageType: 'JoinReq', ProtocolVersion: '1.1', TransactionID: 1, SenderID: 'ns.example-network-server', ReceiverID: 'js.example-join-server', DevEUI: '0004a30b001c0530' };
  const answer = await new Promise<string>((resolve) => {
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('close', () => resolve(got));
    socket.on('error', () => undefined);
    socket.write(JSON.stringify(joinReq) + '\n');
  });
  const line = answer.split('\n')[0];
  if (!line) {
    report({ side: 'ns', event: 'join', answered: false, reason: 'the Join Server closed the connection without answering (it refused this Network Server)' });
    return 1;
  }
  report({ side: 'ns', event: 'join', answered: true, answer: JSON.parse(line) as unknown });
  return 0;
}

main().then(
  async (code) => {
    await daneel.resolver.close();
    process.exit(code);
  },
  async (e: unknown) => {
    report({ side: 'ns', event: 'error', error: (e as Error).message });
    await daneel.resolver.close();
    process.exit(2);
  },
);
