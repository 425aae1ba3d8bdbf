/** `ADDR:PORT` listen addresses: `127.0.0.1:5300`, `[::1]:53` (IPv6 in brackets, RFC 3986 §3.2.2 style). */
import { isIP } from 'node:net';

export interface ListenAddress {
  address: string;
  port: number;
}

export class ServerError extends Error {
  constructor(readonly code: 'BAD_LISTEN_ADDRESS' | 'LISTEN_FAILED', message: string) {
    super(message);
    this.name = 'ServerError';
  }
}

export function parseListenAddress(text: string): ListenAddress {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) throw new ServerError('BAD_LISTEN_ADDRESS', `listen address ${JSON.stringify(text)} is not ADDR:PORT (IPv6 as [ADDR]:PORT)`);
  const address = m[1]!;
  const port = Number(m[2]);
  const family = isIP(address);
  if (family === 0) throw new ServerError('BAD_LISTEN_ADDRESS', `listen address ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IP address`);
  if (family === 6 && !text.startsWith('[')) throw new ServerError('BAD_LISTEN_ADDRESS', `listen address ${JSON.stringify(text)}: write IPv6 as [ADDR]:PORT`);
  if (port > 65535) throw new ServerError('BAD_LISTEN_ADDRESS', `listen address ${JSON.stringify(text)}: port ${port} exceeds 65535`);
  return { address, port };
}

export function formatListenAddress(a: ListenAddress): string {
  return isIP(a.address) === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
