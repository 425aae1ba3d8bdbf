/**
 * Zone-file (master file) parser: RFC 1035 §5 presentation format -> RR[] with exact wire RDATA.
 *
 * Handles `$ORIGIN`, `$TTL` (RFC 2308 §4), `@`, relative names, an omitted owner (the previous one), TTL and class
 * in either order or omitted, parentheses across lines, `;` comments, quoted strings, `\.`/`\DDD`/`\X` escapes
 * and RFC 3597 `TYPEnnn`/`CLASSnnn`/`\#` forms. `$INCLUDE` is refused: this pure layer reads no files.
 * Every failure is a ZoneSyntaxError with a stable code and `file:line`; hostile text never escapes as another error.
 */
import { Name } from './name.js';
import { CLASS_IN, type RR } from './types.js';
import { encodeRdata, parseNameToken, parseTtl, RdataTextError, typeFromText, type ZoneToken } from './rdata-text.js';

export { typeFromText, typeText, type ZoneToken } from './rdata-text.js';

export class ZoneSyntaxError extends Error {
  constructor(readonly code: string, readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ZoneSyntaxError';
  }
}

export interface ParseZoneOptions {
  /** Origin for relative names before any `$ORIGIN`; without it a relative name is an error. */
  origin?: Name;
  /** TTL for records that give none when no `$TTL` and no earlier TTL applies. */
  defaultTtl?: number;
  /** Shown in error messages. */
  file?: string;
  /** Class for records that give none before any record gives one (default IN). */
  defaultClass?: number;
}

/** One logical entry: the tokens of a line, or of several lines joined by parentheses. */
interface Entry {
  line: number;
  /** RFC 1035 §5.1: an entry starting with blank space has no owner field (the previous owner applies). */
  ownerOmitted: boolean;
  tokens: ZoneToken[];
}

const CLASS_NAMES: Record<string, number> = { IN: 1, CS: 2, CH: 3, HS: 4 };

/** Class from a mnemonic or RFC 3597 `CLASSnnn`; undefined when the token is not a class. */
export function classFromText(text: string): number | undefined {
  const up = text.toUpperCase();
  if (CLASS_NAMES[up] !== undefined) return CLASS_NAMES[up];
  const m = /^CLASS(\d{1,5})$/.exec(up);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer

class Tokenizer {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string, private readonly file: string) {}

  private fail(code: string, line: number, detail: string): never {
    throw new ZoneSyntaxError(code, this.file, line, detail);
  }

  /** Next non-empty entry, or undefined at the end of the text. */
  nextEntry(): Entry | undefined {
    while (this.pos < this.text.length) {
      const entry = this.readEntry();
      if (entry.tokens.length > 0) return entry;
    }
    return undefined;
  }

  private readEntry(): Entry {
    const text = this.text;
    const entry: Entry = { line: this.line, ownerOmitted: text[this.pos] === ' ' || text[this.pos] === '\t', tokens: [] };
    let depth = 0;
    let openLine = 0;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === '\n') {
        this.pos++;
        this.line++;
        if (depth === 0) return entry;
      } else if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === ';') this.skipComment();
      else if (c === '(') { if (depth === 0) openLine = this.line; depth++; this.pos++; }
      else if (c === ')') {
        if (depth === 0) this.fail('UNBALANCED_PAREN', this.line, `")" without a matching "("`);
        depth--;
        this.pos++;
      } else if (c === '"') entry.tokens.push(this.readQuoted());
      else entry.tokens.push(this.readPlain());
    }
    if (depth > 0) this.fail('UNBALANCED_PAREN', openLine, `"(" opened here is never closed`);
    return entry;
  }

  private skipComment(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
  }

  /** A token up to blank space, `;`, `(`, `)` or `"`; `\X` escapes are kept verbatim for the field parser. */
  private readPlain(): ZoneToken {
    const start = this.pos;
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === '\\') {
        if (this.pos + 1 >= text.length || text[this.pos + 1] === '\n') this.fail('BAD_ESCAPE', this.line, 'backslash at the end of a line');
        this.pos += 2;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '(' || c === ')' || c === '"') break;
      this.pos++;
    }
    return { text: text.slice(start, this.pos), quoted: false };
  }

  /** A "…" string on one line; its inner text, escapes kept verbatim. */
  private readQuoted(): ZoneToken {
    const text = this.text;
    const startLine = this.line;
    const start = ++this.pos;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === '\\') {
        if (this.pos + 1 >= text.length || text[this.pos + 1] === '\n') break;
        this.pos += 2;
        continue;
      }
      if (c === '\n') break;
      if (c === '"') {
        const inner = text.slice(start, this.pos);
        this.pos++;
        return { text: inner, quoted: true };
      }
      this.pos++;
    }
    return this.fail('UNTERMINATED_STRING', startLine, 'quoted string is not closed on its line');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry interpreter

interface State {
  origin: Name | undefined;
  /** `$TTL` value (RFC 2308 §4). */
  dollarTtl: number | undefined;
  /** RFC 1035 §5.1: an omitted TTL is the last one stated when no $TTL applies. */
  lastTtl: number | undefined;
  lastClass: number;
  lastOwner: Name | undefined;
}

class ZoneParser {
  private readonly state: State;
  private readonly file: string;
  private readonly defaultTtl: number | undefined;

  constructor(opts: ParseZoneOptions) {
    this.file = opts.file ?? '<zone>';
    this.defaultTtl = opts.defaultTtl;
    this.state = { origin: opts.origin, dollarTtl: undefined, lastTtl: undefined, lastClass: opts.defaultClass ?? CLASS_IN, lastOwner: undefined };
  }

