/**
 * A forging upstream: a UDP DNS proxy in front of a real recursive resolver that tampers with the replies about
 * one name, the way a compromised or buggy forwarder would. The channel to it is "trusted", the data must not be.
 *   strip  removes every RRSIG from the reply          alter  flips one octet of every RRSIG's signature
 *   ad     sets the AD bit (used on bogus data)
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export type Forgery = 'strip' | 'alter' | 'ad';

export interface ForgingProxy {
  port: number;
  forged: number;
  close(): Promise<void>;
}

function tamper(reply: Buffer, forgery: Forgery): Buffer {
  const msg = dnsPacket.decode(reply);
  if (forgery === 'ad') {
    // AD is bit 0x0020 of the flags word (RFC 4035 §3.2.3 / RFC 2535 bit layout).
    const out = Buffer.from(reply);
    out[3] = out[3]! | 0x20;
    return out;
  }
  const sections = ['answers', 'authorities'] as const;
  for (const s of sections) {
    const rrs = (msg[s] ?? []) as dnsPacket.Answer[];
    if (forgery === 'strip') msg[s] = rrs.filter((rr) => rr.type !== 'RRSIG') as never;
    else for (const rr of rrs) if (rr.type === 'RRSIG') { const sig = (rr.data as { signature: Buffer }).signature; sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01; }
  }
  return dnsPacket.encode(msg);
}

/** Listens on 127.0.0.1:0 and relays to `upstream`:53, forging replies whose question is `target`. */
export async function startForgingProxy(upstream: string, target: string, forgery: Forgery): Promise<ForgingProxy> {
  const sock = dgram.createSocket('udp4');
  const state = { forged: 0 };
  const wanted = target.toLowerCase().replace(/\.$/, '');
  sock.on('message', (query, client) => {
    const relay = dgram.createSocket('udp4');
    const timer = setTimeout(() => relay.close(), 5000);
    relay.on('message', (reply) => {
      clearTimeout(timer);
      relay.close();
      const q = dnsPacket.decode(query).questions?.[0];
      const forge = q !== undefined && q.name.toLowerCase() === wanted;
      if (forge) state.forged++;
      sock.send(forge ? tamper(reply, forgery) : reply, client.port, client.address);
    });
    relay.send(query, 53, upstream);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return {
    port: sock.address().port,
    get forged() { return state.forged; },
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
