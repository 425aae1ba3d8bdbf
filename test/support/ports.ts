/**
 * A port for a test server that listens on UDP and TCP. Chosen below Linux's ephemeral range (32768–60999) so
 * that no outgoing connection or port-0 socket of a concurrent test can take it between our probe and the
 * server's bind — which a port-0 pick cannot promise.
 */
import dgram from 'node:dgram';
import net from 'node:net';

const LOW = 20000;
const SPAN = 10000;

async function udpFree(address: string, port: number): Promise<boolean> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, address, () => resolve(true));
  });
  await new Promise<void>((r) => s.close(() => r()));
  return ok;
}

async function tcpFree(address: string, port: number): Promise<boolean> {
  const s = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.listen({ host: address, port, exclusive: true }, () => resolve(true));
  });
  if (ok) await new Promise<void>((r) => s.close(() => r()));
  return ok;
}

/** A port free for both UDP and TCP on `address`, outside the ephemeral range. */
export async function freeDnsPort(address = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = LOW + Math.floor(Math.random() * SPAN);
    if ((await udpFree(address, port)) && (await tcpFree(address, port))) return port;
  }
  throw new Error(`no free UDP+TCP port on ${address} in ${LOW}-${LOW + SPAN - 1} after 50 tries`);
}
