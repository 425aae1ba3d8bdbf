/**
 * Mutual TLS with DANE end to end on the signed test hierarchy: the example's Join Server and Network Server
 * (examples/lorawan-mtls) run inside the daneel-hier namespace, each with daneel in-process resolving and
 * validating the other's TLSA RRset from the private root. Both accept a good peer; a peer whose TLSA changed,
 * whose zone is bogus (expired RRSIGs) or whose TLSA is insecure (unsigned zone) is refused with that verdict,
 * on the side that looks it up, and no application data is exchanged.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NetnsProcess, jsonLines, nodeInNetns } from '../hierarchy/netns-run.js';
import type { MtlsCase } from '../hierarchy/dane-fixtures.js';

const hierarchy = inject('hierarchy');
const fx = inject('daneMtls');
const DNS = ['--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor];
const EXAMPLE = 'examples/lorawan-mtls';

let js: NetnsProcess;

beforeAll(async () => {
  js = new NetnsProcess(hierarchy.netns, [
    '--import', 'tsx', `${EXAMPLE}/join-server.ts`, '--chain', fx.js.chain, '--key', fx.js.key,
    '--listen', `${fx.js.address}:${fx.js.port}`, ...DNS,
  ]);
  await js.waitFor((l) => l.event === 'listening');
});
afterAll(async () => {
  await js?.stop();
});

interface NsRun {
  code: number | null;
  server: Record<string, unknown> | undefined;
  join: Record<string, unknown> | undefined;
  raw: string;
}

/** Runs the Network Server once with the certificate of `nsCase` against the Join Server host of `jsCase`. */
async function runNs(jsCase: MtlsCase, nsCase: MtlsCase, opts: { resolveAddress?: boolean } = {}): Promise<NsRun> {
  const address = opts.resolveAddress ? [] : ['--address', fx.js.address];
  const ran = await nodeInNetns(hierarchy.netns, [
    '--import', 'tsx', `${EXAMPLE}/network-server.ts`, '--js-host', fx.js.hosts[jsCase], '--port', String(fx.js.port),
    '--cert', fx.ns.certs[nsCase], '--key', fx.ns.key, ...address, ...DNS,
  ]);
  const lines = jsonLines(ran.stdout);
  return {
    code: ran.code,
    server: lines.find((l) => l.event === 'server'),
    join: lines.find((l) => l.event === 'join'),
    raw: `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`,
  };
}

const EXPECTED: Record<Exclude<MtlsCase, 'good'>, { verdict: string; dnssec: string }> = {
  changed: { verdict: 'dane-mismatch', dnssec: 'secure' },
  bogus: { verdict: 'bogus', dnssec: 'bogus' },
  insecure: { verdict: 'insecure', dnssec: 'insecure' },
};

describe('LoRaWAN NS <-> JS mutual TLS authenticated by DANE on the test hierarchy', () => {
  it('both sides accept a good peer, and the JoinReq gets its JoinAns', async () => {
    const from = js.lines.length;
    // The NS also resolves the JS's address with daneel here (secure A record).
    const run = await runNs('good', 'good', { resolveAddress: true });
    expect(run.code, run.raw).toBe(0);
    expect(run.server, run.raw).toMatchObject({ accepted: true, verdict: 'dane-valid', matched: { usage: 2, selector: 0, mtype: 1, depth: 1 } });
    expect(run.server?.dnssec, run.raw).toMatchObject({ status: 'secure' });
    expect(run.join, run.raw).toMatchObject({ answered: true, answer: { MessageType: 'JoinAns', Result: { ResultCode: 'Success' } } });
    const jsSaw = await js.waitFor((l) => l.event === 'client', 10_000, from);
    expect(jsSaw).toMatchObject({ peer: fx.ns.ids.good, accepted: true, verdict: 'dane-valid', matched: { usage: 3, selector: 1, mtype: 1, depth: 0 } });
    expect(jsSaw.dnssec).toMatchObject({ status: 'secure' });
  });

  for (const c of ['changed', 'bogus', 'insecure'] as const) {
    it(`the NS refuses a JS whose TLSA is ${c}: ${EXPECTED[c].verdict}`, async () => {
      const from = js.lines.length;
      const run = await runNs(c, 'good');
      expect(run.code, run.raw).toBe(1);
      expect(run.server, run.raw).toMatchObject({ accepted: false, verdict: EXPECTED[c].verdict });
      expect(run.server?.dnssec, run.raw).toMatchObject({ status: EXPECTED[c].dnssec });
      if (c === 'bogus') expect(run.server?.ede, `RFC 8914 §4.8: expired signatures (${run.raw})`).toBe(7);
      if (c === 'changed') expect((run.server?.records as unknown[]).length, run.raw).toBe(1);
      expect(run.join, run.raw).toBeUndefined();
      // The refused JS never got a JoinReq (bogus and insecure: not even a connection).
      await new Promise((r) => setTimeout(r, 300));
      expect(js.lines.slice(from).filter((l) => l.event === 'join'), JSON.stringify(js.lines.slice(from))).toEqual([]);
      if (c !== 'changed') expect(js.lines.slice(from).filter((l) => l.event === 'client')).toEqual([]);
    });

    it(`the JS refuses an NS whose TLSA is ${c}: ${EXPECTED[c].verdict}`, async () => {
      const from = js.lines.length;
      const run = await runNs('good', c);
      // The NS authenticated the JS, sent its JoinReq, and saw the connection closed without an answer.
      expect(run.server, run.raw).toMatchObject({ accepted: true, verdict: 'dane-valid' });
      expect(run.join, run.raw).toMatchObject({ answered: false });
      expect(run.code, run.raw).toBe(1);
      const jsSaw = await js.waitFor((l) => l.event === 'client', 10_000, from);
      expect(jsSaw).toMatchObject({ peer: fx.ns.ids[c], accepted: false, verdict: EXPECTED[c].verdict });
      expect(jsSaw.dnssec).toMatchObject({ status: EXPECTED[c].dnssec });
      if (c === 'bogus') expect(jsSaw.ede, 'RFC 8914 §4.8: expired signatures').toBe(7);
      expect(js.lines.slice(from).filter((l) => l.event === 'join')).toEqual([]);
    });
  }
});
