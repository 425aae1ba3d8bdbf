/**
 * A zone whose only server never answers, asked for one new name after another (a random-subdomain flood): once
 * the server is known to be unresponsive, it gets one probe at a time, and the requests that arrive meanwhile
 * give up at once (SERVFAIL, EDE 22) instead of each waiting out the timeouts; the server is found again when a
 * probe is answered.
 */
import { describe, expect, it } from 'vitest';
import { TransportError, type QueryOptions, type Transport, type Upstream } from '../../resolver/transport/transport.js';
import { PROBE_INTERVAL_MS, TIMEOUTS_BEFORE_BLOCK } from '../../resolver/iterator/servers.js';
import { EDE } from '../../resolver/dnssec/verdict.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor, type Hierarchy } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

/** The scripted network, except that queries to `address` are held while `holding` (a server that is slow to time out). */
class HoldingTransport implements Transport {
  holding = false;
  readonly held: Array<() => void> = [];
  constructor(private readonly h: Hierarchy, private readonly address: string) {}

  query(server: Upstream, wire: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    if (!this.holding || server.address !== this.address) return this.h.net.query(server, wire, opts);
    return new Promise((_, reject) => this.held.push(() => {
      this.h.clock.advance(opts.timeoutMs);
      reject(new TransportError('TIMEOUT', `no reply from ${server.address} within ${opts.timeoutMs} ms`));
    }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('a dead zone asked for many names at once', () => {
  it('gets one probe in flight; the other requests fail at once; a probe that is answered brings it back', async () => {
    const h = buildHierarchy(standardZones());
    const transport = new HoldingTransport(h, ADDR.insecure);
    const resolver = resolverFor(h, { transport });
    await resolver.resolve(n('www.insecure.com'), T.A); // the zone cut is known; now its server dies
    h.net.setBehaviour(ADDR.insecure, 'silent');
    // Sequential requests until the server has timed out often enough to count as unresponsive.
    for (let i = 0; h.net.count(ADDR.insecure) < 1 + TIMEOUTS_BEFORE_BLOCK; i++) {
      expect((await resolver.resolve(n(`seq${i}.insecure.com`), T.A)).rcode).toBe(RCODE.SERVFAIL);
    }
    // A while later, twenty new names at once, while the server's queries hang.
    h.clock.advance(PROBE_INTERVAL_MS + 3_000);
    transport.holding = true;
    const done: number[] = [];
    const flood = Array.from({ length: 20 }, (_, i) => resolver.resolve(n(`r${i}.insecure.com`), T.A).then((r) => { done.push(i); return r; }));
    await settle();
    expect(transport.held).toHaveLength(1); // the probe
    expect(done).toHaveLength(19); // everyone else already has an answer
    // The probe times out; the request that sent it may probe once more (its own retry), one at a time.
    for (let round = 0; done.length < 20 && round < 5; round++) {
      expect(transport.held.length).toBeLessThanOrEqual(1);
      transport.held.splice(0).forEach((timeOut) => timeOut());
      await settle();
    }
    for (const r of await Promise.all(flood)) expect([r.rcode, r.verdict.ede]).toEqual([RCODE.SERVFAIL, EDE.NO_REACHABLE_AUTHORITY]);
    // The server comes back: the next probe is answered and the zone works again.
    transport.holding = false;
    h.net.setBehaviour(ADDR.insecure, 'normal');
    h.clock.advance(5_000);
    const back = await resolver.resolve(n('www.insecure.com'), T.A);
    expect([back.rcode, back.verdict.status]).toEqual([RCODE.NOERROR, 'insecure']);
  });
});
