/**
 * RFC 7958 (updated by RFC 9718) root-anchors XML: a <TrustAnchor> with one <Zone> and <KeyDigest> elements,
 * each a DS record (KeyTag, Algorithm, DigestType, Digest) with a validFrom and optional validUntil.
 * RFC 7958 §2.3: a KeyDigest is to be used only between validFrom and validUntil, so digests outside their
 * window at the clock's current time are skipped.
 *
 * The format is small and fixed, so a strict element scanner is enough; anything unexpected is an error
 * that names the file and line.
 */
import { dsDigestLengthProblem } from '../resolver/dnssec/ds.js';
import { Name } from '../resolver/wire/name.js';
import { CLASS_IN, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { fromHex } from '../resolver/wire/encoding.js';
import { AnchorError, where } from './errors.js';
import { dsRdata } from './builtin.js';

export function looksLikeRootAnchorsXml(text: string): boolean {
  return /<TrustAnchor[\s>]/.test(text);
}

interface Ctx { text: string; file: string | undefined }

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function fail(ctx: Ctx, offset: number, message: string): never {
  const line = lineAt(ctx.text, offset);
  throw new AnchorError('BAD_RECORD', `${where(ctx.file, line)}${message}`, ctx.file, line);
}

/** Text content of the single child element `tag` inside `body` (starting at `base` in the file). */
function child(ctx: Ctx, body: string, base: number, tag: string, required: boolean): string | undefined {
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g');
  const matches = [...body.matchAll(re)];
  if (matches.length > 1) fail(ctx, base + matches[1]!.index!, `<${tag}> appears more than once`);
  if (matches.length === 0) {
    if (required) fail(ctx, base, `<KeyDigest> lacks <${tag}>`);
    return undefined;
  }
  return matches[0]![1]!.trim();
}

function uint(ctx: Ctx, offset: number, text: string, max: number, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) > max) fail(ctx, offset, `${what} ${JSON.stringify(text)} is not an integer 0..${max}`);
  return Number(text);
}

function dateAttr(ctx: Ctx, offset: number, attrs: string, name: string): number | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(attrs);
  if (!m) return undefined;
  const ms = Date.parse(m[1]!);
  if (Number.isNaN(ms)) fail(ctx, offset, `${name}="${m[1]}" is not an xsd:dateTime`);
  return ms;
}

/**
 * Parses root-anchors XML into DS RRs valid at `nowMs`. Throws when the file is malformed or when no
 * KeyDigest is currently valid (an empty anchor set would make everything insecure, silently).
 */
export function parseRootAnchorsXml(text: string, nowMs: number, file?: string): RR[] {
  const ctx: Ctx = { text, file };
  const zoneMatch = /<Zone>([^<]*)<\/Zone>/.exec(text);
  if (!zoneMatch) fail(ctx, text.indexOf('<TrustAnchor'), '<TrustAnchor> lacks a <Zone>');
  let zone: Name;
  try {
    zone = Name.parse(zoneMatch[1]!.trim());
  } catch (err) {
    fail(ctx, zoneMatch.index, `bad <Zone> ${JSON.stringify(zoneMatch[1])}: ${(err as Error).message}`);
  }
  const anchors: RR[] = [];
  let digests = 0;
  for (const m of text.matchAll(/<KeyDigest(\s[^>]*)?>([\s\S]*?)<\/KeyDigest>/g)) {
    digests++;
    const at = m.index!;
    const attrs = m[1] ?? '';
    const body = m[2]!;
    const bodyAt = at + m[0].indexOf('>') + 1;
    const keyTag = uint(ctx, at, child(ctx, body, bodyAt, 'KeyTag', true)!, 0xffff, 'KeyTag');
    const algorithm = uint(ctx, at, child(ctx, body, bodyAt, 'Algorithm', true)!, 0xff, 'Algorithm');
    const digestType = uint(ctx, at, child(ctx, body, bodyAt, 'DigestType', true)!, 0xff, 'DigestType');
    const digestHex = child(ctx, body, bodyAt, 'Digest', true)!;
    if (!/^[0-9a-fA-F]+$/.test(digestHex) || digestHex.length % 2 !== 0) fail(ctx, at, `Digest is not hex: ${JSON.stringify(digestHex.slice(0, 20))}`);
    const lengthProblem = dsDigestLengthProblem(digestType, digestHex.length / 2);
    if (lengthProblem) fail(ctx, at, `Digest: ${lengthProblem}`);
    const validFrom = dateAttr(ctx, at, attrs, 'validFrom');
    const validUntil = dateAttr(ctx, at, attrs, 'validUntil');
    if (validFrom === undefined) fail(ctx, at, '<KeyDigest> lacks the validFrom attribute (RFC 7958 §2.2)');
    // RFC 7958 §2.3: use only digests whose validity window contains the current time.
    if (nowMs < validFrom) continue;
    if (validUntil !== undefined && nowMs >= validUntil) continue;
    anchors.push({ name: zone, type: T.DS, class: CLASS_IN, ttl: 0, rdata: dsRdata(keyTag, algorithm, digestType, fromHex(digestHex)) });
  }
  if (digests === 0) fail(ctx, 0, 'no <KeyDigest> elements in the trust anchor XML');
  if (anchors.length === 0) {
    throw new AnchorError('NO_VALID_ANCHOR', `${where(file)}none of the ${digests} KeyDigest elements is valid at ${new Date(nowMs).toISOString()}`, file);
  }
  return anchors;
}
