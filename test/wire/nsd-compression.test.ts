/**
 * Against a real server: NSD compresses names inside NS, SOA, MX and CNAME RDATA; decodeMessage must return the
 * exact uncompressed RDATA. Needs Debian's nsd (installed by the project set-up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Name } from '../../resolver/wire/name.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { buildQuery } from '../../resolver/wire/query.js';
import { T } from '../../resolver/wire/types.js';
import { decodeMx, decodeSoa, decodeTargetName } from '../../resolver/wire/rdata.js';
import dnsPacket from 'dns-packet';

const ZONE = `$ORIGIN Example.COM.
$TTL 300
@ IN SOA Ns1.Example.COM. HostMaster.Example.COM. 2026112601 7200 900 1209600 300
@ IN NS Ns1.Example.COM.
@ IN NS ns2.EXAMPLE.com.
@ IN MX 10 Mail.Example.COM.
Ns1 IN A 127.0.0.1
www IN CNAME WWW2.Example.COM.
`;

let dir = '';
let nsd: ChildProcess | undefined;
const port = 20000 + Math.floor(Math.random() * 30000);

function query(name: string, type: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error(`no answer from nsd on port ${port}`)); }, 1000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(new Uint8Array(m)); });
    s.send(buildQuery({ id: 77, name: Name.parse(name), type, rd: false, cd: false, do: false, udpSize: 1232 }), port, '127.0.0.1');
  });
}

async function queryWithRetry(name: string, type: number): Promise<Uint8Array> {
  for (let i = 0; ; i++) {
    try { return await query(name, type); } catch (e) { if (i >= 15) throw e; }
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'daneel-wire-nsd-'));
  writeFileSync(join(dir, 'example.zone'), ZONE);
  writeFileSync(join(dir, 'nsd.conf'), `server:
  ip-address: 127.0.0.1@${port}
  username: ""
  zonesdir: "${dir}"
  pidfile: "${dir}/nsd.pid"
  database: ""
  xfrdfile: "${dir}/xfrd.state"
  zonelistfile: "${dir}/zone.list"
  logfile: "${dir}/nsd.log"
remote-control:
  control-enable: no
zone:
  name: Example.COM.
  zonefile: example.zone
`);
  nsd = spawn('nsd', ['-d', '-c', join(dir, 'nsd.conf')], { stdio: 'ignore' });
});

afterAll(() => {
  if (nsd?.pid) process.kill(nsd.pid);
  rmSync(dir, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Names as dns-packet (an independent decoder) reads them: plain dotted text, case as on the wire. */
const text = (n: Name) => n.toString().slice(0, -1);

describe('RDATA decompression against NSD', () => {
  // NSD may send labels in a different case than the zone file (it stores names case-folded and compresses against
  // the question), so the exact bytes are checked against dns-packet's reading of the same packet, and the names
  // against the zone case-insensitively.
  it('MX answer with NS authority: RDATA names come out uncompressed and exact', async () => {
    const raw = await queryWithRetry('Example.COM.', T.MX);
    const m = decodeMessage(raw);
    const ref = dnsPacket.decode(Buffer.from(raw));
    const mx = decodeMx(m.answer[0]!.rdata);
    expect(mx.preference).toBe(10);
    expect(text(mx.exchange)).toBe((ref.answers![0] as { data: { exchange: string } }).data.exchange);
    expect(mx.exchange.equals(Name.parse('Mail.Example.COM.'))).toBe(true);
    const ns = m.authority.map((r) => decodeTargetName(r.rdata));
    expect(ns.map(text)).toEqual(ref.authorities!.map((r) => (r as { data: string }).data));
    expect(ns.map((n) => n.key).sort()).toEqual([Name.parse('Ns1.Example.COM.').key, Name.parse('ns2.EXAMPLE.com.').key].sort());
    // Stored RDATA is the plain uncompressed name: it re-reads with no message around it.
    for (const r of m.authority) expect(hex(Name.decode(r.rdata, 0).name.wire)).toBe(hex(r.rdata));
    // NSD did compress: our uncompressed re-encoding is longer than what came over the wire.
    expect(encodeMessage(m, { compress: false }).length).toBeGreaterThan(raw.length);
  });

  it('SOA and CNAME RDATA come out uncompressed and exact', async () => {
    const raw = await queryWithRetry('Example.COM.', T.SOA);
    const soa = decodeSoa(decodeMessage(raw).answer[0]!.rdata);
    const ref = dnsPacket.decode(Buffer.from(raw)).answers![0] as { data: { mname: string; rname: string } };
    expect([text(soa.mname), text(soa.rname)]).toEqual([ref.data.mname, ref.data.rname]);
    expect(soa.mname.equals(Name.parse('Ns1.Example.COM.')) && soa.rname.equals(Name.parse('HostMaster.Example.COM.'))).toBe(true);
    expect([soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum]).toEqual([2026112601, 7200, 900, 1209600, 300]);
    const craw = await queryWithRetry('www.Example.COM.', T.CNAME);
    const rdata = decodeMessage(craw).answer[0]!.rdata;
    expect(text(decodeTargetName(rdata))).toBe((dnsPacket.decode(Buffer.from(craw)).answers![0] as { data: string }).data);
    expect(decodeTargetName(rdata).equals(Name.parse('WWW2.Example.COM.'))).toBe(true);
  });
});
