// delay-proxy.mjs LISTEN_HOST TARGET_HOST DELAY_MS — a UDP DNS proxy on LISTEN_HOST:53 that forwards each query
// to TARGET_HOST:53 and passes the reply back DELAY_MS later (a slow server, without tc netem). Prints one line
// per query it receives ("query from ADDR:PORT"), so a test knows when a resolver has a query in flight.
import dgram from 'node:dgram';

const [listenHost, target, delayText] = process.argv.slice(2);
const delay = Number(delayText ?? '200');
if (!listenHost || !target || !Number.isFinite(delay)) {
  console.error('usage: node delay-proxy.mjs LISTEN_HOST TARGET_HOST DELAY_MS');
  process.exit(2);
}

const front = dgram.createSocket('udp4');
front.on('message', (query, from) => {
  console.log(`query from ${from.address}:${from.port}`);
  const back = dgram.createSocket('udp4');
  const timer = setTimeout(() => back.close(), 5000);
  back.on('message', (reply) => {
    setTimeout(() => { front.send(reply, from.port, from.address); clearTimeout(timer); back.close(); }, delay);
  });
  back.send(query, 53, target);
});
front.bind(53, listenHost, () => console.log('ready'));
const stop = () => { front.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
