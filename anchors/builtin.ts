/**
 * The built-in public root data: IANA root hints (named.root, last update April 2024) and the IANA root
 * trust anchors (https://data.iana.org/root-anchors/root-anchors.xml). Used ONLY when the operator gives no
 * --root-hints / --trust-anchor file; tests never resolve against them.
 */
import { Name } from '../resolver/wire/name.js';
import { CLASS_IN, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import type { ServerHint } from '../resolver/api.js';
import { fromHex } from '../resolver/wire/encoding.js';

/** a–m.root-servers.net with their IPv4 and IPv6 addresses (IANA named.root, 2024041801). */
const ROOT_SERVERS: ReadonlyArray<readonly [string, string, string]> = [
  ['a', '198.41.0.4', '2001:503:ba3e::2:30'],
  ['b', '170.247.170.2', '2801:1b8:10::b'],
  ['c', '192.33.4.12', '2001:500:2::c'],
  ['d', '199.7.91.13', '2001:500:2d::d'],
  ['e', '192.203.230.10', '2001:500:a8::e'],
  ['f', '192.5.5.241', '2001:500:2f::f'],
  ['g', '192.112.36.4', '2001:500:12::d0d'],
  ['h', '198.97.190.53', '2001:500:1::53'],
  ['i', '192.36.148.17', '2001:7fe::53'],
  ['j', '192.58.128.30', '2001:503:c27::2:30'],
  ['k', '193.0.14.129', '2001:7fd::1'],
  ['l', '199.7.83.42', '2001:500:9f::42'],
  ['m', '202.12.27.33', '2001:dc3::35'],
];

export function builtinRootHints(): ServerHint[] {
  return ROOT_SERVERS.map(([letter, v4, v6]) => ({ name: Name.parse(`${letter}.root-servers.net.`), addresses: [v4, v6] }));
}

/**
 * IANA root KSKs as DS records, digest type 2 (SHA-256), algorithm 8 (RSASHA256):
 * KSK-2017 (key tag 20326, validFrom 2017-02-02) and KSK-2024 (key tag 38696, validFrom 2024-07-18).
 */
const ROOT_DS: ReadonlyArray<readonly [number, number, number, string]> = [
  [20326, 8, 2, 'E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D'],
  [38696, 8, 2, '683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16'],
];

/** DS RDATA (RFC 4034 §5.1): key tag, algorithm, digest type, digest. */
export function dsRdata(keyTag: number, algorithm: number, digestType: number, digest: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + digest.length);
  out[0] = keyTag >> 8;
  out[1] = keyTag & 0xff;
  out[2] = algorithm;
  out[3] = digestType;
  out.set(digest, 4);
  return out;
}

export function builtinRootAnchors(): RR[] {
  return ROOT_DS.map(([tag, alg, dt, hex]) => ({
    name: Name.ROOT, type: T.DS, class: CLASS_IN, ttl: 172800, rdata: dsRdata(tag, alg, dt, fromHex(hex)),
  }));
}
