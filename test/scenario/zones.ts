/**
 * The standard scenario hierarchy: a root, com. and net. (signed), example.com. (NSEC) and example.net. (NSEC3),
 * an unsigned child, a broken child, a glueless delegation, a delegation loop, a child carried by its parent's
 * server, and a private signed corp. zone
 * that the root delegates without DS (reachable securely only through its own trust anchor).
 */
import { T } from '../../resolver/wire/types.js';
import { NOW_S, type ZoneDef } from './hierarchy.js';

export const ADDR = {
  rootA: '192.0.2.1',
  rootB: '192.0.2.2',
  com: '192.0.2.10',
  net: '192.0.2.11',
  corp: '192.0.2.12',
  example1: '192.0.2.20',
  example2: '192.0.2.21',
  exampleNet: '192.0.2.30',
  insecure: '192.0.2.40',
  broken: '192.0.2.50',
  hoster: '192.0.2.60',
  glueless: '192.0.2.61',
} as const;

const SOA = (apex: string) => `@ 3600 SOA ns1.${apex} hostmaster.${apex} 1 7200 3600 1209600 300`;

/** 1400 bytes of TXT: too large for a 1232-byte UDP reply once signed, so it comes back with TC (RFC 6891 §7). */
const BIG_TXT = Array.from({ length: 7 }, (_, i) => `"${String(i).repeat(200)}"`).join(' ');

export function standardZones(): ZoneDef[] {
  return [
    {
      apex: '.',
      servers: [ADDR.rootA, ADDR.rootB],
      text: `${SOA('root-servers.')}
@ NS a.root-servers.
@ NS b.root-servers.
a.root-servers. A ${ADDR.rootA}
b.root-servers. A ${ADDR.rootB}
com. NS ns1.nic.com.
ns1.nic.com. A ${ADDR.com}
net. NS ns1.nic.net.
ns1.nic.net. A ${ADDR.net}
corp. NS ns1.corp.
ns1.corp. A ${ADDR.corp}
`,
    },
    {
      apex: 'com.',
      servers: [ADDR.com],
      text: `${SOA('nic.com.')}
@ NS ns1.nic.com.
ns1.nic A ${ADDR.com}
example NS ns1.example.com.
example NS ns2.example.com.
ns1.example A ${ADDR.example1}
ns2.example A ${ADDR.example2}
insecure NS ns1.insecure.com.
ns1.insecure A ${ADDR.insecure}
broken NS ns1.broken.com.
ns1.broken A ${ADDR.broken}
glueless NS ns.hoster.net.
loop1 NS ns.loop2.net.
cohosted NS ns1.nic.com.
expired NS ns1.expired.com.
ns1.expired A ${ADDR.broken}
nosig NS ns1.nosig.com.
ns1.nosig A ${ADDR.broken}
wrongds NS ns1.wrongds.com.
ns1.wrongds A ${ADDR.broken}
internal NS ns1.internal.com.
ns1.internal A 127.0.0.1
`,
    },
    {
      apex: 'net.',
      servers: [ADDR.net],
      text: `${SOA('nic.net.')}
@ NS ns1.nic.net.
ns1.nic A ${ADDR.net}
example NS ns1.example.net.
ns1.example A ${ADDR.exampleNet}
hoster NS ns1.hoster.net.
ns1.hoster A ${ADDR.hoster}
loop2 NS ns.loop1.com.
`,
    },
    {
      apex: 'example.com.',
      servers: [ADDR.example1, ADDR.example2],
      text: `${SOA('example.com.')}
@ NS ns1.example.com.
@ NS ns2.example.com.
ns1 A ${ADDR.example1}
ns2 A ${ADDR.example2}
www A 192.0.2.80
_443._tcp.www TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
alias CNAME www.example.net.
to-insecure CNAME www.insecure.com.
old DNAME example.net.
*.wild A 192.0.2.81
host.sub.ent A 192.0.2.82
big TXT ${BIG_TXT}
c1 CNAME c2.example.net.
c3 CNAME c4.example.net.
`,
    },
    {
      apex: 'example.net.',
      servers: [ADDR.exampleNet],
      denial: 'nsec3',
      nsec3: { iterations: 0, salt: 'ab12' },
      text: `${SOA('example.net.')}
@ NS ns1.example.net.
ns1 A ${ADDR.exampleNet}
www A 192.0.2.90
x A 192.0.2.91
c2 CNAME c3.example.com.
c4 A 192.0.2.92
`,
    },
    {
      apex: 'insecure.com.',
      servers: [ADDR.insecure],
      sign: false,
      text: `${SOA('insecure.com.')}
@ NS ns1.insecure.com.
ns1 A ${ADDR.insecure}
www A 192.0.2.100
`,
    },
    {
      apex: 'broken.com.',
      servers: [ADDR.broken],
      text: `${SOA('broken.com.')}
@ NS ns1.broken.com.
ns1 A ${ADDR.broken}
www A 192.0.2.110
`,
      // Data altered after signing: the RRSIG no longer matches (RFC 4035 §5.3.3).
      mutate: (rrs) => rrs.map((r) => (r.type === 1 && r.name.toString() === 'www.broken.com.' ? { ...r, rdata: Uint8Array.from([192, 0, 2, 111]) } : r)),
    },
    ...brokenLeaf('expired.com.', { inception: NOW_S - 40 * 86400, expiration: NOW_S - 86400 }),
    ...brokenLeaf('nosig.com.', {
      // The RRSIG over www's A RRset is withheld (RFC 4035 §5.3.1).
      mutate: (rrs) => rrs.filter((r) => !(r.type === T.RRSIG && r.name.toString() === 'www.nosig.com.' && r.rdata[1] === T.A)),
    }),
    ...brokenLeaf('wrongds.com.', { wrongDs: true }),
    {
      apex: 'hoster.net.',
      servers: [ADDR.hoster],
      text: `${SOA('hoster.net.')}
@ NS ns1.hoster.net.
ns1 A ${ADDR.hoster}
ns A ${ADDR.glueless}
`,
    },
    {
      apex: 'glueless.com.',
      servers: [ADDR.glueless],
      text: `${SOA('glueless.com.')}
@ NS ns.hoster.net.
www A 192.0.2.120
`,
    },
    {
      // Carried by the com. server itself: it answers for cohosted.com. without a referral.
      apex: 'cohosted.com.',
      servers: [ADDR.com],
      text: `${SOA('cohosted.com.')}
@ NS ns1.nic.com.
www A 192.0.2.130
`,
    },
    {
      apex: 'corp.',
      servers: [ADDR.corp],
      ds: false,
      text: `${SOA('corp.')}
@ NS ns1.corp.
ns1 A ${ADDR.corp}
www A 10.1.1.1
`,
    },
  ];
}

/** A small signed zone on the "broken" server, with one thing changed by `change`. */
function brokenLeaf(apex: string, change: Partial<ZoneDef>): ZoneDef[] {
  return [{
    apex,
    servers: [ADDR.broken],
    text: `${SOA(apex)}
@ NS ns1.${apex}
ns1 A ${ADDR.broken}
www A 192.0.2.140
`,
    ...change,
  }];
}
