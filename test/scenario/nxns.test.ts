/**
 * NXNSAttack (CVE-2020-12662): a delegation to many glueless NS names that do not exist must not make the
 * resolver look every one of them up: past MAX_GLUELESS_NXDOMAIN names found not to exist, it gives up.
 */
import { describe, expect, it } from 'vitest';
import { MAX_GLUELESS_NXDOMAIN } from '../../resolver/resolve.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor } from './hierarchy.js';
import { standardZones } from './zones.js';

const FAN = 12;

describe('NS fan-out to names that do not exist (NXNSAttack)', () => {
  it(`stops after ${MAX_GLUELESS_NXDOMAIN} NXDOMAIN NS names, asking each for one address type only (RFC 8020)`, async () => {
    const fan = Array.from({ length: FAN }, (_, i) => `fan NS ns${i}.nowhere.net.`).join('\n');
    const zones = standardZones().map((z) => (z.apex === 'com.' ? { ...z, text: `${z.text}${fan}\n` } : z));
    const h = buildHierarchy(zones);
    const resolver = resolverFor(h, { doIp6: true });
    const r = await resolver.resolve(n('www.fan.com'), T.A);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    const targets = new Set(h.net.log.filter((q) => /^ns\d+\.nowhere\.net\.$/.test(q.qname)).map((q) => q.qname));
    // GLUELESS_PARALLEL names go out per round: the round that reaches the limit finishes, no further round starts.
    expect(targets.size).toBeGreaterThanOrEqual(MAX_GLUELESS_NXDOMAIN);
    expect(targets.size).toBeLessThan(FAN);
    expect(h.net.log.filter((q) => /nowhere\.net\.$/.test(q.qname) && q.qtype === 'AAAA')).toHaveLength(0);
  });
});
