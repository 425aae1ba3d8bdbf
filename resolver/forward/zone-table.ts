/**
 * The forward-zone table: which zones go to which upstreams (`--forward ZONE=URL[,URL...]`, repeatable, `.` for
 * everything). The longest matching zone wins, like Unbound's forward-zone; names under no forwarded zone are
 * iterated. Pure code.
 */
import { Name } from '../wire/name.js';
import { parseUpstreamUrl, UpstreamUrlError, type Upstream } from './upstream-url.js';

export interface ForwardZone {
  zone: Name;
  upstreams: Upstream[];
}

/** Upstreams per forwarded zone; a zone needs at least one and at most this many (each is probed and kept warm). */
export const MAX_UPSTREAMS_PER_ZONE = 8;

/** Parses one `ZONE=URL[,URL...]` value; throws UpstreamUrlError with a message naming the value. */
export function parseForwardSpec(spec: string): ForwardZone {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UpstreamUrlError(`bad --forward ${JSON.stringify(spec)}: expected ZONE=URL[,URL...]`);
  const zoneText = spec.slice(0, eq).trim();
  let zone: Name;
  try {
    zone = zoneText === '.' ? Name.ROOT : Name.parse(zoneText.endsWith('.') ? zoneText : `${zoneText}.`);
  } catch (e) {
    throw new UpstreamUrlError(`bad --forward ${JSON.stringify(spec)}: zone ${JSON.stringify(zoneText)}: ${(e as Error).message}`);
  }
  const urls = spec.slice(eq + 1).split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (urls.length === 0) throw new UpstreamUrlError(`bad --forward ${JSON.stringify(spec)}: no upstream URL`);
  if (urls.length > MAX_UPSTREAMS_PER_ZONE) throw new UpstreamUrlError(`bad --forward ${JSON.stringify(spec)}: ${urls.length} upstreams, at most ${MAX_UPSTREAMS_PER_ZONE}`);
  return { zone: zone.toLowerCase(), upstreams: urls.map(parseUpstreamUrl) };
}

export class ForwardTable {
  private readonly byKey = new Map<string, ForwardZone>();

  constructor(zones: readonly ForwardZone[]) {
    for (const z of zones) {
      if (this.byKey.has(z.zone.key)) throw new UpstreamUrlError(`--forward names zone ${z.zone} more than once`);
      this.byKey.set(z.zone.key, z);
    }
  }

  static parse(specs: readonly string[]): ForwardTable {
    return new ForwardTable(specs.map(parseForwardSpec));
  }

  get size(): number {
    return this.byKey.size;
  }

  zones(): ForwardZone[] {
    return [...this.byKey.values()];
  }

  /** The longest forwarded zone enclosing `name`, or undefined when the name is iterated. */
  match(name: Name): ForwardZone | undefined {
    for (let n = name; ; n = n.parent()) {
      const z = this.byKey.get(n.key);
      if (z) return z;
      if (n.isRoot) return undefined;
    }
  }
}
