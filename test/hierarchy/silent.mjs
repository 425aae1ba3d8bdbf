// silent.mjs HOST PORT — a name server that is there but never answers: it binds UDP and TCP on
// HOST:PORT, reads every query and sends nothing back, and keeps TCP connections open. A resolver
// must fall back to another server after its own timeout (unlike a closed port, which the kernel
// refuses at once with ICMP port unreachable / RST).
import dgram from 'node:dgram';
import net from 'node:net';

const [host, portText] = process.argv.slice(2);
const port = Number(portText ?? '53');
if (!host || !Number.isInteger(port)) {
  console.error('usage: node silent.mjs HOST PORT');
  process.exit(2);
}

const udp = dgram.createSocket('udp4');
// one log line per query (WORKDIR/logs/silent.log): lets a test see that a resolver did try it
udp.on('message', (_query, from) => console.log(`udp query from ${from.address}:${from.port}, not answered`));
udp.bind(port, host);

const held = new Set();
const tcp = net.createServer((socket) => {
  held.add(socket);
  socket.on('data', () => console.log(`tcp query from ${socket.remoteAddress}:${socket.remotePort}, not answered`));
  socket.on('error', () => held.delete(socket));
  socket.on('close', () => held.delete(socket));
});
tcp.listen(port, host);

const stop = () => {
  for (const socket of held) socket.destroy();
  udp.close();
  tcp.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