  parse(text: string): RR[] {
    const tokenizer = new Tokenizer(text, this.file);
    const out: RR[] = [];
    for (let entry = tokenizer.nextEntry(); entry !== undefined; entry = tokenizer.nextEntry()) {
      try {
        const rr = this.interpret(entry);
        if (rr) out.push(rr);
      } catch (e) {
        throw this.wrap(e, entry.line);
      }
    }
    return out;
  }

  /** Any failure inside an entry becomes a ZoneSyntaxError carrying file and line. */
  private wrap(e: unknown, line: number): ZoneSyntaxError {
    if (e instanceof ZoneSyntaxError) return e;
    const maybeCode = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
    const code = typeof maybeCode === 'string' ? maybeCode : 'INVALID';
    const detail = e instanceof Error ? e.message : String(e);
    return new ZoneSyntaxError(code, this.file, line, detail);
  }

  private interpret(entry: Entry): RR | undefined {
    const first = entry.tokens[0]!;
    if (!entry.ownerOmitted && !first.quoted && first.text.startsWith('$')) {
      this.directive(entry);
      return undefined;
    }
    return this.record(entry);
  }

  private directive(entry: Entry): void {
    const [dir, arg, ...extra] = entry.tokens;
    const name = dir!.text.toUpperCase();
    if (name === '$INCLUDE') {
      throw new RdataTextError('INCLUDE_UNSUPPORTED', '$INCLUDE is not supported: the zone parser reads no files; inline the included text');
    }
    if (name !== '$ORIGIN' && name !== '$TTL') throw new RdataTextError('UNKNOWN_DIRECTIVE', `unsupported directive ${JSON.stringify(dir!.text.slice(0, 40))}`);
    if (arg === undefined || arg.quoted) throw new RdataTextError('DIRECTIVE_ARGUMENT', `${name} needs one unquoted argument`);
    if (extra.length > 0) throw new RdataTextError('DIRECTIVE_ARGUMENT', `${name} takes one argument`);
    if (name === '$TTL') this.state.dollarTtl = parseTtl(arg.text, '$TTL');
    else this.state.origin = parseNameToken(arg.text, this.state.origin, '$ORIGIN');
  }

  private record(entry: Entry): RR {
    const tokens = entry.tokens;
    let i = 0;
    let owner: Name;
    if (entry.ownerOmitted) {
      if (this.state.lastOwner === undefined) throw new RdataTextError('NO_OWNER', 'record has no owner and no previous owner exists');
      owner = this.state.lastOwner;
    } else {
      const t = tokens[i++]!;
      if (t.quoted) throw new RdataTextError('BAD_OWNER', 'owner name must not be quoted');
      owner = parseNameToken(t.text, this.state.origin, 'owner');
    }
    let ttl: number | undefined;
    let cls: number | undefined;
    // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>] before the type.
    for (let k = 0; k < 2 && i < tokens.length; k++) {
      const t = tokens[i]!;
      if (t.quoted) break;
      if (ttl === undefined && /^\d/.test(t.text)) { ttl = parseTtl(t.text, 'TTL'); i++; continue; }
      const c = cls === undefined ? classFromText(t.text) : undefined;
      if (c === undefined) break;
      cls = c;
      i++;
    }
    const typeToken = tokens[i++];
    if (typeToken === undefined) throw new RdataTextError('NO_TYPE', 'record has no type');
    const type = typeToken.quoted ? undefined : typeFromText(typeToken.text);
    if (type === undefined) throw new RdataTextError('UNKNOWN_TYPE', `unknown type ${JSON.stringify(typeToken.text.slice(0, 40))}`);
    const rdata = encodeRdata(type, tokens.slice(i), this.state.origin);
    const rr = { name: owner, type, class: this.resolveClass(cls), ttl: this.resolveTtl(ttl), rdata };
    this.state.lastOwner = owner;
    return rr;
  }

  private resolveClass(cls: number | undefined): number {
    if (cls !== undefined) this.state.lastClass = cls;
    return this.state.lastClass;
  }

  private resolveTtl(ttl: number | undefined): number {
    if (ttl !== undefined) {
      this.state.lastTtl = ttl;
      return ttl;
    }
    const implied = this.state.dollarTtl ?? this.state.lastTtl ?? this.defaultTtl;
    if (implied === undefined) throw new RdataTextError('NO_TTL', 'record has no TTL and neither $TTL nor an earlier TTL applies');
    return implied;
  }
}

/**
 * Parses a whole zone file (RFC 1035 §5) into records with exact wire RDATA, in file order.
 * Throws ZoneSyntaxError (and nothing else) on any malformed input.
 */
export function parseZone(text: string, opts: ParseZoneOptions = {}): RR[] {
  try {
    return new ZoneParser(opts).parse(text);
  } catch (e) {
    if (e instanceof ZoneSyntaxError) throw e;
    throw new ZoneSyntaxError('INVALID', opts.file ?? '<zone>', 0, e instanceof Error ? e.message : String(e));
  }
}

/**
 * Parses exactly one record line, e.g. a trust anchor `. IN DS 20326 8 2 E06D…`. Absolute names need no origin.
 * Throws ZoneSyntaxError unless the text holds exactly one record.
 */
export function parseRecordLine(line: string, opts: ParseZoneOptions = {}): RR {
  const rrs = parseZone(line, { defaultTtl: 0, ...opts });
  if (rrs.length !== 1) throw new ZoneSyntaxError('NOT_ONE_RECORD', opts.file ?? '<record>', 1, `expected one record, found ${rrs.length}`);
  return rrs[0]!;
}
